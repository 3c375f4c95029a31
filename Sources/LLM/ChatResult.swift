import Foundation

/// Why generation ended. `length` means the output was cut off and must not be treated as complete.
public enum FinishReason: String, Codable, Sendable {
  case stop
  case length
  case toolCalls
  case contentFilter
  case other
}

/// Tokens spent by a call (or summed over many).
public struct Usage: Codable, Sendable, Equatable {
  public var inputTokens: Int
  public var outputTokens: Int

  public init(inputTokens: Int = 0, outputTokens: Int = 0) {
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
  }

  /// Counts come from providers, so sums saturate rather than trap on an absurd one.
  public var totalTokens: Int { inputTokens.adding(saturating: outputTokens) }

  public static func + (lhs: Usage, rhs: Usage) -> Usage {
    Usage(
      inputTokens: lhs.inputTokens.adding(saturating: rhs.inputTokens),
      outputTokens: lhs.outputTokens.adding(saturating: rhs.outputTokens))
  }

  public static func += (lhs: inout Usage, rhs: Usage) { lhs = lhs + rhs }
}

/// What the provider said about its rate limits, from response headers (success or 429 alike).
public struct RateLimitSnapshot: Codable, Sendable, Equatable {
  public var limitRequests: Int?
  public var limitTokens: Int?
  public var remainingRequests: Int?
  public var remainingTokens: Int?
  /// Seconds until the request allowance resets.
  public var resetRequestsSeconds: Double?
  /// Seconds until the token allowance resets.
  public var resetTokensSeconds: Double?

  public init(
    limitRequests: Int? = nil, limitTokens: Int? = nil, remainingRequests: Int? = nil, remainingTokens: Int? = nil,
    resetRequestsSeconds: Double? = nil, resetTokensSeconds: Double? = nil
  ) {
    self.limitRequests = limitRequests
    self.limitTokens = limitTokens
    self.remainingRequests = remainingRequests
    self.remainingTokens = remainingTokens
    self.resetRequestsSeconds = resetRequestsSeconds
    self.resetTokensSeconds = resetTokensSeconds
  }

  public var isEmpty: Bool { self == RateLimitSnapshot() }
}

/// The outcome of one chat call.
public struct ChatResult: Codable, Sendable, Equatable {
  public var text: String
  public var toolCalls: [ToolCall]
  public var finishReason: FinishReason
  public var usage: Usage
  /// The model that actually answered, as the provider named it.
  public var model: String
  /// The provider's id for the request (`x-request-id`, `request-id`, response `id`), for support tickets.
  public var requestId: String?
  public var latencyMs: Double
  public var rateLimit: RateLimitSnapshot?

  public init(
    text: String, toolCalls: [ToolCall] = [], finishReason: FinishReason, usage: Usage, model: String,
    requestId: String? = nil, latencyMs: Double = 0, rateLimit: RateLimitSnapshot? = nil
  ) {
    self.text = text
    self.toolCalls = toolCalls
    self.finishReason = finishReason
    self.usage = usage
    self.model = model
    self.requestId = requestId
    self.latencyMs = latencyMs
    self.rateLimit = rateLimit
  }
}

/// What a streaming call yields: text as it is generated, then the same result a plain call returns.
public enum ChatStreamEvent: Sendable, Equatable {
  case delta(String)
  case done(ChatResult)
}
