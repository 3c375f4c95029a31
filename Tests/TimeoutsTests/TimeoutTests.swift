import Synchronization
import Testing
@testable import Timeouts

/// Opens once; `wait()` returns when it is open (at once if it already is).
final class Latch: Sendable {
  private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

  func open() {
    let waiters = state.withLock { state in
      state.open = true
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  func wait() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let now = state.withLock { state -> Bool in
        if !state.open { state.waiters.append(continuation) }
        return state.open
      }
      if now { continuation.resume() }
    }
  }
}

/// A limit that passes when the test says so: `expire()` ends the sleep, cancelling it throws.
final class ManualLimit: Sendable {
  private let state = Mutex<(expired: Bool, waiter: CheckedContinuation<Void, any Error>?, cancelled: Bool)>((false, nil, false))

  var sleep: @Sendable () async throws -> Void {
    {
      try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
          let now = self.state.withLock { state -> Result<Void, any Error>? in
            if state.cancelled { return .failure(CancellationError()) }
            if state.expired { return .success(()) }
            state.waiter = continuation
            return nil
          }
          if let now { continuation.resume(with: now) }
        }
      } onCancel: {
        let waiter = self.state.withLock { state in
          state.cancelled = true
          defer { state.waiter = nil }
          return state.waiter
        }
        waiter?.resume(throwing: CancellationError())
        self.cancelled.open()
      }
    }
  }

  var wasCancelled: Bool { state.withLock { $0.cancelled } }
  /// Opens when the sleep is cancelled.
  let cancelled = Latch()

  func expire() {
    let waiter = state.withLock { state in
      state.expired = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }
}

/// An operation that runs until the test releases it, and says whether it saw cancellation.
final class HeldOperation: Sendable {
  private let state = Mutex<(released: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
  let sawCancellation = Mutex(false)
  /// Opens when the operation is cancelled.
  let cancelled = Latch()

  func run() async -> String {
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let now = state.withLock { state -> Bool in
          if state.released { return true }
          state.waiter = continuation
          return false
        }
        if now { continuation.resume() }
      }
    } onCancel: {
      sawCancellation.withLock { $0 = true }
      cancelled.open()
      release()
    }
    return "done"
  }

  func release() {
    let waiter = state.withLock { state in
      state.released = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }
}

@Suite struct TimeoutTests {
  @Test func anOperationThatFinishesFirstReturnsItsResultAndStopsTheClock() async throws {
    let limit = ManualLimit()
    let value = try await withTimeout(after: limit.sleep) { 42 }
    #expect(value == 42)
    await limit.cancelled.wait()
    #expect(limit.wasCancelled)
  }

  @Test func cancellingOnExpiryCancelsTheOperationAndThrowsTimedOut() async throws {
    let limit = ManualLimit()
    let operation = HeldOperation()
    let waiting = Task { try await withTimeout(after: limit.sleep, onExpiry: .cancelling) { await operation.run() } }
    limit.expire()
    await #expect(throws: TimedOut.self) { try await waiting.value }
    await operation.cancelled.wait()
    #expect(operation.sawCancellation.withLock { $0 })
  }

  @Test func abandoningOnExpiryThrowsAtOnceAndLeavesTheOperationRunning() async throws {
    let limit = ManualLimit()
    let operation = HeldOperation()
    let waiting = Task { try await withTimeout(after: limit.sleep, onExpiry: .abandoning) { await operation.run() } }
    limit.expire()
    await #expect(throws: TimedOut.self) { try await waiting.value }
    #expect(!operation.sawCancellation.withLock { $0 })
    operation.release()
  }

  @Test func notifyingOnExpiryCallsTheHandlerAndReturnsTheOperationsOwnResult() async {
    let limit = ManualLimit()
    let operation = HeldOperation()
    let handlerCalls = Mutex(0)
    let waiting = Task {
      await withTimeout(after: limit.sleep, onExpiry: { handlerCalls.withLock { $0 += 1 }; operation.release() }) {
        await operation.run()
      }
    }
    limit.expire()
    #expect(await waiting.value == "done")
    #expect(handlerCalls.withLock { $0 } == 1)
    #expect(!operation.sawCancellation.withLock { $0 })
  }

  @Test func cancellingTheCallerCancelsTheOperationAndTheClock() async throws {
    let limit = ManualLimit()
    let operation = HeldOperation()
    let waiting = Task { try await withTimeout(after: limit.sleep) { await operation.run() } }
    waiting.cancel()
    #expect(try await waiting.value == "done")
    #expect(operation.sawCancellation.withLock { $0 })
    await limit.cancelled.wait()
    #expect(limit.wasCancelled)
  }

  @Test func theOperationsOwnErrorComesThrough() async {
    struct Refused: Error {}
    await #expect(throws: Refused.self) {
      try await withTimeout(after: ManualLimit().sleep) { () async throws -> Int in throw Refused() }
    }
  }
}
