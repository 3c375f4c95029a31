import Foundation
import JSON
import LLM
import Synchronization

/// Everything known about one run, kept in one place: its plan, what each step came to, and how to stop it.
///
/// It is the run's single sink. A step's ending is recorded once, with `record(_:)`, and everything else
/// follows from that record: the event stream and the journal (the run's `RunOutlets`), progress, the live
/// report of `runs/get`, the dependencies a later worker sees and the inputs of the synthesis. A plan made by
/// the `plan` method has a state of its own without outlets, so `runSubtask` and `synthesize` work by
/// `planId` through the same code; once a run has ended its outlets are closed with its report, and steps
/// run later on its plan only update the state.
final class RunState: Sendable {
  /// Why a run stopped before its natural end.
  enum StopCause: Sendable {
    case cancelled
    case deadline(seconds: Double)
  }

  /// Nil for a plan made by the `plan` method, which is not a run.
  let runId: String?
  let task: String
  let context: [String: JSONValue]?
  let instructions: String?
  let startedAt: String
  let startedAtClock: Double
  let ledger: RunLedger
  private let outlets: Mutex<RunOutlets?>
  private let state: Mutex<State>

  private struct State {
    var plan: Plan?
    var outcomes: [String: SubtaskOutcome] = [:]
    /// Workers' parsed outputs, for dependencies and `runSubtask` results.
    var json: [String: JSONValue] = [:]
    var running: Set<String> = []
    var settled = 0
    var planning: CallStatistics?
    var synthesis: CallStatistics?
    var final: RunReport?
    var stopCause: StopCause?
    var worker: Task<RunReport, Never>?
  }

  init(
    runId: String?, task: String, context: [String: JSONValue]? = nil, instructions: String? = nil,
    startedAtClock: Double, ledger: RunLedger = RunLedger(budget: nil), outlets: RunOutlets? = nil
  ) {
    self.runId = runId
    self.task = task
    self.context = context
    self.instructions = instructions
    self.startedAtClock = startedAtClock
    self.ledger = ledger
    startedAt = Date().formatted(.iso8601)
    self.outlets = Mutex(outlets)
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
  var isFinished: Bool { state.withLock { $0.final != nil } }
  var plan: Plan? { state.withLock { $0.plan } }
  var planId: String? { state.withLock { $0.plan?.planId } }
  /// The run's event stream while it runs, for what model calls report (retries, deltas).
  var emitter: RunEventEmitter? { outlets.withLock { $0?.emitter } }

  // MARK: What happens, as it happens

  /// The run's request, the journal's first line.
  func begin(_ request: RunRequest) {
    var header = JournalRecord(.run)
    header.runId = runId
    header.request = request
    outlet { $0.journal?.append(header) }
  }

  /// The plan to work on: the planner's, the caller's, or an approver's edit of it.
  func publish(_ plan: Plan) {
    state.withLock { $0.plan = plan }
    outlet { outlets in
      outlets.emitter.emit(.planReady(plan))
      var entry = JournalRecord(.plan)
      entry.plan = plan
      outlets.journal?.append(entry)
    }
  }

  func approved(_ decision: PlanDecision) {
    var entry = JournalRecord(.approval)
    entry.decision = decision
    outlet { $0.journal?.append(entry) }
  }

  /// A worker is starting on `subtask`; `model` is the one it tries first.
  func started(_ subtask: Subtask, model: String) {
    state.withLock { _ = $0.running.insert(subtask.id) }
    outlet { $0.emitter.emit(.subtaskStarted(subtaskId: subtask.id, name: subtask.name, model: model)) }
  }

  func synthesisStarted(model: String) {
    outlet { $0.emitter.emit(.synthesisStarted(model: model)) }
  }

  /// A step has ended, however it ended: the one place its result is kept, announced and journaled.
  func record(_ step: JournalStep) {
    switch step.role {
    case .planner:
      if step.status == .completed { state.withLock { $0.planning = step.statistics } }
      outlet { $0.journal?.append(.step(step)) }
    case .synthesizer:
      if step.status == .completed { state.withLock { $0.synthesis = step.statistics } }
      outlet { $0.journal?.append(.step(step)) }
    case .worker, .router:
      guard let subtaskId = step.subtaskId else { return }
      let outcome = SubtaskOutcome(
        subtaskId: subtaskId, status: step.status, output: step.output, error: step.error,
        statistics: step.statistics)
      let progress = settle(outcome, json: step.json)
      outlet { outlets in
        switch step.status {
        case .completed: outlets.emitter.emit(.subtaskCompleted(outcome, progress: progress))
        case .skipped: outlets.emitter.emit(.subtaskSkipped(outcome, progress: progress))
        default: outlets.emitter.emit(.subtaskFailed(outcome, progress: progress))
        }
        outlets.journal?.append(.step(step))
        if step.status == .completed { outlets.emitUsage(ledger, force: false) }
      }
    }
  }

  /// A subtask the scheduler settled without running it (skipped, or not started before a stop).
  ///
  /// Once the run has stopped (deadline or cancel) the rest are settled without an event each: a plan may
  /// have 100,000 of them, and announcing each would hold `runCompleted` back by seconds. The report lists
  /// every one with its status and reason.
  func settledWithoutRunning(_ outcome: SubtaskOutcome) {
    let progress = settle(outcome, json: nil)
    guard stopCause == nil, !Task.isCancelled else { return }
    outlet { $0.emitter.emit(.subtaskSkipped(outcome, progress: progress)) }
  }

  /// Ends the run: final events, report, journal; the outlets close with it. From now on `report` returns
  /// exactly what this returns.
  func finish(status: RunStatus, output: String?, error: String?, now: Double) -> RunReport {
    let closing = outlets.withLock { outlets -> RunOutlets? in
      defer { outlets = nil }
      return outlets
    }
    if let closing {
      closing.emitUsage(ledger, force: true)
      closing.emitter.emit(.runCompleted(status: status, error: error))
    }
    var report = report(now: now, status: status, output: output, error: error)
    report.journalPath = closing?.journal?.path
    report.journalError = closing?.journalError ?? closing?.journal?.failure
    if let journal = closing?.journal {
      var reportRecord = JournalRecord(.report)
      reportRecord.report = report
      journal.append(reportRecord)
      var end = JournalRecord(.end)
      end.status = status
      end.costUSD = report.costUSD
      end.subtasks = report.plan?.subtasks.count
      journal.append(end)
      journal.close()
    }
    state.withLock { $0.final = report }
    return report
  }

  // MARK: Reading

  var progress: RunProgress {
    state.withLock { RunProgress(completed: $0.settled, total: $0.plan?.subtasks.count ?? 0) }
  }

  /// The final report, or the state so far (subtasks not yet settled show as pending or running).
  func report(now: Double, status: RunStatus = .running, output: String? = nil, error: String? = nil) -> RunReport {
    let (usage, cost) = ledger.totals
    let unpriced = ledger.unpricedModels
    return state.withLock { state in
      if let final = state.final { return final }
      let results = (state.plan?.subtasks ?? []).map { subtask in
        state.outcomes[subtask.id]
          ?? SubtaskOutcome(subtaskId: subtask.id, status: state.running.contains(subtask.id) ? .running : .pending)
      }
      return RunReport(
        runId: runId ?? "", status: status, task: task, plan: state.plan, results: results, output: output,
        error: error, usage: usage, costUSD: cost, unpricedModels: unpriced.isEmpty ? nil : unpriced,
        planning: state.planning, synthesis: state.synthesis, startedAt: startedAt,
        finishedAt: status == .running ? nil : Date().formatted(.iso8601), durationMs: (now - startedAtClock) * 1000)
    }
  }

  /// A completed subtask's result, for the workers that depend on it.
  func result(_ subtaskId: String) -> SubtaskResult? {
    state.withLock { state in
      guard let outcome = state.outcomes[subtaskId], outcome.status == .completed, let output = outcome.output
      else { return nil }
      return SubtaskResult(
        subtaskId: subtaskId, output: output, json: state.json[subtaskId], statistics: outcome.statistics)
    }
  }

  /// Every subtask of the plan as synthesis input, in plan order; those never run are `pending`.
  func synthesisInputs() -> [SynthesisInput] {
    state.withLock { state in
      (state.plan?.subtasks ?? []).map { subtask in
        guard let outcome = state.outcomes[subtask.id] else {
          return SynthesisInput(
            subtaskId: subtask.id, name: subtask.name, status: .pending, error: "it has not been run")
        }
        if outcome.status == .completed, let output = outcome.output {
          return SynthesisInput(subtaskId: subtask.id, name: subtask.name, status: .completed, output: output)
        }
        return SynthesisInput(subtaskId: subtask.id, name: subtask.name, status: outcome.status, error: outcome.error)
      }
    }
  }

  // MARK: Private

  /// Keeps a subtask's outcome; a completed result is never replaced by a later failure of the same id.
  private func settle(_ outcome: SubtaskOutcome, json: JSONValue?) -> RunProgress {
    state.withLock { state in
      state.running.remove(outcome.subtaskId)
      let previous = state.outcomes[outcome.subtaskId]
      if previous == nil { state.settled += 1 }
      if previous?.status != .completed || outcome.status == .completed {
        state.outcomes[outcome.subtaskId] = outcome
        state.json[outcome.subtaskId] = json
      }
      return RunProgress(completed: state.settled, total: state.plan?.subtasks.count ?? 0)
    }
  }

  private func outlet(_ body: (RunOutlets) -> Void) {
    guard let outlets = outlets.withLock({ $0 }) else { return }
    body(outlets)
  }
}

extension JournalRecord {
  static func step(_ step: JournalStep) -> JournalRecord {
    var record = JournalRecord(.step)
    record.step = step
    return record
  }
}
