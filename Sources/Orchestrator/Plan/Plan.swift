import Foundation
import JSON

/// One unit of work a planner split the task into.
public struct Subtask: Codable, Sendable, Equatable {
  /// Unique within its plan (`s1`, `s2`, … unless the planner gave usable ids).
  public var id: String
  public var name: String
  /// What the worker must do, written so it can act without seeing the other subtasks.
  public var description: String
  /// A category the configuration can route to a specific worker model (`workerModelsByType`).
  public var type: String?
  /// Typed parameters, including the fields a caller demanded through `PlanRequest.subtaskSchema`.
  public var params: JSONValue?
  /// Ids of subtasks whose outputs this one needs; they run first and their outputs are given to its worker.
  public var dependsOn: [String]?
  /// Per-subtask limits the engine honours: `maxTokens` (output cap), `timeoutSeconds` (per attempt),
  /// `model` (worker model override). Other members are passed on to the worker as information.
  public var constraints: JSONValue?

  public init(
    id: String, name: String, description: String, type: String? = nil, params: JSONValue? = nil,
    dependsOn: [String]? = nil, constraints: JSONValue? = nil
  ) {
    self.id = id
    self.name = name
    self.description = description
    self.type = type
    self.params = params
    self.dependsOn = dependsOn
    self.constraints = constraints
  }
}

/// A task split into subtasks that form a dependency DAG.
public struct Plan: Codable, Sendable, Equatable {
  public var planId: String
  /// The planner's one-line statement of the goal (the task itself when the planner gave none).
  public var objective: String
  public var subtasks: [Subtask]

  public init(planId: String, objective: String, subtasks: [Subtask]) {
    self.planId = planId
    self.objective = objective
    self.subtasks = subtasks
  }

  public func subtask(_ id: String) -> Subtask? { subtasks.first { $0.id == id } }
}
