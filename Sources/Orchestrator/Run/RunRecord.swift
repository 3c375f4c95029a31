import Foundation
import Synchronization

/// The live state of one run: what `runs/get` shows while it is in progress, and how to stop it.
final class RunRecord: Sendable {
  /// Why a run stopped before its natural end.
  enum StopCause: Sendable {
    case cancelled
    case deadline(seconds: Double)
  }

  let runId: String
  let task: String
  let startedAt: String
  let startedAtClock: Double
  let ledger: RunLedger
  private let state: Mutex<State>

  private struct State {
    var status = RunStatus.running
    var plan: Plan?
    var outcomes: [String: SubtaskOutcome] = [:]
    var running: Set<String> = []
    var settled = 0
    var planning: CallSummary?
    var synthesis: CallSummary?
    var output: String?
    var error: String?
    var final: RunReport?
    var stopCause: StopCause?
    var worker: Task<RunReport, Never>?
  }

  init(runId: String, task: String, startedAtClock: Double, ledger: RunLedger) {
    self.runId = runId
    self.task = task
    self.startedAtClock = startedAtClock
    self.ledger = ledger
    startedAt = Date().formatted(.iso8601)
    state = Mutex(State())
  }

  // MARK: Stopping

  /// Attaches the task executing the run; cancels it at once if a cancel arrived first.
  func attach(_ task: Task<RunReport, Never>) {
    let cancelNow = state.withLock { state -> Bool in
      state.worker = task
      return state.stopCause != nil
    }
    if cancelNow { task.cancel() }
  }

  /// Stops the run (in-flight calls are cancelled, nothing new starts). Returns false if it had finished.
  @discardableResult
  func stop(_ cause: StopCause) -> Bool {
    let task = state.withLock { state -> Task<RunReport, Never>? in
      guard state.final == nil else { return nil }
      if state.stopCause == nil { state.stopCause = cause }
      return state.worker
    }
    task?.cancel()
    return state.withLock { $0.final == nil }
  }

  var stopCause: StopCause? { state.withLock { $0.stopCause } }
  var planId: String? { state.withLock { $0.plan?.planId } }

  // MARK: Progress

  func setPlan(_ plan: Plan) { state.withLock { $0.plan = plan } }
  func setPlanning(_ summary: CallSummary) { state.withLock { $0.planning = summary } }
  func setSynthesis(_ summary: CallSummary) { state.withLock { $0.synthesis = summary } }
  func started(_ subtaskId: String) { state.withLock { _ = $0.running.insert(subtaskId) } }

  /// Records a subtask's final outcome and returns the run's progress including it.
  func settle(_ outcome: SubtaskOutcome) -> RunProgress {
    state.withLock { state in
      state.running.remove(outcome.subtaskId)
      if state.outcomes.updateValue(outcome, forKey: outcome.subtaskId) == nil { state.settled += 1 }
      return RunProgress(completed: state.settled, total: state.plan?.subtasks.count ?? 0)
    }
  }

  var progress: RunProgress {
    state.withLock { RunProgress(completed: $0.settled, total: $0.plan?.subtasks.count ?? 0) }
  }

  // MARK: Reports

  /// Ends the run: from now on `report` returns exactly this.
  func finish(_ report: RunReport) { state.withLock { $0.final = report } }

  var isFinished: Bool { state.withLock { $0.final != nil } }

  /// The final report, or the state so far (subtasks not yet settled show as pending or running).
  func report(now: Double, status: RunStatus? = nil, output: String? = nil, error: String? = nil) -> RunReport {
    let (usage, cost) = ledger.totals
    let unpriced = ledger.unpricedModels
    return state.withLock { state in
      if let final = state.final { return final }
      let results = (state.plan?.subtasks ?? []).map { subtask in
        state.outcomes[subtask.id]
          ?? SubtaskOutcome(subtaskId: subtask.id, status: state.running.contains(subtask.id) ? .running : .pending)
      }
      return RunReport(
        runId: runId, status: status ?? state.status, task: task, plan: state.plan, results: results,
        output: output ?? state.output, error: error ?? state.error, usage: usage, costUSD: cost,
        unpricedModels: unpriced.isEmpty ? nil : unpriced, planning: state.planning, synthesis: state.synthesis,
        startedAt: startedAt, finishedAt: status.map { _ in Date().formatted(.iso8601) },
        durationMs: (now - startedAtClock) * 1000)
    }
  }
}
