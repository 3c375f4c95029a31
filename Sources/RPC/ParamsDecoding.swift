import JSON

extension JSONCoding {
  /// Decodes typed parameters. Absent or null params decode as `{}` so all-optional types accept them.
  public static func decode<Value: Decodable>(_ type: Value.Type, from params: JSONValue?) throws -> Value {
    if let raw = (params ?? .null) as? Value { return raw }
    if Value.self == NoParams.self, let none = NoParams() as? Value { return none }
    let source: JSONValue = (params == nil || params == .null) ? .object([:]) : params!
    return try JSONValueDecoder().decode(type, from: source)
  }
}
