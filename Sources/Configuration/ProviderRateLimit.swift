import JSON

/// A provider's configured allowance (`rateLimits` in the configuration), which the engine's limiter
/// enforces before the provider has to answer 429. Either field may be absent (no limit of that kind).
public struct ProviderRateLimit: Sendable, Equatable, Codable {
  public var requestsPerMinute: Int?
  public var tokensPerMinute: Int?

  public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
    self.requestsPerMinute = requestsPerMinute
    self.tokensPerMinute = tokensPerMinute
  }

  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> ProviderRateLimit
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: ["requestsPerMinute", "tokensPerMinute"], at: path)
    var limit = ProviderRateLimit()
    if let value = members["requestsPerMinute"] {
      limit.requestsPerMinute = try reader.integer(value, within: .perMinute, at: reader.join(path, "requestsPerMinute"))
    }
    if let value = members["tokensPerMinute"] {
      limit.tokensPerMinute = try reader.integer(value, within: .perMinute, at: reader.join(path, "tokensPerMinute"))
    }
    return limit
  }
}
