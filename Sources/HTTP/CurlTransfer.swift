import Foundation
import CCurl

/// One request in flight: its libcurl easy handle, the stream it feeds, and its timeout clocks.
///
/// Created on the caller's thread, then handed to the loop thread, which alone touches it from
/// then on: it builds the easy handle, runs the callbacks (inside `curl_multi_socket_action`), checks
/// the deadlines and completes it.
final class CurlTransfer: @unchecked Sendable {
  // @unchecked Sendable: after `CurlMultiLoop.submit` hands it over, only the loop thread reads or
  // writes the mutable state below. Other threads merely hold a reference to ask for cancellation,
  // which goes through the loop's mutex-guarded inbox; `continuation` is Sendable by itself.

  private let request: HTTPRequest
  private let continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation
  private let totalDeadline: ContinuousClock.Instant?
  /// When the last byte (header or body) arrived; the idle timeout counts from here.
  private var lastActivity: ContinuousClock.Instant
  private var headBuilder = HTTPResponseHeadBuilder()
  private var headDelivered = false
  private var finished = false

  /// The easy handle, created by `makeEasyHandle` on the loop thread and cleaned up in `deinit`.
  private(set) var easy: OpaquePointer?
  /// Request headers as a curl_slist; libcurl does not copy it, so it lives as long as `easy`.
  private var headerList: OpaquePointer?
  /// libcurl writes its detailed error text here (it names host, port and reason).
  private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CCURL_ERROR_SIZE))

  init(request: HTTPRequest, continuation: AsyncThrowingStream<HTTPStreamEvent, any Error>.Continuation) {
    self.request = request
    self.continuation = continuation
    let now = ContinuousClock.now
    lastActivity = now
    totalDeadline = request.totalTimeout.map { now + $0 }
    errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE))
  }

  deinit {
    // The loop removes the handle from the multi before releasing the transfer.
    if let easy { ccurl_easy_cleanup(easy) }
    if let headerList { ccurl_slist_free_all(headerList) }
    errorBuffer.deallocate()
  }

  // MARK: Setup (loop thread)

  /// Creates and configures the easy handle. The callbacks receive `self` unretained: the loop's
  /// table of active transfers owns `self` for as long as the handle sits in the multi handle.
  func makeEasyHandle(caFile: String?) throws(HTTPError) -> OpaquePointer {
    try HTTPRequestValidation.validate(request)
    guard let easy = ccurl_easy_init() else { throw .transferFailed("curl_easy_init failed") }
    self.easy = easy
    let options = CurlEasyOptions(easy: easy)
    let userdata = Unmanaged.passUnretained(self).toOpaque()

    try options.set(CCURLOPT_URL, string: request.url.absoluteString)
    try options.set(CCURLOPT_NOSIGNAL, 1)  // No SIGALRM-based DNS timeouts: unsafe with threads.
    try options.set(CCURLOPT_PROTOCOLS, Int(CCURLPROTO_HTTP | CCURLPROTO_HTTPS))
    // HTTP/1.1 keeps one connection per transfer, so cancelling closes exactly that connection.
    try options.set(CCURLOPT_HTTP_VERSION, Int(CCURL_HTTP_VERSION_1_1))
    try options.set(CCURLOPT_ACCEPT_ENCODING, string: "")  // Offer every encoding libcurl decodes.
    try options.set(CCURLOPT_TCP_KEEPALIVE, 1)  // Long silent streams survive NAT timeouts.
    try options.set(CCURLOPT_SUPPRESS_CONNECT_HEADERS, 1)  // A proxy's CONNECT reply is not our head.
    try options.set(CCURLOPT_ERRORBUFFER, pointer: errorBuffer)
    try options.set(CCURLOPT_WRITEFUNCTION, callback: CurlCallbacks.body)
    try options.set(CCURLOPT_WRITEDATA, pointer: userdata)
    try options.set(CCURLOPT_HEADERFUNCTION, callback: CurlCallbacks.header)
    try options.set(CCURLOPT_HEADERDATA, pointer: userdata)
    if let caFile { try options.set(CCURLOPT_CAINFO, string: caFile) }
    try setMethodAndBody(options)
    headerList = try options.setHeaders(request.headers)
    return easy
  }

  private func setMethodAndBody(_ options: CurlEasyOptions) throws(HTTPError) {
    let method = request.method.uppercased()
    let body = request.body ?? (method == "POST" ? Data() : nil)
    if let body {
      // The size first: COPYPOSTFIELDS copies exactly that many bytes (a body may contain NULs).
      try options.set(CCURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
      try options.set(CCURLOPT_COPYPOSTFIELDS, bytes: body)
    }
    if method == "HEAD" {
      try options.set(CCURLOPT_NOBODY, 1)
    } else if method != (body == nil ? "GET" : "POST") {
      try options.set(CCURLOPT_CUSTOMREQUEST, string: request.method)
    }
  }

  // MARK: Callbacks (loop thread, inside curl_multi_socket_action)

  /// Takes one header line. Returns false to make libcurl abort the transfer.
  func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
    lastActivity = .now
    guard let head = headBuilder.consume(line: line) else { return true }
    return deliverHead(head)
  }

  /// Takes one chunk of (decoded) body. Returns false to make libcurl abort the transfer.
  func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
    lastActivity = .now
    if !headDelivered, let head = headBuilder.partialHead, !deliverHead(head) { return false }
    guard !chunk.isEmpty else { return true }
    if case .terminated = continuation.yield(.body(Data(chunk))) { return false }
    return true
  }

  private func deliverHead(_ head: HTTPResponseHead) -> Bool {
    headDelivered = true
    if case .terminated = continuation.yield(.head(head)) { return false }
    return true
  }

  // MARK: Completion (loop thread)

  /// The earliest moment a timeout can fire, or nil when the request has none.
  var nextDeadline: ContinuousClock.Instant? {
    let idleDeadline = request.idleTimeout.map { lastActivity + $0 }
    switch (idleDeadline, totalDeadline) {
    case (let idle?, let total?): return min(idle, total)
    case (let idle?, nil): return idle
    case (nil, let total?): return total
    case (nil, nil): return nil
    }
  }

  /// The timeout that has expired by `now`, if any.
  func expiredTimeout(at now: ContinuousClock.Instant) -> HTTPError? {
    if let totalDeadline, now >= totalDeadline { return .totalTimeout }
    if let idleTimeout = request.idleTimeout, now >= lastActivity + idleTimeout { return .idleTimeout }
    return nil
  }

  /// Ends the stream with libcurl's verdict on the transfer.
  func complete(code: Int32) {
    guard code == CCURLE_OK else {
      let detail = String(cString: errorBuffer)
      fail(CurlFailure.error(code: code, detail: detail, receivedHead: headDelivered))
      return
    }
    if !headDelivered {
      guard let head = headBuilder.partialHead else {
        fail(.transferFailed("the server sent no HTTP response head"))
        return
      }
      _ = deliverHead(head)
    }
    finished = true
    continuation.finish()
  }

  /// Ends the stream without an error after its consumer cancelled (a no-op once it has ended).
  func abandon() {
    guard !finished else { return }
    finished = true
    continuation.finish()
  }

  /// Ends the stream with `error` (a no-op once the stream has ended).
  func fail(_ error: HTTPError) {
    guard !finished else { return }
    finished = true
    continuation.finish(throwing: error)
  }
}
