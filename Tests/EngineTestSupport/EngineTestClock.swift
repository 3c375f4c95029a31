import Foundation
import Synchronization

/// A clock that only moves when a test says so. Sleepers wake when `advance` passes their deadline; a test
/// can wait (without sleeping) until a given number of tasks sleep on it.
final class TestClock: Clock, Sendable {
  struct Instant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
    func duration(to other: Instant) -> Duration { other.offset - offset }
    static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
  }

  private struct Sleeper {
    var deadline: Duration
    var continuation: CheckedContinuation<Void, any Error>
  }

  private struct State {
    var now = Duration.zero
    var nextId = 0
    var sleepers: [Int: Sleeper] = [:]
    var cancelledBeforeRegistering: Set<Int> = []
    var watchers: [(count: Int, resume: @Sendable () -> Void)] = []
    /// Every sleep ever started, as (start, deadline), for tests that check delays.
    var history: [(start: Duration, deadline: Duration)] = []
  }

  private let state = Mutex(State())

  var now: Instant { Instant(offset: state.withLock { $0.now }) }
  var minimumResolution: Duration { .zero }

  func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
    try Task.checkCancellation()
    let id = state.withLock { state -> Int in
      state.nextId += 1
      state.history.append((state.now, deadline.offset))
      return state.nextId
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let resumeNow: (any Error)?? = state.withLock { state in
          if state.cancelledBeforeRegistering.remove(id) != nil { return .some(CancellationError()) }
          if deadline.offset <= state.now { return .some(nil) }
          state.sleepers[id] = Sleeper(deadline: deadline.offset, continuation: continuation)
          notifyWatchers(&state)
          return .none
        }
        switch resumeNow {
        case .some(.some(let error)): continuation.resume(throwing: error)
        case .some(.none): continuation.resume()
        case .none: break
        }
      }
    } onCancel: {
      let sleeper = state.withLock { state -> Sleeper? in
        guard let sleeper = state.sleepers.removeValue(forKey: id) else {
          state.cancelledBeforeRegistering.insert(id)
          return nil
        }
        return sleeper
      }
      sleeper?.continuation.resume(throwing: CancellationError())
    }
  }

  /// Moves time forward and wakes every sleeper whose deadline has come, earliest first.
  func advance(by duration: Duration) {
    let woken = state.withLock { state -> [Sleeper] in
      state.now += duration
      let due = state.sleepers.filter { $0.value.deadline <= state.now }.sorted {
        $0.value.deadline < $1.value.deadline
      }
      for (id, _) in due { state.sleepers[id] = nil }
      return due.map(\.value)
    }
    for sleeper in woken { sleeper.continuation.resume() }
  }

  /// Moves time to the earliest sleeper's deadline (if any) and wakes it.
  func advanceToNextDeadline() {
    let step = state.withLock { state -> Duration? in
      state.sleepers.values.map(\.deadline).min().map { $0 - state.now }
    }
    if let step { advance(by: max(.zero, step)) }
  }

  var sleeperCount: Int { state.withLock { $0.sleepers.count } }

  /// Seconds from now to each pending deadline, soonest first.
  var pendingDelays: [Double] {
    state.withLock { state in
      state.sleepers.values.map { seconds($0.deadline - state.now) }.sorted()
    }
  }

  /// Every sleep requested so far, as seconds from its start to its deadline.
  var requestedDelays: [Double] {
    state.withLock { $0.history.map { seconds($0.deadline - $0.start) } }
  }

  var elapsed: Double { seconds(state.withLock { $0.now }) }

  /// Returns once at least `count` tasks are sleeping on the clock.
  func waitForSleepers(_ count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if state.sleepers.count >= count { return true }
        state.watchers.append((count, { continuation.resume() }))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Runs `body`, moving time to the next deadline whenever something sleeps, until `body` returns.
  /// For tests that care about the outcome of a paced or retried run, not the exact moments.
  func drive<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let finished = Signal()
    let task = Task {
      defer { finished.fire() }
      return try await body()
    }
    while await sleeperOrFinished(finished) { advanceToNextDeadline() }
    return try await task.value
  }

  /// True when a task sleeps on the clock, false once `finished` fires.
  private func sleeperOrFinished(_ finished: Signal) async -> Bool {
    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
      let once = ResumeOnce(continuation)
      let ready = state.withLock { state -> Bool in
        if state.sleepers.count >= 1 { return true }
        state.watchers.append((1, { once.resume(true) }))
        return false
      }
      if ready { once.resume(true) }
      finished.onFire { once.resume(false) }
    }
  }

  private func notifyWatchers(_ state: inout State) {
    let count = state.sleepers.count
    let ready = state.watchers.filter { $0.count <= count }
    state.watchers.removeAll { $0.count <= count }
    for watcher in ready { watcher.resume() }
  }

  private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }
}

/// A one-shot flag that runs callbacks when fired (at once for callbacks added later).
final class Signal: Sendable {
  private let state = Mutex<(fired: Bool, callbacks: [@Sendable () -> Void])>((false, []))

  func fire() {
    let callbacks = state.withLock { state -> [@Sendable () -> Void] in
      state.fired = true
      defer { state.callbacks = [] }
      return state.callbacks
    }
    for callback in callbacks { callback() }
  }

  func onFire(_ callback: @escaping @Sendable () -> Void) {
    let now = state.withLock { state -> Bool in
      if state.fired { return true }
      state.callbacks.append(callback)
      return false
    }
    if now { callback() }
  }
}

/// Resumes a continuation the first time only, whoever gets there first.
final class ResumeOnce<T: Sendable>: Sendable {
  private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

  init(_ continuation: CheckedContinuation<T, Never>) { self.continuation.withLock { $0 = continuation } }

  func resume(_ value: T) {
    continuation.withLock { $0.take() }?.resume(returning: value)
  }
}
