import Foundation
import JSON
import LLM

/// Runs one subtask on its own: either a subtask of a stored plan (`planId` + `subtaskId`), whose worker then
/// sees the outputs of the subtasks it depends on, or a free-standing one (`task` + `subtask`).
public struct SubtaskRequest: Codable, Sendable, Equatable {
  public var planId: String?
  public var subtaskId: String?
  public var task: String?
  public var subtask: Subtask?
  public var context: [String: JSONValue]?
  public var instructions: String?
  /// The worker model, overriding the subtask's type mapping and the configuration.
  public var model: String?
  /// When given, the output must be JSON satisfying this schema; it is returned parsed in `json`.
  public var outputSchema: JSONValue?
  public var maxTokens: Int?
  public var template: String?

  public init(
    planId: String? = nil, subtaskId: String? = nil, task: String? = nil, subtask: Subtask? = nil,
    context: [String: JSONValue]? = nil, instructions: String? = nil, model: String? = nil,
    outputSchema: JSONValue? = nil, maxTokens: Int? = nil, template: String? = nil
  ) {
    self.planId = planId
    self.subtaskId = subtaskId
    self.task = task
    self.subtask = subtask
    self.context = context
    self.instructions = instructions
    self.model = model
    self.outputSchema = outputSchema
    self.maxTokens = maxTokens
    self.template = template
  }
}

/// A worker's answer.
public struct SubtaskResult: Codable, Sendable, Equatable, CarriesCallStatistics {
  public var subtaskId: String
  public var output: String
  /// The output parsed, when the request had an `outputSchema`.
  public var json: JSONValue?
  public var statistics: CallStatistics

  public init(subtaskId: String, output: String, json: JSONValue? = nil, statistics: CallStatistics) {
    self.subtaskId = subtaskId
    self.output = output
    self.json = json
    self.statistics = statistics
  }

  private enum CodingKeys: String, CodingKey { case subtaskId, output, json }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    subtaskId = try container.decode(String.self, forKey: .subtaskId)
    output = try container.decode(String.self, forKey: .output)
    json = try container.decodeIfPresent(JSONValue.self, forKey: .json)
    statistics = try CallStatistics(from: decoder)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(subtaskId, forKey: .subtaskId)
    try container.encode(output, forKey: .output)
    try container.encodeIfPresent(json, forKey: .json)
    try statistics.encode(to: encoder)
  }
}
