import RPC

/// What a model costs, in US dollars per million tokens (`prices` in the configuration). The engine
/// turns `Usage` into cost with it.
public struct ModelPrice: Sendable, Equatable, Codable {
  public var inputPerMTok: Double
  public var outputPerMTok: Double

  public init(inputPerMTok: Double, outputPerMTok: Double) {
    self.inputPerMTok = inputPerMTok
    self.outputPerMTok = outputPerMTok
  }

  /// The cost of `usage` in US dollars.
  public func cost(of usage: Usage) -> Double {
    (Double(usage.inputTokens) * inputPerMTok + Double(usage.outputTokens) * outputPerMTok) / 1_000_000
  }

  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> ModelPrice
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: ["inputPerMTok", "outputPerMTok"], at: path)
    func required(_ key: String) throws(ConfigurationError) -> Double {
      guard let value = members[key] else { throw reader.error(reader.join(path, key), "missing") }
      return try reader.nonNegativeNumber(value, at: reader.join(path, key))
    }
    return ModelPrice(inputPerMTok: try required("inputPerMTok"), outputPerMTok: try required("outputPerMTok"))
  }
}
