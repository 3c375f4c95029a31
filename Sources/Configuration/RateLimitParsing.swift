import JSON
import Orchestrator

/// Reading a provider's allowance from the configuration file (`rateLimits` entries): whole numbers per
/// minute, either one optional.
extension RateLimit {
  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> RateLimit
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: ["requestsPerMinute", "tokensPerMinute"], at: path)
    func perMinute(_ key: String) throws(ConfigurationError) -> Double? {
      guard let value = members[key] else { return nil }
      return try reader.number(value, within: .perMinute, at: reader.join(path, key))
    }
    return RateLimit(
      requestsPerMinute: try perMinute("requestsPerMinute"), tokensPerMinute: try perMinute("tokensPerMinute"))
  }
}
