import Foundation

/// JSON text in and out of `JSONValue`, for prompts, model outputs and error messages: `JSONWriter` with
/// sorted keys, and `JSONParser` with the leniencies model answers have always had.
package enum JSONText {
  /// Compact JSON with sorted keys (stable, so prompts and journals do not change between runs).
  package static func encode(_ value: JSONValue) -> String {
    JSONWriter.string(value, options: .sortedKeys)
  }

  /// Parses JSON text as `JSONDecoder` did (a trailing comma, `1.0` an integer). Throws `JSONParseError`.
  static func decode(_ text: String) throws(JSONParseError) -> JSONValue {
    try JSONParser.parse(text, options: .foundationCompatible)
  }

  /// Parses a model's JSON answer, tolerating what models wrap around it: whitespace and a Markdown code fence.
  package static func decodeModelOutput(_ text: String) throws(JSONParseError) -> JSONValue {
    var body = Substring(text).trimmingCharacters(in: .whitespacesAndNewlines)[...]
    if body.hasPrefix("```") {
      body = body.drop { $0 != "\n" }.dropFirst()
      if let fence = body.range(of: "```", options: .backwards) { body = body[..<fence.lowerBound] }
    }
    do {
      return try decode(String(body))
    } catch {
      // Some models add a sentence before or after the object: try the outermost braces once.
      if let open = body.firstIndex(of: "{"), let close = body.lastIndex(of: "}"), open < close,
        let value = try? decode(String(body[open...close]))
      {
        return value
      }
      throw error
    }
  }

  /// Appends `value` as `encode` writes it. Kept for `JSONLineWriter`, which can call
  /// `JSONWriter.write(_:into:options: .sortedKeys)` on its bytes directly instead.
  package static func append(_ value: JSONValue, to out: inout String) {
    out += encode(value)
  }

  /// A short description of a parse failure for feeding back to a model.
  package static func describe(_ error: any Error) -> String {
    switch error {
    case let parse as JSONParseError: return "invalid JSON: \(parse.located)"
    case let decoding as DecodingError: return DecodingErrorText.describe(decoding)
    default: return "\(error)"
    }
  }
}
