import Foundation
import Synchronization

/// Cancels model-call attempts that outlive their timeout, with one sleeping watchdog for all of them.
///
/// A timer per attempt (a task racing `clock.sleep`) costs a dispatch-timer registration and removal per call,
/// which at thousands of calls is most of the engine's own CPU. Here an attempt only registers its deadline;
/// the watchdog sleeps until the earliest one, and is restarted only when an earlier deadline arrives
/// (attempts mostly share one timeout, so deadlines mostly arrive in order).
final class AttemptTimeouts: Sendable {
  private struct Entry {
    var deadline: Double
    var expire: @Sendable () -> Void
  }

  private struct State {
    var nextId = 0
    var entries: [Int: Entry] = [:]
    /// When the watchdog wakes next, if it is running.
    var armedFor: Double?
    var watchdog: Task<Void, Never>?
  }

  private let clock: EngineClock
  private let state = Mutex(State())

  init(clock: EngineClock) {
    self.clock = clock
  }

  deinit {
    state.withLock { $0.watchdog?.cancel() }
  }

  /// Runs `operation` in a task of its own, cancelling it after `seconds`; a timed-out attempt throws
  /// `onTimeout()`. Cancelling the caller cancels the attempt as usual.
  func run<T: Sendable>(
    seconds: Double, onTimeout: @escaping @Sendable () -> any Error,
    operation: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    let attempt = Task { try await operation() }
    let expired = Mutex(false)
    let id = register(deadline: clock.now + seconds) {
      expired.withLock { $0 = true }
      attempt.cancel()
    }
    defer { unregister(id) }
    do {
      return try await withTaskCancellationHandler {
        try await attempt.value
      } onCancel: {
        attempt.cancel()
      }
    } catch {
      if expired.withLock({ $0 }), !Task.isCancelled { throw onTimeout() }
      throw error
    }
  }

  private func register(deadline: Double, expire: @escaping @Sendable () -> Void) -> Int {
    let (id, restart) = state.withLock { state -> (Int, Task<Void, Never>?) in
      state.nextId += 1
      state.entries[state.nextId] = Entry(deadline: deadline, expire: expire)
      guard state.armedFor.map({ deadline < $0 }) ?? true else { return (state.nextId, nil) }
      let previous = state.watchdog
      state.armedFor = deadline
      state.watchdog = Task { [weak self] in await self?.watch(until: deadline) }
      return (state.nextId, previous)
    }
    restart?.cancel()
    return id
  }

  private func unregister(_ id: Int) {
    state.withLock { _ = $0.entries.removeValue(forKey: id) }
  }

  /// Sleeps until `moment`, expires what is due, then re-arms for the next deadline (or stops when none is left).
  private func watch(until moment: Double) async {
    var wake = moment
    while true {
      do {
        try await clock.sleep(until: wake)
      } catch {
        return  // Replaced by a watchdog armed for an earlier deadline.
      }
      let now = clock.now
      let (due, next) = state.withLock { state -> ([@Sendable () -> Void], Double?) in
        let due = state.entries.filter { $0.value.deadline <= now }
        for id in due.keys { state.entries[id] = nil }
        let next = state.entries.values.map(\.deadline).min()
        state.armedFor = next
        if next == nil { state.watchdog = nil }
        return (due.values.map(\.expire), next)
      }
      for expire in due { expire() }
      guard let next else { return }
      wake = next
    }
  }
}
