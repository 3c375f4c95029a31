import JSON
import LLM

/// Reading a price from the configuration file (`prices` entries).
extension ModelPrice {
  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> ModelPrice
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: ["inputPerMTok", "outputPerMTok"], at: path)
    func required(_ key: String) throws(ConfigurationError) -> Double {
      guard let value = members[key] else { throw reader.error(reader.join(path, key), "missing") }
      return try reader.number(value, within: .costUSD, at: reader.join(path, key))
    }
    return ModelPrice(inputPerMTok: try required("inputPerMTok"), outputPerMTok: try required("outputPerMTok"))
  }
}
