import Foundation
import Synchronization
@testable import Orchestrator

/// Collects a run's events; tests can wait for a condition on them without sleeping.
final class EventRecorder: Sendable {
  private struct State {
    var events: [RunEvent] = []
    var watchers: [(condition: @Sendable ([RunEvent]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
  }

  private let state = Mutex(State())

  var sink: @Sendable (RunEvent) -> Void {
    { event in
      let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
        state.events.append(event)
        let events = state.events
        let ready = state.watchers.filter { $0.condition(events) }
        state.watchers.removeAll { $0.condition(events) }
        return ready.map(\.continuation)
      }
      for continuation in ready { continuation.resume() }
    }
  }

  var events: [RunEvent] { state.withLock { $0.events } }
  var types: [RunEvent.Kind] { events.map(\.type) }

  /// Returns once the events recorded so far satisfy `condition`.
  func waitFor(_ condition: @escaping @Sendable ([RunEvent]) -> Bool) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if condition(state.events) { return true }
        state.watchers.append((condition, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Returns once `count` events of `kind` have been recorded.
  func waitFor(_ count: Int, _ kind: RunEvent.Kind) async {
    await waitFor { events in events.filter { $0.type == kind }.count >= count }
  }
}
