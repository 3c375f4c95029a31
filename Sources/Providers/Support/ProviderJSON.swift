import Foundation
import JSON

/// JSON encoding and decoding shared by the adapters: sorted keys (stable request bodies, testable),
/// unescaped slashes (URLs and paths in prompts stay readable), and the string form some APIs use for
/// tool arguments.
enum ProviderJSON {
  static func encode(_ value: JSONValue) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  /// Compact JSON text of `value`, as OpenAI's `function.arguments` carries it.
  static func text(_ value: JSONValue) -> String {
    guard let data = try? encode(value) else { return "null" }
    return String(decoding: data, as: UTF8.self)
  }

  static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
    try JSONDecoder().decode(type, from: data)
  }

  /// Parses JSON text, or nil when it is not JSON.
  static func value(parsing text: String) -> JSONValue? {
    try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
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
