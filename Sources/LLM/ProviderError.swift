import Foundation

/// Every failure of a provider call, classified once so retry logic never parses messages.
/// Messages never contain API keys.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Codable, Sendable {
    /// 429: slow down; `retryAfter` says for how long when the provider told us.
    case rateLimited
    /// 408, 409, 5xx: the provider failed; trying again may work.
    case serverError
    /// 401, 403: the key is missing or wrong.
    case authentication
    /// Other 4xx: the request itself is wrong; retrying will not help.
    case badRequest
    /// The prompt plus the output cap does not fit the model's context window; retrying the same
    /// request cannot help (it has to be shortened, or sent to a model with a larger window).
    case contextLengthExceeded
    /// Idle or total timeout of the transfer.
    case timeout
    /// The server could not be reached.
    case connection
    /// The body was not what the provider's API documents.
    case malformedResponse
    /// The output hit the token limit and is incomplete.
    case truncated
    /// No provider is configured for the model, or the model name is malformed.
    case notConfigured
  }

  public var kind: Kind
  public var message: String
  public var status: Int?
  /// How long the provider asked us to wait (`Retry-After`, `retry-after-ms`).
  public var retryAfter: Duration?
  public var rateLimit: RateLimitSnapshot?
  public var provider: String?

  public init(
    _ kind: Kind, _ message: String, status: Int? = nil, retryAfter: Duration? = nil,
    rateLimit: RateLimitSnapshot? = nil, provider: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.status = status
    self.retryAfter = retryAfter
    self.rateLimit = rateLimit
    self.provider = provider
  }

  /// Whether the same request may succeed if sent again.
  public var isRetryable: Bool {
    switch kind {
    case .rateLimited, .serverError, .timeout, .connection, .malformedResponse: return true
    case .authentication, .badRequest, .contextLengthExceeded, .truncated, .notConfigured: return false
    }
  }

  public var description: String {
    var text = "\(provider.map { "\($0): " } ?? "")\(message)"
    if let status { text += " (HTTP \(status))" }
    return text
  }
}
