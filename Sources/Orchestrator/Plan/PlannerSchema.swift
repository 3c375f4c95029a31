import Foundation
import JSON

/// The JSON Schema the planner's answer must satisfy.
///
/// Small models need tight bounds to stay on track under grammar-constrained decoding: every string has a
/// `maxLength`, the subtask list has `minItems`/`maxItems`, and only `name` and `description` are required.
enum PlannerSchema {
  static let nameLength = 80
  static let descriptionLength = 400
  static let objectiveLength = 200
  static let idLength = 24
  /// Subtask fields the engine understands; anything else a caller's `subtaskSchema` adds goes to `params`.
  static let coreFields: Set<String> = ["id", "name", "description", "type", "dependsOn", "params", "constraints"]

  static func make(minSubtasks: Int, maxSubtasks: Int, subtaskSchema: JSONValue?, types: [String]) throws -> JSONValue {
    var typeSchema: [String: JSONValue] = ["type": "string", "maxLength": 40]
    if !types.isEmpty { typeSchema = ["type": "string", "enum": .array(types.sorted().map(JSONValue.string))] }
    var properties: [String: JSONValue] = [
      "id": ["type": "string", "maxLength": .int(idLength)],
      "name": ["type": "string", "minLength": 1, "maxLength": .int(nameLength)],
      "description": ["type": "string", "minLength": 1, "maxLength": .int(descriptionLength)],
      "type": .object(typeSchema),
      "dependsOn": [
        "type": "array", "maxItems": .int(max(0, maxSubtasks - 1)),
        "items": ["type": "string", "maxLength": .int(nameLength)],
      ],
    ]
    var required: [JSONValue] = ["name", "description"]

    if let extra = subtaskSchema {
      guard case .object(let rules) = extra, rules["type"] == nil || rules["type"] == "object" else {
        throw EngineError(.invalidRequest, "subtaskSchema must be a JSON Schema of type object")
      }
      for (name, schema) in rules["properties"]?.objectValue ?? [:] {
        guard !coreFields.contains(name) || name == "constraints" || name == "params" else {
          throw EngineError(.invalidRequest, "subtaskSchema may not redefine the built-in field \"\(name)\"")
        }
        properties[name] = schema
      }
      for name in rules["required"]?.arrayValue ?? [] where !required.contains(name) {
        guard let field = name.stringValue, properties[field] != nil else {
          throw EngineError(.invalidRequest, "subtaskSchema requires \(JSONText.encode(name)) but does not define it")
        }
        required.append(name)
      }
    }

    let item: JSONValue = [
      "type": "object", "additionalProperties": false, "properties": .object(properties), "required": .array(required),
    ]
    return [
      "type": "object",
      "additionalProperties": false,
      "required": ["subtasks"],
      "properties": [
        "objective": ["type": "string", "maxLength": .int(objectiveLength)],
        "subtasks": ["type": "array", "minItems": .int(minSubtasks), "maxItems": .int(maxSubtasks), "items": item],
      ],
    ]
  }
}
