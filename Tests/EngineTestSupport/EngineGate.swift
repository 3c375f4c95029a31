import Foundation
import Synchronization

/// Holds tasks until opened. Waiting honours cancellation (the waiter gets `CancellationError`).
final class TaskGate: Sendable {
  private struct State {
    var open = false
    var nextId = 0
    var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    var cancelledEarly: Set<Int> = []
  }

  private let state = Mutex(State())
  private let arrivals = Mutex<(count: Int, watchers: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

  /// Returns once `count` tasks have arrived at the gate in all (waiting, or passed since it opened).
  func waitForArrivals(_ count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = arrivals.withLock { arrivals -> Bool in
        if arrivals.count >= count { return true }
        arrivals.watchers.append((count, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  private func arrive() {
    let ready = arrivals.withLock { arrivals -> [CheckedContinuation<Void, Never>] in
      arrivals.count += 1
      let count = arrivals.count
      let ready = arrivals.watchers.filter { $0.0 <= count }.map(\.1)
      arrivals.watchers.removeAll { $0.0 <= count }
      return ready
    }
    for continuation in ready { continuation.resume() }
  }

  func open() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
      state.open = true
      defer { state.waiters = [:] }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  func wait() async throws {
    try Task.checkCancellation()
    let id = state.withLock { state -> Int in
      state.nextId += 1
      return state.nextId
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let outcome = state.withLock { state -> Bool? in
          if state.cancelledEarly.remove(id) != nil { return false }
          if state.open { return true }
          state.waiters[id] = continuation
          return nil
        }
        switch outcome {
        case true?: continuation.resume()
        case false?: continuation.resume(throwing: CancellationError())
        case nil: break
        }
        arrive()
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
        guard let waiter = state.waiters.removeValue(forKey: id) else {
          state.cancelledEarly.insert(id)
          return nil
        }
        return waiter
      }
      waiter?.resume(throwing: CancellationError())
    }
  }
}
