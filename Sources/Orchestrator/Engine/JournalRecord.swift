import Foundation
import RPC

/// One line of a run journal.
///
/// A journal reads top to bottom as the run happened: `run` (the request), `plan`, `approval`, one `step` per
/// model call (its whole prompt, output, model, usage, timing, attempts and error), `event`s worth keeping
/// (retries, skips), then `report` and a short `end` line that `runs/list` reads without parsing the rest.
/// Deltas are not journaled: the step's output has the whole text. No request headers ever reach the engine.
struct JournalRecord: Codable, Sendable {
  enum Kind: String, Codable, Sendable {
    case run, plan, approval, step, event, report, end
  }

  var kind: Kind
  /// Wall-clock time, seconds since 1970.
  var at: Double
  var runId: String?
  var request: RunRequest?
  var plan: Plan?
  var decision: PlanDecision?
  var step: JournalStep?
  var event: RunEvent?
  var report: RunReport?
  var status: RunStatus?
  var costUSD: Double?
  var subtasks: Int?

  init(_ kind: Kind) {
    self.kind = kind
    at = Date().timeIntervalSince1970
  }
}

/// One model call as the journal keeps it.
struct JournalStep: Codable, Sendable {
  var role: ModelRole
  var subtaskId: String?
  var status: SubtaskStatus
  var model: String?
  var system: String?
  var messages: [ChatMessage]
  var output: String?
  var json: JSONValue?
  var usage: Usage
  var costUSD: Double?
  var attempts: Int
  var durationMs: Double
  var finishReason: FinishReason?
  var error: String?
}
