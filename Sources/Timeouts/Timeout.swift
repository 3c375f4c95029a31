import Synchronization

/// The time given to a wait ran out (`withTimeout` with `.cancelling` or `.abandoning`).
public struct TimedOut: Error, Sendable, Equatable {
  public init() {}
}

/// What `withTimeout` does when the time is up before the operation has finished.
public enum TimeoutExpiry: Sendable {
  /// Cancels the operation and throws `TimedOut` at once.
  case cancelling
  /// Throws `TimedOut` at once and leaves the operation to finish on its own (a shutdown grace period).
  case abandoning
  /// Calls the handler once and goes on waiting for the operation's own result: the handler is what makes
  /// the operation end its way (stop a run with a report, fail a request with its own error).
  case notifying(@Sendable () -> Void)
}

/// Bounds a wait: the one way Baton puts a time limit on something, whatever the clock.
///
/// `sleep` is the limit, as a sleep on whichever clock the caller keeps time with (a test clock in tests);
/// it is cancelled as soon as the operation finishes. Cancelling the calling task cancels the operation.
public func withTimeout<T: Sendable>(
  after sleep: @escaping @Sendable () async throws -> Void, onExpiry: TimeoutExpiry = .cancelling,
  operation: @escaping @Sendable () async throws -> T
) async throws -> T {
  let race = TimeoutRace<T>()
  return try await withTaskCancellationHandler {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      race.begin(continuation)
      let work = Task {
        do { race.finish(.success(try await operation()), fromWork: true) } catch { race.finish(.failure(error), fromWork: true) }
      }
      let timer = Task {
        do { try await sleep() } catch { return }
        switch onExpiry {
        case .cancelling:
          work.cancel()
          race.finish(.failure(TimedOut()), fromWork: false)
        case .abandoning:
          race.finish(.failure(TimedOut()), fromWork: false)
        case .notifying(let handler):
          handler()
        }
      }
      race.attach(work: work, timer: timer)
    }
  } onCancel: {
    race.cancel()
  }
}

/// `withTimeout` for an operation that cannot fail, notifying on expiry: its result is always the
/// operation's (a run's report, whatever ended it).
public func withTimeout<T: Sendable>(
  after sleep: @escaping @Sendable () async throws -> Void, onExpiry handler: @escaping @Sendable () -> Void,
  operation: @escaping @Sendable () async -> T
) async -> T {
  do {
    return try await withTimeout(after: sleep, onExpiry: .notifying(handler), operation: { await operation() })
  } catch {
    preconditionFailure("a non-throwing operation with a notifying expiry cannot throw: \(error)")
  }
}

/// The shared state of one `withTimeout`: the first ending resumes the caller, and every ending cancels
/// what is left (the timer when the work is done, both when the caller is cancelled).
private final class TimeoutRace<T: Sendable>: Sendable {
  private struct State {
    var continuation: CheckedContinuation<T, any Error>?
    var work: Task<Void, Never>?
    var timer: Task<Void, Never>?
    var cancelled = false
    var workDone = false
  }

  private let state = Mutex(State())

  func begin(_ continuation: CheckedContinuation<T, any Error>) {
    state.withLock { $0.continuation = continuation }
  }

  func attach(work: Task<Void, Never>, timer: Task<Void, Never>) {
    let (cancelled, workDone) = state.withLock { state -> (Bool, Bool) in
      state.work = work
      state.timer = timer
      return (state.cancelled, state.workDone)
    }
    if cancelled { work.cancel() }
    if cancelled || workDone { timer.cancel() }
  }

  func finish(_ result: Result<T, any Error>, fromWork: Bool) {
    let (continuation, timer) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?) in
      state.workDone = state.workDone || fromWork
      defer { state.continuation = nil }
      return (state.continuation, state.workDone ? state.timer : nil)
    }
    timer?.cancel()
    continuation?.resume(with: result)
  }

  func cancel() {
    let (work, timer) = state.withLock { state -> (Task<Void, Never>?, Task<Void, Never>?) in
      state.cancelled = true
      return (state.work, state.timer)
    }
    work?.cancel()
    timer?.cancel()
  }
}
