#if canImport(Glibc)
  @preconcurrency import Glibc
#endif
import Foundation
import Synchronization
import JSON
import Timeouts
import Transport

/// One JSON-RPC 2.0 session over a `MessageChannel`: the read loop, the LSP lifecycle, in-flight
/// requests and their cancellation, server-to-client requests, and notifications.
///
/// Every request is answered exactly once by construction: handlers return a value or throw, and
/// only the connection turns that into the one reply. Requests start in arrival order and run
/// concurrently; cancel notifications are handled inline, ahead of any queued work.
public final class Connection: Sendable {
  public let serverInfo: ServerInfo
  public let logger: Logger
  /// Shared with the extensions beside this file (outbound messages, the parent-process watch).
  let channel: any MessageChannel
  private let router: Router
  private let startedAt = ContinuousClock.now
  let state = Mutex(State())
  /// Extra capabilities merged into the `initialize` result.
  private let capabilities: [String: JSONValue]
  /// How long in-flight handlers get to stop after the session ends before they are answered -32800.
  private let shutdownGrace: Duration

  enum Lifecycle {
    case awaitingInitialize
    case running
    case shuttingDown
  }

  struct State {
    var lifecycle = Lifecycle.awaitingInitialize
    var inFlight: [RequestID: InFlightRequest] = [:]
    var running: [UInt64: Task<Void, Never>] = [:]
    var nextTaskSerial: UInt64 = 0
    var outgoing: [RequestID: CheckedContinuation<JSONValue, any Error>] = [:]
    var nextOutgoingID = 0
    var closed = false
    var exitCode: Int32?
    /// Resumed once when the session ends (end of input, `exit`, or `terminate`).
    var sessionEnded: CheckedContinuation<Void, Never>?
    var initializeParams: JSONValue?
  }

  public init(
    channel: any MessageChannel, router: Router, serverInfo: ServerInfo, logger: Logger = Logger(),
    capabilities: [String: JSONValue] = [:], shutdownGrace: Duration = .seconds(5)
  ) {
    self.shutdownGrace = shutdownGrace
    self.channel = channel
    self.router = router
    self.serverInfo = serverInfo
    self.logger = logger
    self.capabilities = capabilities
  }

  // MARK: - What handlers and status can see

  /// Requests being served right now (one whose reply is being written no longer counts).
  public var inFlightCount: Int { state.withLock { $0.inFlight.values.filter { !$0.hasReplied }.count } }
  public var uptime: Duration { ContinuousClock.now - startedAt }
  public var framing: Framing? { channel.framing }
  /// The params the client sent with `initialize` (client info, capabilities, processId).
  public var initializeParams: JSONValue? { state.withLock { $0.initializeParams } }

  // MARK: - Running

  /// Serves until stdin ends, `exit` arrives, `terminate` is called or the output breaks; returns the
  /// process exit code.
  /// In-flight requests are then cancelled and still answered (while the output is open).
  ///
  /// Frames are handled on the channel's thread as they arrive: parsing, lifecycle checks and
  /// cancellation happen right there, and each request's task starts there too (running until its
  /// first suspension), so a quick request is answered without any thread hand-off.
  public func run() async -> Int32 {
    await withCheckedContinuation { (ended: CheckedContinuation<Void, Never>) in
      state.withLock { $0.sessionEnded = ended }
      channel.start { [self] event in
        guard let event else {
          endSession()
          return
        }
        guard state.withLock({ $0.sessionEnded != nil }) else { return }
        handle(event)
        if state.withLock({ $0.exitCode != nil }) { endSession() }
      } onOutputBroken: { [self] failure in
        outputBroke(failure)
      }
    }
    await windDown()
    return state.withLock { $0.exitCode } ?? 0
  }

  /// Ends the session from outside (e.g. the parent process died): stops serving, cancels work.
  public func terminate(exitCode: Int32) {
    state.withLock { state in
      if state.exitCode == nil { state.exitCode = exitCode }
    }
    endSession()
  }

  /// Nobody can read replies any more: serving on would only run work whose results are lost, so the
  /// session ends as if terminated, with exit code 1.
  private func outputBroke(_ failure: OutputFailure) {
    logger.warning("\(failure); cancelling \(inFlightCount) requests and exiting")
    terminate(exitCode: 1)
  }

  /// Lets `run` proceed to winding down; later inbound events are ignored.
  private func endSession() {
    state.withLock { $0.sessionEnded.take() }?.resume()
  }

  private func handle(_ event: InboundEvent) {
    switch event {
    case .frame(let bytes):
      handleFrame(bytes)
    case .framingError(let error):
      logger.warning("dropped input: \(error)")
      let code: ErrorCode = if case .frameTooLarge = error { .invalidRequest } else { .parseError }
      channel.send(OutgoingMessage.errorResponse(id: .null, error: RPCError(code, error.description)))
    }
  }

  private func windDown() async {
    let (inFlight, outgoing) = state.withLock { state in
      state.closed = true
      defer { state.outgoing.removeAll() }
      return (Array(state.inFlight.values), Array(state.outgoing.values))
    }
    for request in inFlight { request.cancelForShutdown() }
    for continuation in outgoing { continuation.resume(throwing: ClientRequestError.connectionClosed) }
    let grace = shutdownGrace
    let finishedInTime: Bool
    do {
      try await withTimeout(after: { try await Task.sleep(for: grace) }, onExpiry: .abandoning) { [self] in
        await waitForRunningTasks()
      }
      finishedInTime = true
    } catch {
      finishedInTime = false
    }
    if !finishedInTime {
      for request in inFlight where request.answersAlone && request.claimReply() {
        logger.warning("request \(request.id) did not stop within \(shutdownGrace) of shutdown")
        channel.send(OutgoingMessage.errorResponse(id: request.id, error: .cancelled))
      }
    }
    await channel.flush()
  }

  private func waitForRunningTasks() async {
    for request in state.withLock({ Array($0.inFlight.values) }) {
      await request.finished()
    }
    while let task = state.withLock({ $0.running.first?.value }) {
      await task.value
    }
  }

  // MARK: - Inbound

  private func handleFrame(_ bytes: [UInt8]) {
    let value: JSONValue
    let idTexts: [Int: [UInt8]]
    do {
      (value, idTexts) = try JSONParser.parseMessage(bytes)
    } catch {
      channel.send(OutgoingMessage.errorResponse(id: .null, error: RPCError(.parseError, "parse error: \(error)")))
      return
    }
    if case .array(let elements) = value {
      handleBatch(elements, idTexts: idTexts)
      return
    }
    switch IncomingMessage.classify(value, idText: idTexts[0]) {
    case .failure(let invalid):
      channel.send(OutgoingMessage.errorResponse(id: invalid.id, error: invalid.error))
    case .success(.notification(let method, let params)):
      handleNotification(method, params)
    case .success(.response(let id, let outcome)):
      handleResponse(id, outcome)
    case .success(.request(let id, let method, let params)):
      switch dispatch(id: id, method: method, params: params, answersAlone: true) {
      case .immediate(let reply):
        channel.send(reply)
      case .running:
        break  // the request's own task sends its reply
      }
    }
  }

  /// A batch is answered with one array of the replies to its requests, never with an empty array.
  private func handleBatch(_ elements: [JSONValue], idTexts: [Int: [UInt8]]) {
    guard !elements.isEmpty else {
      channel.send(OutgoingMessage.errorResponse(id: .null, error: .invalidRequest("empty batch")))
      return
    }
    var pending: [PendingReply] = []
    for (position, element) in elements.enumerated() {
      switch IncomingMessage.classify(element, idText: idTexts[position]) {
      case .failure(let invalid):
        pending.append(.immediate(OutgoingMessage.errorResponse(id: invalid.id, error: invalid.error)))
      case .success(.notification(let method, let params)):
        handleNotification(method, params)
      case .success(.response(let id, let outcome)):
        handleResponse(id, outcome)
      case .success(.request(let id, let method, let params)):
        pending.append(dispatch(id: id, method: method, params: params, answersAlone: false))
      }
    }
    guard !pending.isEmpty else { return }
    let replies = pending
    track { [channel] in
      var batch: [UInt8] = [UInt8(ascii: "[")]
      for (offset, reply) in replies.enumerated() {
        if offset > 0 { batch.append(UInt8(ascii: ",")) }
        switch reply {
        case .immediate(let bytes): batch.append(contentsOf: bytes)
        case .running(_, let task): batch.append(contentsOf: await task.value)
        }
      }
      batch.append(UInt8(ascii: "]"))
      channel.send(batch)
    }
  }

  private enum PendingReply {
    case immediate([UInt8])
    case running(InFlightRequest, Task<[UInt8], Never>)
  }

  /// Applies the lifecycle rules, then starts the handler. Runs on the read loop, so a request is
  /// registered before the next message (perhaps its cancel) is read.
  private func dispatch(id: RequestID, method: String, params: JSONValue?, answersAlone: Bool) -> PendingReply {
    func fail(_ error: RPCError) -> PendingReply { .immediate(OutgoingMessage.errorResponse(id: id, error: error)) }
    let lifecycle = state.withLock { $0.lifecycle }
    switch (method, lifecycle) {
    case ("initialize", .awaitingInitialize):
      return .immediate(initialize(id: id, params: params))
    case ("initialize", _):
      return fail(.invalidRequest("initialize may be sent only once"))
    case (_, .awaitingInitialize):
      return fail(RPCError(.serverNotInitialized, "server not initialized: send initialize first"))
    case (_, .shuttingDown):
      return fail(.invalidRequest("server is shutting down: only exit is accepted"))
    case ("shutdown", .running):
      state.withLock { $0.lifecycle = .shuttingDown }
      return .immediate(OutgoingMessage.response(id: id, encodedResult: JSONWriter.bytes(.null)))
    default:
      break
    }
    guard let handler = router.handler(for: method) else {
      return fail(RPCError(.methodNotFound, "method not found: \(method)"))
    }
    let request = InFlightRequest(id: id, answersAlone: answersAlone)
    let duplicate = state.withLock { state -> Bool in
      // A request whose reply has gone out no longer holds its id, though it may still be in the table.
      if let holder = state.inFlight[id], !holder.hasReplied { return true }
      state.inFlight[id] = request
      return false
    }
    if duplicate { return fail(.invalidRequest("request id \(id) is already in use by a request in flight")) }

    let progress = ProgressReporter(params: params) { [channel] bytes in channel.send(bytes) }
    let context = RequestContext(id: id, method: method, connection: self, progress: progress)
    // `immediate`: the handler starts on this thread and runs until it first suspends, so a quick
    // method is answered without waiting for another thread to pick the task up.
    let task = Task.immediate { [self] () -> [UInt8] in
      progress.begin(title: method)
      let reply: [UInt8]
      do {
        let result = try await handler(params, context)
        reply =
          request.isCancelledByClient
          ? OutgoingMessage.errorResponse(id: id, error: .cancelled)
          : OutgoingMessage.response(id: id, encodedResult: result)
      } catch {
        let wireError = request.isCancelledByClient ? RPCError.cancelled : RPCError(error)
        if wireError.code == .internalError { logger.error("\(method) failed: \(error)") }
        reply = OutgoingMessage.errorResponse(id: id, error: wireError)
      }
      progress.end()
      // The reply goes out before the request leaves the table: the session's wind-down waits for the
      // requests in the table, so one that finished just as input ended still has its reply written.
      if answersAlone && request.claimReply() { channel.send(reply) }
      forget(request)
      return reply
    }
    request.attach(task)
    return .running(request, task)
  }

  private func initialize(id: RequestID, params: JSONValue?) -> [UInt8] {
    let parentProcessID: Int32?
    switch Self.parentProcessID(in: params) {
    case .success(let processID): parentProcessID = processID
    case .failure(let error): return OutgoingMessage.errorResponse(id: id, error: error)
    }
    state.withLock { state in
      state.lifecycle = .running
      state.initializeParams = params
    }
    if let parentProcessID { watchParent(processID: parentProcessID) }
    var capabilities = self.capabilities
    capabilities["methods"] = .array(router.methodNames.map(JSONValue.string))
    capabilities["cancellation"] = ["$/cancelRequest", "notifications/cancelled", "$/cancel_request"]
    capabilities["progress"] = ["workDoneProgress": true, "mcpProgressToken": true]
    capabilities["batches"] = true
    let result: JSONValue = [
      "serverInfo": ["name": .string(serverInfo.name), "version": .string(serverInfo.version)],
      "protocolVersion": .string(serverInfo.protocolVersion),
      "capabilities": .object(capabilities),
    ]
    return OutgoingMessage.response(id: id, encodedResult: JSONWriter.bytes(result))
  }

  private func handleNotification(_ method: String, _ params: JSONValue?) {
    switch method {
    case "$/cancelRequest":
      cancelRequest(params?["id"])
    case "notifications/cancelled", "$/cancel_request":
      cancelRequest(params?["requestId"])
    case "exit":
      state.withLock { state in
        state.exitCode = state.lifecycle == .shuttingDown ? 0 : 1
      }
    case "initialized", "notifications/initialized", "$/setTrace":
      break
    default:
      logger.debug("ignored notification \(method)")
    }
  }

  /// Cancels the request's task and, unless it belongs to a batch, answers it with -32800 at once:
  /// the client is not kept waiting for a handler that is slow to notice.
  private func cancelRequest(_ rawID: JSONValue?) {
    guard let rawID, let id = RequestID.validated(rawID) else { return }
    guard let request = state.withLock({ $0.inFlight[id] }) else { return }
    request.cancelByClient()
    if request.answersAlone {
      forget(request)
      if request.claimReply() { channel.send(OutgoingMessage.errorResponse(id: request.id, error: .cancelled)) }
    }
  }

  /// Removes a finished or cancelled request from the in-flight table (only that request: a new
  /// request may already reuse its id).
  private func forget(_ request: InFlightRequest) {
    state.withLock { state in
      if state.inFlight[request.id] === request { state.inFlight[request.id] = nil }
    }
  }

  private func handleResponse(_ id: RequestID, _ outcome: Result<JSONValue, RPCError>) {
    guard let continuation = state.withLock({ $0.outgoing.removeValue(forKey: id) }) else {
      logger.debug("ignored a response to unknown request \(id)")
      return
    }
    continuation.resume(with: outcome.mapError { $0 as any Error })
  }

  // MARK: - Housekeeping

  /// Runs `work` in a task the connection waits for before it finishes.
  private func track(_ work: @escaping @Sendable () async -> Void) {
    state.withLock { current in
      let serial = current.nextTaskSerial
      current.nextTaskSerial += 1
      current.running[serial] = Task { [self] in
        await work()
        state.withLock { _ = $0.running.removeValue(forKey: serial) }
      }
    }
  }

}
