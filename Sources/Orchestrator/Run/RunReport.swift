import Foundation
import LLM

/// What one subtask of a run came to.
public struct SubtaskOutcome: Codable, Sendable, Equatable, CarriesCallStatistics {
  public var subtaskId: String
  public var status: SubtaskStatus
  public var output: String?
  /// Why it failed, was skipped or was cancelled.
  public var error: String?
  /// The worker's call (the last model tried when it failed; none when it never ran).
  public var statistics: CallStatistics

  public init(
    subtaskId: String, status: SubtaskStatus, output: String? = nil, error: String? = nil,
    statistics: CallStatistics = CallStatistics()
  ) {
    self.subtaskId = subtaskId
    self.status = status
    self.output = output
    self.error = error
    self.statistics = statistics
  }

  public init(
    subtaskId: String, status: SubtaskStatus, output: String? = nil, error: String? = nil, usage: Usage = Usage(),
    costUSD: Double? = nil, attempts: Int = 0, durationMs: Double = 0, model: String? = nil,
    finishReason: FinishReason? = nil
  ) {
    self.init(
      subtaskId: subtaskId, status: status, output: output, error: error,
      statistics: CallStatistics(
        model: model, usage: usage, costUSD: costUSD, attempts: attempts, durationMs: durationMs,
        finishReason: finishReason))
  }

  private enum CodingKeys: String, CodingKey { case subtaskId, status, output, error }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    subtaskId = try container.decode(String.self, forKey: .subtaskId)
    status = try container.decode(SubtaskStatus.self, forKey: .status)
    output = try container.decodeIfPresent(String.self, forKey: .output)
    error = try container.decodeIfPresent(String.self, forKey: .error)
    statistics = try CallStatistics(from: decoder)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(subtaskId, forKey: .subtaskId)
    try container.encode(status, forKey: .status)
    try container.encodeIfPresent(output, forKey: .output)
    try container.encodeIfPresent(error, forKey: .error)
    try statistics.encode(to: encoder)
  }
}

/// Everything a run produced, finished or not.
public struct RunReport: Codable, Sendable, Equatable {
  public var runId: String
  public var status: RunStatus
  public var task: String
  public var plan: Plan?
  /// One entry per subtask of the plan, in plan order.
  public var results: [SubtaskOutcome]
  /// The synthesized answer.
  public var output: String?
  /// Why the run did not complete (or what went wrong in a step that ended it).
  public var error: String?
  public var usage: Usage
  /// The cost of calls to models with a known price; see `unpricedModels`.
  public var costUSD: Double
  /// Models used without a known price: their tokens are counted, their cost is not, and only the token
  /// budget applied to them.
  public var unpricedModels: [String]?
  public var planning: CallStatistics?
  public var synthesis: CallStatistics?
  /// ISO 8601 wall-clock times.
  public var startedAt: String
  public var finishedAt: String?
  public var durationMs: Double
  /// Where the run's journal is, to trace an answer back to the step that produced it.
  public var journalPath: String?
  /// Why the journal is missing or incomplete (the run itself went on).
  public var journalError: String?

  public init(
    runId: String, status: RunStatus, task: String, plan: Plan? = nil, results: [SubtaskOutcome] = [],
    output: String? = nil, error: String? = nil, usage: Usage = Usage(), costUSD: Double = 0,
    unpricedModels: [String]? = nil, planning: CallStatistics? = nil, synthesis: CallStatistics? = nil,
    startedAt: String, finishedAt: String? = nil, durationMs: Double = 0, journalPath: String? = nil,
    journalError: String? = nil
  ) {
    self.runId = runId
    self.status = status
    self.task = task
    self.plan = plan
    self.results = results
    self.output = output
    self.error = error
    self.usage = usage
    self.costUSD = costUSD
    self.unpricedModels = unpricedModels
    self.planning = planning
    self.synthesis = synthesis
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.durationMs = durationMs
    self.journalPath = journalPath
    self.journalError = journalError
  }

  public var progress: RunProgress {
    RunProgress(
      completed: results.filter { [.completed, .failed, .skipped, .cancelled].contains($0.status) }.count,
      total: plan?.subtasks.count ?? 0)
  }
}

/// A line of `runs/list`: enough to pick a run without loading its results.
public struct RunSummary: Codable, Sendable, Equatable {
  public var runId: String
  public var status: RunStatus
  public var task: String
  public var startedAt: String
  public var finishedAt: String?
  public var subtasks: Int?
  public var costUSD: Double?

  public init(
    runId: String, status: RunStatus, task: String, startedAt: String, finishedAt: String? = nil,
    subtasks: Int? = nil, costUSD: Double? = nil
  ) {
    self.runId = runId
    self.status = status
    self.task = task
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.subtasks = subtasks
    self.costUSD = costUSD
  }
}
