import Foundation

/// JSON text in and out of `JSONValue`, for prompts, model outputs and error messages.
package enum JSONText {
  /// Compact JSON with sorted keys (stable, so prompts and journals do not change between runs).
  package static func encode(_ value: JSONValue) -> String {
    var out = ""
    append(value, to: &out)
    return out
  }

  /// Parses JSON text. Throws `DecodingError` with the position of the problem.
  static func decode(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  /// Parses a model's JSON answer, tolerating what models wrap around it: whitespace and a Markdown code fence.
  package static func decodeModelOutput(_ text: String) throws -> JSONValue {
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

  package static func append(_ value: JSONValue, to out: inout String) {
    switch value {
    case .null: out += "null"
    case .bool(let flag): out += flag ? "true" : "false"
    case .int(let number): out += String(number)
    case .double(let number): out += number.isFinite ? String(number) : "null"
    case .string(let text): appendString(text, to: &out)
    case .array(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        append(item, to: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        appendString(key, to: &out)
        out += ":"
        append(members[key]!, to: &out)
      }
      out += "}"
    }
  }

  static func appendString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        out += "\\u00"
        out += String(scalar.value, radix: 16).leftPadded(to: 2)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  /// A short description of a decoding failure for feeding back to a model.
  package static func describe(_ error: any Error) -> String {
    guard let decoding = error as? DecodingError else { return "\(error)" }
    switch decoding {
    case .dataCorrupted(let context):
      let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
      return "invalid JSON: \(underlying ?? context.debugDescription)"
    default:
      return "invalid JSON: \(decoding)"
    }
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
