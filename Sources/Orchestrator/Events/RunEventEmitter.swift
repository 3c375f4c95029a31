import Foundation
import Synchronization
import LLM

/// Numbers a run's events and hands them to the caller's sink, one at a time and in `seq` order.
///
/// The sink is called while a lock is held (that is what keeps delivery order equal to `seq` order across
/// concurrent workers), so it must return quickly: yield into an `AsyncStream`, enqueue a notification.
final class RunEventEmitter: Sendable {
  /// Running usage totals are sent at most this often (latest wins), plus once before the run ends.
  static let usageInterval = 0.25

  /// Events the journal keeps besides the steps: retries (with their reasons and delays) and skips.
  static let journaled: Set<RunEvent.Kind> = [.retrying, .subtaskSkipped]

  let runId: String
  private let sink: @Sendable (RunEvent) -> Void
  private let journal: RunJournal?
  private let state = Mutex(State())

  private struct State {
    var seq = 0
    var lastUsageAt = -Double.infinity
  }

  init(runId: String, journal: RunJournal? = nil, sink: @escaping @Sendable (RunEvent) -> Void) {
    self.runId = runId
    self.journal = journal
    self.sink = sink
  }

  @discardableResult
  func emit(_ payload: RunEvent.Payload) -> RunEvent {
    let event = state.withLock { state in
      state.seq += 1
      let event = RunEvent(runId: runId, seq: state.seq, payload: payload)
      sink(event)
      return event
    }
    if let journal, Self.journaled.contains(event.type) {
      var record = JournalRecord(.event)
      record.event = event
      journal.append(record)
    }
    return event
  }

  /// Sends the running totals unless they were sent less than `usageInterval` ago (`force` sends regardless).
  func emitUsage(_ usage: Usage, costUSD: Double, now: Double, force: Bool = false) {
    state.withLock { state in
      guard force || now - state.lastUsageAt >= Self.usageInterval else { return }
      state.lastUsageAt = now
      state.seq += 1
      sink(RunEvent(runId: runId, seq: state.seq, payload: .usage(usage, costUSD: costUSD)))
    }
  }
}
