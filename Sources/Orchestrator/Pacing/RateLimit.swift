import Foundation

/// A provider's allowance, when the caller knows it (`rateLimits` in the configuration), which the limiter
/// enforces before the provider has to answer 429. Without one the engine learns it from the provider; a
/// field left nil sets no limit of that kind.
public struct RateLimit: Sendable, Equatable {
  public var requestsPerMinute: Double?
  public var tokensPerMinute: Double?

  public init(requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil) {
    self.requestsPerMinute = requestsPerMinute
    self.tokensPerMinute = tokensPerMinute
  }
}
