/// The one account of why a typed value did not decode, shared by every caller: RPC params and client
/// answers (`RPCError.describe`), provider bodies, model answers, journal lines. It names the field as a
/// path (`steps[2].usage`) and says what was expected and what came.
package enum DecodingErrorText {
  /// "field 'a.b[1]': expected a string, got number"; "missing field 'a.task'"; for the value as a whole,
  /// "`subject` must be an object, got array".
  package static func describe(_ error: DecodingError, subject: String = "the value") -> String {
    switch error {
    case .keyNotFound(let key, let context):
      let parent = fieldPath(context.codingPath)
      return "missing field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
    case .typeMismatch(let type, let context):
      let field = fieldPath(context.codingPath)
      // `JSONValueDecoder` says what it expected and what it got; other decoders only name a Swift type.
      let expected =
        context.debugDescription.hasPrefix("expected ")
        ? context.debugDescription : "expected \(jsonTypeName(type))"
      if field.isEmpty { return "\(subject) must be \(expected.dropFirst("expected ".count))" }
      return "field '\(field)': \(expected)"
    case .valueNotFound(let type, let context):
      return "field '\(fieldPath(context.codingPath))': expected \(jsonTypeName(type)), got null"
    case .dataCorrupted(let context):
      let field = fieldPath(context.codingPath)
      let detail = context.debugDescription
      return field.isEmpty ? detail : "field '\(field)': \(detail)"
    @unknown default:
      return "\(error)"
    }
  }

  /// `a.b[1].c`: member names joined by dots, array positions in brackets.
  package static func fieldPath(_ codingPath: [any CodingKey]) -> String {
    var path = ""
    for key in codingPath {
      if let index = key.intValue {
        path += "[\(index)]"
      } else {
        if !path.isEmpty { path += "." }
        path += key.stringValue
      }
    }
    return path
  }

  /// The JSON type a Swift type decodes from, for decoders that report only the Swift type.
  private static func jsonTypeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Int.Type, is Double.Type, is Float.Type, is Int64.Type, is UInt.Type: return "a number"
    case is Bool.Type: return "a boolean"
    default:
      let name = String(describing: type)
      if name.hasPrefix("Array") || name.hasPrefix("[") { return "an array" }
      return "an object"
    }
  }
}
