import Foundation

/// Checks a JSON value against the subset of JSON Schema that structured outputs use:
/// `type`, `properties`, `required`, `additionalProperties` (false or a schema), `items`, `minItems`, `maxItems`,
/// `enum`, `const`, `minLength`, `maxLength`, `minimum`, `maximum`.
///
/// Providers enforce schemas natively where they can; this is the engine's own check, whose messages are
/// fed back to the model when an output must be repaired, so each names the path and the rule.
package struct JSONSchemaValidator {
  /// Stop collecting after this many problems: the model needs the first few, not an essay.
  package var maxErrors = 8

  package init(maxErrors: Int = 8) { self.maxErrors = maxErrors }

  package func validate(_ value: JSONValue, against schema: JSONValue) -> [String] {
    var errors: [String] = []
    check(value, schema, path: "$", errors: &errors)
    return errors
  }

  private func check(_ value: JSONValue, _ schema: JSONValue, path: String, errors: inout [String]) {
    guard errors.count < maxErrors, case .object(let rules) = schema else { return }

    if let type = rules["type"], !matches(value, type: type) {
      errors.append("\(path): expected \(describeType(type)), got \(value.typeName)")
      return
    }
    if let allowed = rules["enum"]?.arrayValue, !allowed.contains(where: { same($0, value) }) {
      let list = allowed.map(JSONText.encode).joined(separator: ", ")
      errors.append("\(path): \(JSONText.encode(value)) is not one of \(list)")
    }
    if let constant = rules["const"], !same(constant, value) {
      errors.append("\(path): must be \(JSONText.encode(constant))")
    }

    switch value {
    case .string(let text):
      let length = text.unicodeScalars.count
      if let minimum = rules["minLength"]?.intValue, length < minimum {
        errors.append("\(path): string has \(length) characters, fewer than minLength \(minimum)")
      }
      if let maximum = rules["maxLength"]?.intValue, length > maximum {
        errors.append("\(path): string has \(length) characters, more than maxLength \(maximum)")
      }
    case .int, .double:
      let number = value.doubleValue ?? 0
      if let minimum = rules["minimum"]?.doubleValue, number < minimum {
        errors.append("\(path): \(JSONText.encode(value)) is below minimum \(JSONText.encode(rules["minimum"]!))")
      }
      if let maximum = rules["maximum"]?.doubleValue, number > maximum {
        errors.append("\(path): \(JSONText.encode(value)) is above maximum \(JSONText.encode(rules["maximum"]!))")
      }
    case .array(let items):
      if let minimum = rules["minItems"]?.intValue, items.count < minimum {
        errors.append("\(path): array has \(items.count) items, fewer than minItems \(minimum)")
      }
      if let maximum = rules["maxItems"]?.intValue, items.count > maximum {
        errors.append("\(path): array has \(items.count) items, more than maxItems \(maximum)")
      }
      if let itemSchema = rules["items"] {
        for (index, item) in items.enumerated() {
          check(item, itemSchema, path: "\(path)[\(index)]", errors: &errors)
        }
      }
    case .object(let members):
      let properties = rules["properties"]?.objectValue ?? [:]
      for name in rules["required"]?.arrayValue ?? [] {
        if let name = name.stringValue, members[name] == nil {
          errors.append("\(path): missing required property \"\(name)\"")
        }
      }
      for key in members.keys.sorted() {
        let member = members[key]!
        if let propertySchema = properties[key] {
          check(member, propertySchema, path: "\(path).\(key)", errors: &errors)
        } else if let additional = rules["additionalProperties"] {
          if additional == .bool(false) {
            errors.append("\(path): property \"\(key)\" is not allowed")
          } else {
            check(member, additional, path: "\(path).\(key)", errors: &errors)
          }
        }
      }
    case .null, .bool:
      break
    }
  }

  private func matches(_ value: JSONValue, type: JSONValue) -> Bool {
    if let names = type.arrayValue { return names.contains { matches(value, type: $0) } }
    switch (type.stringValue, value) {
    case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
      ("number", .int), ("number", .double), ("integer", .int):
      return true
    case ("integer", .double(let number)):
      return number.rounded() == number
    case (nil, _):
      return true
    default:
      return false
    }
  }

  private func describeType(_ type: JSONValue) -> String {
    if let names = type.arrayValue { return names.compactMap(\.stringValue).joined(separator: " or ") }
    return type.stringValue ?? "valid type"
  }

  /// JSON equality where 1 and 1.0 are the same number.
  private func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
    if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
    return lhs == rhs
  }
}
