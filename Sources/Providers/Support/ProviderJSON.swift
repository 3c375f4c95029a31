import Foundation
import JSON

/// JSON encoding and decoding shared by the adapters, on the program's one writer and parser: sorted keys
/// (stable request bodies, testable), unescaped slashes (URLs and paths in prompts stay readable), the
/// number spellings the bodies have always had, and the string form some APIs use for tool arguments.
enum ProviderJSON {
  /// How request bodies are written: what `JSONEncoder` with sorted keys wrote, byte for byte.
  static let writing: JSONWriter.Options = [.sortedKeys, .foundationFormatting]

  /// A request body; NaN and infinities are refused, as `JSONEncoder` refused them.
  static func encode(_ value: JSONValue) throws -> Data {
    Data(try JSONWriter.checkedBytes(value, options: writing))
  }

  /// Compact JSON text of `value`, as OpenAI's `function.arguments` carries it.
  static func text(_ value: JSONValue) -> String {
    guard let bytes = try? JSONWriter.checkedBytes(value, options: writing) else { return "null" }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A typed response body: parsed once, then decoded from the tree (no second parse in `JSONDecoder`).
  static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
    try JSONValueDecoder().decode(type, from: try JSONParser.parse(data, options: .foundationCompatible))
  }

  /// Parses JSON text, or nil when it is not JSON.
  static func value(parsing text: String) -> JSONValue? {
    try? JSONParser.parse(text, options: .foundationCompatible)
  }

  /// Tool arguments from the string form: parsed JSON; `{}` for an empty string (some servers send
  /// that for argument-less calls); the raw text as `.string` when it is not JSON (e.g. cut off by
  /// the token limit), so nothing the model produced is lost.
  static func toolArguments(fromText text: String) -> JSONValue {
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .object([:]) }
    return value(parsing: text) ?? .string(text)
  }

  /// Tool arguments as an object for APIs that require one (Anthropic `input`, Gemini `args`,
  /// Bedrock `input`): objects pass through, JSON text holding an object is parsed, anything else is
  /// wrapped as `{"value": ...}`.
  static func argumentsObject(_ arguments: JSONValue) -> JSONValue {
    switch arguments {
    case .object: return arguments
    case .string(let text):
      if let parsed = value(parsing: text), case .object = parsed { return parsed }
      return ["value": arguments]
    default:
      return ["value": arguments]
    }
  }
}
