import Foundation
import LLM

/// What one subtask of a run came to.
public struct SubtaskOutcome: Codable, Sendable, Equatable {
  public var subtaskId: String
  public var status: SubtaskStatus
  public var output: String?
  /// Why it failed, was skipped or was cancelled.
  public var error: String?
  public var usage: Usage
  public var costUSD: Double?
  public var attempts: Int
  public var durationMs: Double
  /// The model that answered (`provider:model`), or the last one tried when it failed.
  public var model: String?
  /// `length` means the output hit the token limit and is incomplete.
  public var finishReason: FinishReason?

  public init(
    subtaskId: String, status: SubtaskStatus, output: String? = nil, error: String? = nil, usage: Usage = Usage(),
    costUSD: Double? = nil, attempts: Int = 0, durationMs: Double = 0, model: String? = nil,
    finishReason: FinishReason? = nil
  ) {
    self.subtaskId = subtaskId
    self.status = status
    self.output = output
    self.error = error
    self.usage = usage
    self.costUSD = costUSD
    self.attempts = attempts
    self.durationMs = durationMs
    self.model = model
    self.finishReason = finishReason
  }
}

/// One planner or synthesizer call, for the report.
public struct CallSummary: Codable, Sendable, Equatable {
  public var model: String
  public var usage: Usage
  public var costUSD: Double?
  public var attempts: Int
  public var durationMs: Double
  /// `length` means the output hit the token limit and is incomplete.
  public var finishReason: FinishReason?

  public init(
    model: String, usage: Usage, costUSD: Double?, attempts: Int, durationMs: Double, finishReason: FinishReason? = nil
  ) {
    self.model = model
    self.usage = usage
    self.costUSD = costUSD
    self.attempts = attempts
    self.durationMs = durationMs
    self.finishReason = finishReason
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
  public var planning: CallSummary?
  public var synthesis: CallSummary?
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
    unpricedModels: [String]? = nil, planning: CallSummary? = nil, synthesis: CallSummary? = nil,
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
