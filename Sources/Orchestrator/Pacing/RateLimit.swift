import Foundation

/// A provider's allowance, when the caller knows it. Without one the engine learns it from the provider.
public struct RateLimit: Codable, Sendable, Equatable {
  public var requestsPerMinute: Double?
  public var tokensPerMinute: Double?

  public init(requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil) {
    self.requestsPerMinute = requestsPerMinute
    self.tokensPerMinute = tokensPerMinute
  }
}
