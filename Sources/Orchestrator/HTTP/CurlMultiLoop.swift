import CCurl
import Foundation
import Synchronization

/// One thread driving one libcurl multi handle: every transfer of a `CurlHTTPClient` runs here.
///
/// The thread sleeps in `curl_multi_poll` (no CPU while waiting) until a socket is ready, a
/// deadline is due, or another thread queues work and calls `curl_multi_wakeup`. Connections
/// are kept in the multi handle's cache and reused by later transfers to the same host.
final class CurlMultiLoop: @unchecked Sendable {
  // @unchecked Sendable: `inbox` is a Mutex; `multi` is written once before the thread starts and
  // only read after; `active` and `deadlineLowerBound` are touched by the loop thread alone.

  /// Work other threads hand to the loop thread.
  private struct Inbox {
    /// Set when the thread is started; used to wake it.
    var multi: OpaquePointer?
    /// After this, the multi handle is gone and nothing may be queued or woken.
    var closed = false
    var shutdownRequested = false
    /// A wakeup has been sent and the loop has not drained the inbox since (avoids redundant syscalls).
    var wakeupPending = false
    var additions: [CurlTransfer] = []
    var cancellations: [CurlTransfer] = []
  }

  private let inbox = Mutex(Inbox())
  private let caFile: String?
  private var multi: OpaquePointer?
  /// Transfers inside the multi handle, by easy handle. This table owns them while libcurl runs them.
  private var active: [OpaquePointer: CurlTransfer] = [:]
  /// No active transfer can time out before this. Arriving bytes only push deadlines later, so the
  /// loop rescans its transfers only once this has passed, not on every wakeup.
  private var deadlineLowerBound: ContinuousClock.Instant?

  /// The longest sleep when no deadline is near; any new work wakes the thread earlier.
  private static let idlePollMilliseconds: Int32 = 60_000

  init(caFile: String?) {
    self.caFile = caFile
  }

  // MARK: Any thread

  /// Queues a transfer, starting the thread on first use. Never blocks beyond a short lock.
  func submit(_ transfer: CurlTransfer) {
    let rejection: HTTPError? = inbox.withLock { inbox in
      guard !inbox.closed, !inbox.shutdownRequested else {
        return .transferFailed("the HTTP client has shut down")
      }
      if inbox.multi == nil {
        guard let multi = startThread() else {
          return .transferFailed("curl_multi_init failed")
        }
        inbox.multi = multi
      }
      inbox.additions.append(transfer)
      Self.wake(&inbox)
      return nil
    }
    if let rejection { transfer.fail(rejection) }
  }

  /// Asks the loop to abort a transfer whose consumer went away.
  func cancel(_ transfer: CurlTransfer) {
    inbox.withLock { inbox in
      guard !inbox.closed, inbox.multi != nil else { return }
      inbox.cancellations.append(transfer)
      Self.wake(&inbox)
    }
  }

  /// Stops the thread after failing whatever is still running.
  func shutdown() {
    inbox.withLock { inbox in
      guard !inbox.closed else { return }
      inbox.shutdownRequested = true
      if inbox.multi == nil {
        inbox.closed = true
      } else {
        Self.wake(&inbox)
      }
    }
  }

  /// Called with the lock held, so the loop cannot clean up the multi handle meanwhile.
  private static func wake(_ inbox: inout Inbox) {
    guard !inbox.wakeupPending, let multi = inbox.multi else { return }
    inbox.wakeupPending = true
    _ = ccurl_multi_wakeup(multi)
  }

  /// Creates the multi handle and starts the thread (called once, with the lock held).
  private func startThread() -> OpaquePointer? {
    guard let multi = ccurl_multi_init() else { return nil }
    // No per-host or total connection cap: parallel agents talk to one provider host at once.
    _ = ccurl_multi_setopt_long(multi, CCURLMOPT_MAX_HOST_CONNECTIONS, 0)
    _ = ccurl_multi_setopt_long(multi, CCURLMOPT_MAX_TOTAL_CONNECTIONS, 0)
    OpenFileLimit.raiseToHardLimit()
    self.multi = multi
    Thread { [self] in run() }.start()
    return multi
  }

  // MARK: Loop thread

  private func run() {
    // A new thread inherits its creator's name (often a concurrency pool thread's); name it for `top -H`.
    Thread.current.name = "baton.http"
    guard let multi else { return }
    while true {
      let (additions, cancellations, stopping) = inbox.withLock { inbox in
        inbox.wakeupPending = false
        // Once closed is set under the lock, no other thread touches the multi handle again.
        if inbox.shutdownRequested { inbox.closed = true }
        defer {
          inbox.additions = []
          inbox.cancellations = []
        }
        return (inbox.additions, inbox.cancellations, inbox.shutdownRequested)
      }
      if stopping {
        close(multi, unstarted: additions)
        return
      }
      for transfer in additions { attach(transfer, to: multi) }
      for transfer in cancellations { detach(transfer, from: multi, failing: nil) }

      var running: Int32 = 0
      let performCode = ccurl_multi_perform(multi, &running)
      if performCode != CCURLM_OK {
        failAll(in: multi, .transferFailed("curl_multi_perform: \(CurlLibrary.describe(multiCode: performCode))"))
      }
      collectFinished(from: multi)
      let nextDeadline = enforceDeadlines(in: multi)

      var ready: Int32 = 0
      let pollCode = ccurl_multi_poll(multi, Self.milliseconds(until: nextDeadline), &ready)
      if pollCode != CCURLM_OK {
        failAll(in: multi, .transferFailed("curl_multi_poll: \(CurlLibrary.describe(multiCode: pollCode))"))
      }
    }
  }

  private func attach(_ transfer: CurlTransfer, to multi: OpaquePointer) {
    do throws(HTTPError) {
      let easy = try transfer.makeEasyHandle(caFile: caFile)
      let code = ccurl_multi_add_handle(multi, easy)
      guard code == CCURLM_OK else {
        throw HTTPError.transferFailed("curl_multi_add_handle: \(CurlLibrary.describe(multiCode: code))")
      }
      active[easy] = transfer
      if let deadline = transfer.nextDeadline, deadlineLowerBound.map({ deadline < $0 }) ?? true {
        deadlineLowerBound = deadline
      }
    } catch {
      transfer.fail(error)
    }
  }

  /// Takes a transfer out of the multi handle (libcurl closes its connection if it was mid-way),
  /// then ends its stream with `error`, or without one when its consumer cancelled.
  private func detach(_ transfer: CurlTransfer, from multi: OpaquePointer, failing error: HTTPError?) {
    guard let easy = transfer.easy, active[easy] === transfer else { return }
    _ = ccurl_multi_remove_handle(multi, easy)
    active[easy] = nil
    if let error {
      transfer.fail(error)
    } else {
      // A cancelled consumer may still be awaiting the stream (AsyncThrowingStream calls
      // onTermination before it ends the stream itself), so it must see an end, not an error.
      transfer.abandon()
    }
  }

  private func collectFinished(from multi: OpaquePointer) {
    var easy: OpaquePointer?
    var result: Int32 = 0
    while ccurl_multi_info_read_done(multi, &easy, &result) == 1 {
      guard let finishedEasy = easy, let transfer = active.removeValue(forKey: finishedEasy) else { continue }
      _ = ccurl_multi_remove_handle(multi, finishedEasy)
      transfer.complete(code: result)
    }
  }

  /// Fails the transfers whose idle or total timeout has passed; returns when the loop must next look.
  private func enforceDeadlines(in multi: OpaquePointer) -> ContinuousClock.Instant? {
    let now = ContinuousClock.now
    guard let bound = deadlineLowerBound, now >= bound else { return deadlineLowerBound }
    var expired: [(CurlTransfer, HTTPError)] = []
    var nextDeadline: ContinuousClock.Instant?
    for transfer in active.values {
      guard let deadline = transfer.nextDeadline else { continue }
      if let timeout = transfer.expiredTimeout(at: now) {
        expired.append((transfer, timeout))
      } else if nextDeadline.map({ deadline < $0 }) ?? true {
        nextDeadline = deadline
      }
    }
    for (transfer, timeout) in expired { detach(transfer, from: multi, failing: timeout) }
    deadlineLowerBound = nextDeadline
    return nextDeadline
  }

  private func failAll(in multi: OpaquePointer, _ error: HTTPError) {
    for transfer in Array(active.values) { detach(transfer, from: multi, failing: error) }
  }

  private func close(_ multi: OpaquePointer, unstarted: [CurlTransfer]) {
    let error = HTTPError.transferFailed("the HTTP client has shut down")
    failAll(in: multi, error)
    for transfer in unstarted { transfer.fail(error) }
    _ = ccurl_multi_cleanup(multi)
  }

  /// The poll timeout: up to the deadline, rounded up so the thread never wakes just too early.
  private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
    guard let deadline else { return idlePollMilliseconds }
    let remaining = ContinuousClock.now.duration(to: deadline)
    guard remaining > .zero else { return 0 }
    let (seconds, attoseconds) = remaining.components
    let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: min(milliseconds, Int64(idlePollMilliseconds)))
  }
}
