import Foundation
import JSON
import LLM
import Orchestrator

/// What a report page shows, worked out from a journal's records: the run's totals and one timeline row per
/// step (the plan, the approval, each worker, the synthesis), with times in seconds from the run's start.
///
/// A step record is written when its call ends, so its bar ends at the record's time and starts `durationMs`
/// earlier. Retry events journaled before a step split its bar into attempts: each failed attempt ends at
/// its retry event, then the backoff wait, then the next attempt.
struct RunTimeline {
  var runId: String
  var task: String
  var request: RunRequest?
  var status: RunStatus
  /// Wall-clock seconds since 1970.
  var startedAt: Double
  var endedAt: Double?
  var durationMs: Double
  var usage: Usage
  var costUSD: Double
  var unpricedModels: [String]
  /// Each model that answered or was tried, in order of first use, with the number of steps it took part in.
  var models: [(name: String, steps: Int)]
  var objective: String?
  var error: String?
  var output: String?
  /// What the reader should know about the journal itself (cut short, incomplete).
  var notes: [String]
  var rows: [Row]
  /// The length of the time axis, in seconds.
  var span: Double

  struct Row {
    enum Kind: String {
      case planner, approval, worker, router, synthesizer
    }

    var kind: Kind
    var title: String
    var subtaskId: String?
    var subtask: Subtask?
    var model: String?
    var state: State
    /// The status as the page words it ("approved", "not run").
    var label: String
    /// Seconds from the run's start; nil when the step never ran (no bar).
    var start: Double?
    var end: Double?
    var segments: [Segment] = []
    var durationMs: Double?
    var usage: Usage?
    var costUSD: Double?
    var attempts: Int?
    var retries: [Retry] = []
    var system: String?
    var messages: [ChatMessage] = []
    var output: String?
    var json: JSONValue?
    var error: String?
    var finishReason: FinishReason?
    /// A line of explanation (an approval's decision, why there is no record).
    var note: String?
  }

  /// A row's colour.
  enum State: String {
    case completed, failed, skipped, cancelled, retrying, waiting, pending, unfinished
  }

  struct Segment {
    var start: Double
    var end: Double
    var state: State
    var title: String
  }

  struct Retry {
    var attempt: Int
    var reason: String
    var delaySeconds: Double
    var model: String
    /// Seconds from the run's start.
    var at: Double
  }
}

extension RunTimeline {
  /// Builds the timeline of a journal read once into `contents` (`JournalContents.strict` checks that it
  /// starts with the `run` record). The run's plan, approval, report and totals come from `contents`; the
  /// rows come from its steps and events in journal order, since a retry belongs to the next step it precedes.
  init(contents: JournalContents, fallbackRunId: String = "") {
    let header = contents.header
    let records = contents.records
    let origin = header?.at ?? 0
    runId = header?.runId ?? fallbackRunId
    request = contents.request
    task = contents.request?.task ?? ""
    startedAt = origin

    let plan = contents.plan
    let lastAt = contents.lastAt
    var rows: [(order: (Int, Int, Int), row: Row)] = []
    var pendingRetries: [String: [Retry]] = [:]
    var retryOrder: [String] = []
    var skips: [(outcome: SubtaskOutcome, at: Double)] = []
    var stepsPerModel: [String: Int] = [:]
    var modelOrder: [String] = []
    var synthesisOutput: String?

    func key(_ role: ModelRole, _ subtaskId: String?) -> String { "\(role.rawValue)|\(subtaskId ?? "")" }
    func noteModel(_ model: String?) {
      guard let model, !model.isEmpty else { return }
      if stepsPerModel[model] == nil { modelOrder.append(model) }
      stepsPerModel[model, default: 0] += 1
    }

    for (sequence, record) in records.enumerated() {
      switch record.kind {
      case .run, .end, .plan, .approval, .report:
        continue
      case .event:
        guard let payload = record.event?.payload else { continue }
        switch payload {
        case .retrying(let subtaskId, let role, let attempt, let reason, let delaySeconds, let model):
          let retryKey = key(role, subtaskId)
          if pendingRetries[retryKey] == nil { retryOrder.append(retryKey) }
          pendingRetries[retryKey, default: []].append(
            Retry(
              attempt: attempt, reason: reason, delaySeconds: delaySeconds, model: model, at: record.at - origin))
        case .subtaskSkipped(let outcome, _):
          skips.append((outcome, record.at))
        default:
          break
        }
      case .step:
        guard let step = record.step else { continue }
        let retryKey = key(step.role, step.subtaskId)
        let retries = pendingRetries.removeValue(forKey: retryKey) ?? []
        retryOrder.removeAll { $0 == retryKey }
        noteModel(step.model)
        for retry in retries where retry.model != step.model && stepsPerModel[retry.model] == nil {
          noteModel(retry.model)
        }
        if step.role == .synthesizer, step.output != nil { synthesisOutput = step.output }
        let row = Self.row(step: step, endAt: record.at - origin, retries: retries)
        rows.append(((Self.group(step.role), 0, sequence), row))
      }
    }

    // Retries with no step after them: a call still going when the journal ended.
    for retryKey in retryOrder {
      guard let retries = pendingRetries[retryKey], let first = retries.first else { continue }
      let parts = retryKey.split(separator: "|", omittingEmptySubsequences: false)
      let role = ModelRole(rawValue: String(parts[0])) ?? .worker
      let subtaskId = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
      var row = Row(
        kind: Row.Kind(rawValue: role.rawValue) ?? .worker, title: Self.title(role, subtaskId), subtaskId: subtaskId,
        model: retries.last?.model, state: .unfinished, label: "unfinished", start: first.at, end: lastAt - origin)
      row.retries = retries
      row.segments = Self.segments(
        start: first.at, end: lastAt - origin, retries: retries, final: .unfinished, attempts: retries.count + 1)
      row.note = "the journal ends while this call was being retried"
      for retry in retries { noteModel(retry.model) }
      rows.append(((Self.group(role), 0, records.count), row))
    }

    // Subtasks of the plan: attach their definitions, add those that never ran.
    let subtasks = plan?.subtasks ?? []
    var placed = Set<String>()
    for index in rows.indices where rows[index].row.kind == .worker || rows[index].row.kind == .router {
      if let id = rows[index].row.subtaskId, let position = subtasks.firstIndex(where: { $0.id == id }) {
        rows[index].order.1 = position
        rows[index].row.subtask = subtasks[position]
        rows[index].row.title = Self.title(.worker, id, name: subtasks[position].name)
        placed.insert(id)
      } else {
        rows[index].order.1 = subtasks.count
      }
    }
    let finished = contents.isFinished
    for (position, subtask) in subtasks.enumerated() where !placed.contains(subtask.id) {
      var row = Row(
        kind: .worker, title: Self.title(.worker, subtask.id, name: subtask.name), subtaskId: subtask.id,
        subtask: subtask, state: .pending,
        label: finished ? "not run" : "no record")
      if let skip = skips.last(where: { $0.outcome.subtaskId == subtask.id }) {
        row.state = skip.outcome.status == .cancelled ? .cancelled : .skipped
        row.label = skip.outcome.status.rawValue
        row.start = skip.at - origin
        row.end = skip.at - origin
        row.error = skip.outcome.error
        row.attempts = skip.outcome.attempts
      } else if !finished {
        row.note = "the journal ends before this subtask's step was written: it was running or waiting"
      }
      rows.append(((2, position, records.count), row))
    }

    if let approval = contents.approval, let planAt = approval.planAt {
      var row = Row(
        kind: .approval, title: "Approval", state: .completed, label: "approved", start: planAt - origin,
        end: approval.at - origin)
      switch approval.decision {
      case .approve: row.note = "the plan was approved as it was"
      case .edit: (row.label, row.note) = ("edited", "the plan was edited before the workers ran")
      case .reject(let reason): (row.state, row.label, row.error) = (.failed, "rejected", "rejected: \(reason)")
      }
      row.durationMs = (approval.at - planAt) * 1000
      row.segments = [Segment(start: planAt - origin, end: approval.at - origin, state: row.state, title: row.label)]
      rows.append(((1, 0, 0), row))
    }

    self.rows = rows.sorted { $0.order < $1.order }.map(\.row)
    let finalReport = contents.report
    status = contents.status
    endedAt = contents.end?.at ?? contents.reportAt
    durationMs = contents.totals.durationMs
    usage = contents.totals.usage
    costUSD = contents.totals.costUSD
    unpricedModels = contents.totals.unpricedModels
    models = modelOrder.map { ($0, stepsPerModel[$0] ?? 0) }
    objective = plan?.objective
    output = finalReport?.output ?? synthesisOutput
    error = finalReport?.error

    var notes: [String] = []
    for line in contents.skippedLines {
      notes.append(
        "Line \(line) of the journal is cut short (the process writing it stopped mid-write) and is left out.")
    }
    if !finished {
      notes.append(
        "The journal has no report: the process that ran this run stopped before it finished (or is still "
          + "running). The page shows what was journaled until then; totals are summed from the steps.")
    }
    if let journalError = finalReport?.journalError { notes.append("The engine reported a journal problem: \(journalError)") }
    self.notes = notes

    let lastEnd = self.rows.compactMap(\.end).max() ?? 0
    span = max(durationMs / 1000, lastEnd, 0.001)
  }

  private static func group(_ role: ModelRole) -> Int {
    switch role {
    case .planner: return 0
    case .worker, .router: return 2
    case .synthesizer: return 3
    }
  }

  private static func title(_ role: ModelRole, _ subtaskId: String?, name: String? = nil) -> String {
    switch role {
    case .planner: return "Plan"
    case .synthesizer: return "Synthesis"
    case .worker, .router:
      let id = subtaskId ?? "?"
      return name.map { "\(id) · \($0)" } ?? id
    }
  }

  private static func state(_ status: SubtaskStatus) -> State {
    switch status {
    case .completed: return .completed
    case .failed: return .failed
    case .skipped: return .skipped
    case .cancelled: return .cancelled
    case .pending: return .pending
    case .running: return .unfinished
    }
  }

  private static func row(step: JournalStep, endAt: Double, retries: [Retry]) -> Row {
    let end = max(0, endAt)
    let start = max(0, end - step.durationMs / 1000)
    let state = state(step.status)
    var row = Row(
      kind: Row.Kind(rawValue: step.role.rawValue) ?? .worker, title: title(step.role, step.subtaskId),
      subtaskId: step.subtaskId, model: step.model, state: state, label: step.status.rawValue, start: start, end: end)
    row.durationMs = step.durationMs
    row.usage = step.usage
    row.costUSD = step.costUSD
    row.attempts = step.attempts
    row.retries = retries
    row.system = step.system
    row.messages = step.messages
    row.output = step.output
    row.json = step.json
    row.error = step.error
    row.finishReason = step.finishReason
    row.segments = segments(start: start, end: end, retries: retries, final: state, attempts: step.attempts)
    return row
  }

  /// The attempts of one call: each failed one up to its retry event, the wait after it, then the last one.
  static func segments(start: Double, end: Double, retries: [Retry], final: State, attempts: Int) -> [Segment] {
    var segments: [Segment] = []
    var cursor = start
    for retry in retries.sorted(by: { $0.at < $1.at }) {
      let failed = min(max(retry.at, cursor), end)
      segments.append(
        Segment(start: cursor, end: failed, state: .retrying, title: "attempt \(retry.attempt) failed: \(retry.reason)"))
      let next = min(failed + max(0, retry.delaySeconds), end)
      if next > failed {
        segments.append(
          Segment(
            start: failed, end: next, state: .waiting,
            title: "waited \(ReportFormat.duration(milliseconds: (next - failed) * 1000)) before retrying"))
      }
      cursor = next
    }
    let label = retries.isEmpty ? final.rawValue : "attempt \(max(attempts, retries.count + 1)): \(final.rawValue)"
    segments.append(Segment(start: cursor, end: max(cursor, end), state: final, title: label))
    return segments
  }
}
