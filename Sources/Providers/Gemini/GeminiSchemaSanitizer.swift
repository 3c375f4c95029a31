import Foundation
import JSON

/// Gemini's `responseSchema` and function `parameters` accept an OpenAPI 3.0 subset of JSON Schema and
/// reject requests containing other keywords (`additionalProperties`, `$schema`, `$defs`, `const`, ...).
/// This keeps only the supported keywords, recursing into `properties`, `items` and `anyOf`, and turns
/// `type: ["string", "null"]` into `type: "STRING", nullable: true`. Type names are upper-cased as in
/// the API's `Type` enum. Dropped keywords are constraints Gemini cannot enforce anyway; callers that
/// need them validate the output.
enum GeminiSchemaSanitizer {
  static let supportedKeywords: Set<String> = [
    "type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems", "properties",
    "required", "propertyOrdering", "anyOf", "minimum", "maximum", "minLength", "maxLength", "pattern",
    "minProperties", "maxProperties", "default", "example",
  ]

  static func sanitize(_ schema: JSONValue) -> JSONValue {
    guard case .object(let members) = schema else { return schema }
    var result: [String: JSONValue] = [:]
    for (key, value) in members where supportedKeywords.contains(key) {
      switch key {
      case "type":
        switch value {
        case .string(let name):
          result["type"] = .string(name.uppercased())
        case .array(let names):
          let types = names.compactMap(\.stringValue)
          if types.contains("null") { result["nullable"] = true }
          if let first = types.first(where: { $0 != "null" }) { result["type"] = .string(first.uppercased()) }
        default:
          break
        }
      case "properties":
        if case .object(let properties) = value {
          result["properties"] = .object(properties.mapValues(sanitize))
        }
      case "items":
        result["items"] = sanitize(value)
      case "anyOf":
        if case .array(let options) = value { result["anyOf"] = .array(options.map(sanitize)) }
      default:
        result[key] = value
      }
    }
    if result["nullable"] == nil, let nullable = members["nullable"] { result["nullable"] = nullable }
    return .object(result)
  }
}
