/// Counts how many handlers have reached a point, and lets a test await a count.
public actor Arrivals {
  private var count = 0
  private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

  public init() {}

  public func arrive() {
    count += 1
    waiters.removeAll { target, continuation in
      guard count >= target else { return false }
      continuation.resume()
      return true
    }
  }

  public func wait(for target: Int) async {
    if count >= target { return }
    await withCheckedContinuation { waiters.append((target, $0)) }
  }
}

