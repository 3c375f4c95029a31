import Foundation
import Glibc
import Synchronization
import CCurl

/// One thread driving one libcurl multi handle: every transfer of a `CurlHTTPClient` runs here.
///
/// The loop uses libcurl's event-driven interface: libcurl says which sockets to watch
/// (CURLMOPT_SOCKETFUNCTION, kept in an epoll set) and when to call it back (CURLMOPT_TIMERFUNCTION),
/// and the thread hands it exactly the sockets epoll found ready (`curl_multi_socket_action`), so
/// the cost of a wake-up does not grow with the number of transfers. The thread sleeps in
/// `epoll_wait` (no CPU while waiting) until a socket is ready, libcurl's timer or a deadline is
/// due, or another thread queues work and signals the eventfd in the same epoll set. Connections
/// are kept in the multi handle's cache and reused by later transfers to the same host.
final class CurlMultiLoop: @unchecked Sendable {
  // @unchecked Sendable: `inbox` is a Mutex; `multi`, `epoll` and `wakeDescriptor` are written once
  // before the thread starts and only read after; `active`, `deadlineLowerBound`, `curlTimer` and
  // `unwatchable` are touched by the loop thread alone (libcurl runs the callbacks on that thread).

  /// Work other threads hand to the loop thread.
  private struct Inbox {
    /// The eventfd that wakes the loop thread; set when the thread is started.
    var wakeDescriptor: Int32?
    /// After this, the multi handle is gone and nothing may be queued or woken.
    var closed = false
    var shutdownRequested = false
    /// The eventfd has been signalled and the loop has not drained the inbox since (avoids
    /// redundant syscalls). The eventfd is readable exactly while this is true.
    var wakeupPending = false
    var additions: [CurlTransfer] = []
    var cancellations: [CurlTransfer] = []
  }

  private let inbox = Mutex(Inbox())
  private let caFile: String?
  private var multi: OpaquePointer?
  /// The epoll set holding libcurl's sockets and `wakeDescriptor`.
  private var epoll: Int32 = -1
  private var wakeDescriptor: Int32 = -1
  /// Transfers inside the multi handle, by easy handle. This table owns them while libcurl runs them.
  private var active: [OpaquePointer: CurlTransfer] = [:]
  /// No active transfer can time out before this. Arriving bytes only push deadlines later, so the
  /// loop rescans its transfers only once this has passed, not on every wakeup.
  private var deadlineLowerBound: ContinuousClock.Instant?
  /// When libcurl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`, as its timer callback said.
  private var curlTimer: ContinuousClock.Instant?
  /// Transfers whose socket epoll refused to watch (they would never progress), with the errno.
  private var unwatchable: [(OpaquePointer, Int32)] = []

  /// The longest sleep when no deadline is near; any new work wakes the thread earlier.
  private static let idlePollMilliseconds: Int32 = 60_000
  /// How many ready descriptors one `epoll_wait` reports at most.
  private static let readyCapacity = 256
  /// What `curl_multi_assign` attaches to a socket once it is in the epoll set.
  private static var watchedMarker: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 1) }

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
      if inbox.wakeDescriptor == nil {
        do throws(HTTPError) {
          inbox.wakeDescriptor = try startThread()
        } catch {
          return error
        }
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
      guard !inbox.closed, inbox.wakeDescriptor != nil else { return }
      inbox.cancellations.append(transfer)
      Self.wake(&inbox)
    }
  }

  /// Stops the thread after failing whatever is still running.
  func shutdown() {
    inbox.withLock { inbox in
      guard !inbox.closed else { return }
      inbox.shutdownRequested = true
      if inbox.wakeDescriptor == nil {
        inbox.closed = true
      } else {
        Self.wake(&inbox)
      }
    }
  }

  /// Called with the lock held, so the loop cannot close the eventfd meanwhile.
  private static func wake(_ inbox: inout Inbox) {
    guard !inbox.wakeupPending, let wakeDescriptor = inbox.wakeDescriptor else { return }
    inbox.wakeupPending = true
    _ = ccurl_eventfd_signal(wakeDescriptor)
  }

  /// Creates the epoll set, the eventfd and the multi handle, then starts the thread (called once,
  /// with the lock held). Returns the eventfd.
  private func startThread() throws(HTTPError) -> Int32 {
    let epoll = ccurl_epoll_create()
    guard epoll >= 0 else { throw .transferFailed("epoll_create1: \(Self.describe(errno: errno))") }
    let wakeDescriptor = ccurl_eventfd_create()
    guard wakeDescriptor >= 0 else {
      let error = errno
      Glibc.close(epoll)
      throw .transferFailed("eventfd: \(Self.describe(errno: error))")
    }
    let watchError = ccurl_epoll_watch(epoll, wakeDescriptor, CCURL_POLL_IN, 0)
    guard watchError == 0, let multi = ccurl_multi_init() else {
      Glibc.close(wakeDescriptor)
      Glibc.close(epoll)
      throw .transferFailed(watchError == 0 ? "curl_multi_init failed" : "epoll_ctl: \(Self.describe(errno: watchError))")
    }
    // No per-host or total connection cap: parallel agents talk to one provider host at once.
    _ = ccurl_multi_setopt_long(multi, CCURLMOPT_MAX_HOST_CONNECTIONS, 0)
    _ = ccurl_multi_setopt_long(multi, CCURLMOPT_MAX_TOTAL_CONNECTIONS, 0)
    // The thread keeps `self` alive for as long as libcurl can call these back.
    let userdata = Unmanaged.passUnretained(self).toOpaque()
    let codes = [
      ccurl_multi_setopt_socket_callback(multi, Self.socketCallback),
      ccurl_multi_setopt_ptr(multi, CCURLMOPT_SOCKETDATA, userdata),
      ccurl_multi_setopt_timer_callback(multi, Self.timerCallback),
      ccurl_multi_setopt_ptr(multi, CCURLMOPT_TIMERDATA, userdata),
    ]
    // Without these callbacks no transfer could ever progress.
    if let failure = codes.first(where: { $0 != CCURLM_OK }) {
      _ = ccurl_multi_cleanup(multi)
      Glibc.close(wakeDescriptor)
      Glibc.close(epoll)
      throw .transferFailed("curl_multi_setopt: \(CurlLibrary.describe(multiCode: failure))")
    }
    OpenFileLimit.raiseToHardLimit()
    self.multi = multi
    self.epoll = epoll
    self.wakeDescriptor = wakeDescriptor
    Thread { [self] in run() }.start()
    return wakeDescriptor
  }

  // MARK: libcurl callbacks (loop thread, inside a multi call)

  /// CURLMOPT_SOCKETFUNCTION: watch a socket for what libcurl waits for, or stop watching it.
  private static let socketCallback: ccurl_socket_callback = { easy, socket, what, userdata, socketData in
    guard let userdata else { return 0 }
    let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userdata).takeUnretainedValue()
    loop.watch(socket, for: what, known: socketData != nil, by: easy)
    // Never -1: that would make libcurl declare the whole multi handle dead.
    return 0
  }

  /// CURLMOPT_TIMERFUNCTION: when to call `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` next.
  private static let timerCallback: ccurl_timer_callback = { _, milliseconds, userdata in
    guard let userdata else { return 0 }
    let loop = Unmanaged<CurlMultiLoop>.fromOpaque(userdata).takeUnretainedValue()
    loop.curlTimer = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    return 0
  }

  private func watch(_ socket: Int32, for what: Int32, known: Bool, by easy: OpaquePointer?) {
    let error = ccurl_epoll_watch(epoll, socket, what, known ? 1 : 0)
    guard what != CCURL_POLL_REMOVE else { return }  // A socket already closed is gone from epoll anyway.
    guard error == 0 else {
      if let easy { unwatchable.append((easy, error)) }
      return
    }
    if !known, let multi { _ = ccurl_multi_assign(multi, socket, Self.watchedMarker) }
  }

  // MARK: Loop thread

  private func run() {
    // A new thread inherits its creator's name (often a concurrency pool thread's); name it for `top -H`.
    Thread.current.name = "baton.http"
    guard let multi else { return }
    let ready = UnsafeMutablePointer<ccurl_ready_descriptor>.allocate(capacity: Self.readyCapacity)
    defer { ready.deallocate() }
    while true {
      let (additions, cancellations, stopping) = inbox.withLock { inbox in
        if inbox.wakeupPending {
          // Under the lock, so no signal can slip in between the reset and the drain.
          ccurl_eventfd_reset(wakeDescriptor)
          inbox.wakeupPending = false
        }
        // Once closed is set under the lock, no other thread touches the eventfd again.
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

      fireCurlTimerIfDue(multi)
      collectFinished(from: multi)
      let nextDeadline = enforceDeadlines(in: multi)

      let wakeAt: ContinuousClock.Instant? =
        switch (curlTimer, nextDeadline) {
        case (let timer?, let deadline?): min(timer, deadline)
        case (let timer?, nil): timer
        case (nil, let deadline): deadline
        }
      let count = ccurl_epoll_wait(epoll, ready, Int32(Self.readyCapacity), Self.milliseconds(until: wakeAt))
      if count < 0 {
        failAll(in: multi, .transferFailed("epoll_wait: \(Self.describe(errno: errno))"))
        continue
      }
      for index in 0..<Int(count) where ready[index].fd != wakeDescriptor {
        act(on: ready[index].fd, events: ready[index].events, in: multi)
      }
    }
  }

  /// Lets libcurl run the transfers on `socket` (or, for CCURL_SOCKET_TIMEOUT, those whose timer expired).
  private func act(on socket: Int32, events: Int32, in multi: OpaquePointer) {
    var running: Int32 = 0
    let code = ccurl_multi_socket_action(multi, socket, events, &running)
    if code != CCURLM_OK {
      failAll(in: multi, .transferFailed("curl_multi_socket_action: \(CurlLibrary.describe(multiCode: code))"))
    }
    failUnwatchable(in: multi)
  }

  private func fireCurlTimerIfDue(_ multi: OpaquePointer) {
    guard let timer = curlTimer, timer <= .now else { return }
    // A timeout action makes libcurl announce its next timer again, even an unchanged one (it
    // clears its memory of the last announcement), so no callback during it means no timer.
    curlTimer = nil
    act(on: CCURL_SOCKET_TIMEOUT, events: 0, in: multi)
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

  /// Fails the transfers whose socket could not be watched; they would otherwise wait forever.
  private func failUnwatchable(in multi: OpaquePointer) {
    while let (easy, error) = unwatchable.popLast() {
      guard let transfer = active[easy] else { continue }
      detach(transfer, from: multi, failing: .transferFailed("epoll_ctl: \(Self.describe(errno: error))"))
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
    // libcurl may still report sockets removed while it closes its cached connections.
    _ = ccurl_multi_cleanup(multi)
    Glibc.close(wakeDescriptor)
    Glibc.close(epoll)
  }

  private static func describe(errno code: Int32) -> String {
    String(cString: strerror(code))
  }

  /// The wait timeout: up to the deadline, rounded up so the thread never wakes just too early.
  private static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
    guard let deadline else { return idlePollMilliseconds }
    let remaining = ContinuousClock.now.duration(to: deadline)
    guard remaining > .zero else { return 0 }
    let (seconds, attoseconds) = remaining.components
    let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(clamping: min(milliseconds, Int64(idlePollMilliseconds)))
  }
}
