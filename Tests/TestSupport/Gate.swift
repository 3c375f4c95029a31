import Foundation

/// A one-shot latch: tasks wait until the test opens it. Replaces sleeps in tests.
public actor Gate {
  private var isOpen = false
  private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
  private var abandoned: Set<UUID> = []

  public init() {}

  public func open() {
    isOpen = true
    for waiter in waiters.values { waiter.resume() }
    waiters.removeAll()
  }

  /// Waits until opened, ignoring cancellation (a handler that is slow to notice).
  public func wait() async {
    await enqueue(UUID())
  }

  /// Waits until opened or until the calling task is cancelled, whichever comes first.
  public nonisolated func waitUnlessCancelled() async throws {
    let token = UUID()
    await withTaskCancellationHandler {
      await self.enqueue(token)
    } onCancel: {
      Task { await self.abandon(token) }
    }
    try Task.checkCancellation()
  }

  private func enqueue(_ token: UUID) async {
    if isOpen || abandoned.contains(token) { return }
    await withCheckedContinuation { waiters[token] = $0 }
  }

  private func abandon(_ token: UUID) {
    abandoned.insert(token)
    waiters.removeValue(forKey: token)?.resume()
  }
}

