import Foundation
import JSON
import LLM

/// One subtask's contribution to a synthesis. Anything not `completed` is named to the synthesizer as missing.
public struct SynthesisInput: Codable, Sendable, Equatable {
  public var subtaskId: String
  public var name: String?
  public var status: SubtaskStatus
  public var output: String?
  public var error: String?

  public init(
    subtaskId: String, name: String? = nil, status: SubtaskStatus = .completed, output: String? = nil,
    error: String? = nil
  ) {
    self.subtaskId = subtaskId
    self.name = name
    self.status = status
    self.output = output
    self.error = error
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    subtaskId = try container.decode(String.self, forKey: .subtaskId)
    name = try container.decodeIfPresent(String.self, forKey: .name)
    output = try container.decodeIfPresent(String.self, forKey: .output)
    error = try container.decodeIfPresent(String.self, forKey: .error)
    status =
      try container.decodeIfPresent(SubtaskStatus.self, forKey: .status) ?? (output == nil ? .failed : .completed)
  }
}

/// Merges subtask results into one answer: those of a stored plan (`planId`), or the given `task` and `results`.
public struct SynthesisRequest: Codable, Sendable, Equatable {
  public var planId: String?
  public var task: String?
  public var results: [SynthesisInput]?
  public var context: [String: JSONValue]?
  /// "bullets", "paragraphs", or free text describing the shape of the answer.
  public var format: String?
  /// e.g. "time-based" or "goal-based", or free text.
  public var style: String?
  public var instructions: String?
  public var model: String?
  public var maxTokens: Int?
  public var template: String?

  public init(
    planId: String? = nil, task: String? = nil, results: [SynthesisInput]? = nil, context: [String: JSONValue]? = nil,
    format: String? = nil, style: String? = nil, instructions: String? = nil, model: String? = nil,
    maxTokens: Int? = nil, template: String? = nil
  ) {
    self.planId = planId
    self.task = task
    self.results = results
    self.context = context
    self.format = format
    self.style = style
    self.instructions = instructions
    self.model = model
    self.maxTokens = maxTokens
    self.template = template
  }
}

/// The synthesized answer.
public struct Synthesis: Codable, Sendable, Equatable, CarriesCallStatistics {
  public var output: String
  public var statistics: CallStatistics
  /// Subtasks the synthesizer was told had no result.
  public var missing: [String]

  public init(output: String, statistics: CallStatistics, missing: [String] = []) {
    self.output = output
    self.statistics = statistics
    self.missing = missing
  }

  private enum CodingKeys: String, CodingKey { case output, missing }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    output = try container.decode(String.self, forKey: .output)
    missing = try container.decodeIfPresent([String].self, forKey: .missing) ?? []
    statistics = try CallStatistics(from: decoder)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(output, forKey: .output)
    try container.encode(missing, forKey: .missing)
    try statistics.encode(to: encoder)
  }
}
