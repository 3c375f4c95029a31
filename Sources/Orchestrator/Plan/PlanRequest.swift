import Foundation
import JSON

/// Asks the planner to split a task into subtasks.
public struct PlanRequest: Codable, Sendable, Equatable {
  public var task: String
  /// Values for `{variables}` in templates, and background the planner and workers see.
  public var context: [String: JSONValue]?
  /// Extra guidance for the planner.
  public var instructions: String?
  /// At most this many subtasks (default: the configuration's `maxSubtasks`).
  public var maxSubtasks: Int?
  /// At least this many subtasks (default 1). Equal to `maxSubtasks` demands an exact count.
  public var minSubtasks: Int?
  /// The planner model (`provider:model`), overriding the configuration.
  public var model: String?
  /// A JSON Schema object (`properties`, `required`) of extra fields every subtask must carry, e.g. a budget
  /// share or a time limit. It is merged into the planner's output schema; the values land in `Subtask.params`
  /// (or `Subtask.constraints` for a field named `constraints`).
  public var subtaskSchema: JSONValue?
  /// A planner prompt template overriding the configured one.
  public var template: String?

  public init(
    task: String, context: [String: JSONValue]? = nil, instructions: String? = nil, maxSubtasks: Int? = nil,
    minSubtasks: Int? = nil, model: String? = nil, subtaskSchema: JSONValue? = nil, template: String? = nil
  ) {
    self.task = task
    self.context = context
    self.instructions = instructions
    self.maxSubtasks = maxSubtasks
    self.minSubtasks = minSubtasks
    self.model = model
    self.subtaskSchema = subtaskSchema
    self.template = template
  }
}
