import Foundation
import RPC
import Testing
import Transport

/// A one-shot latch: tasks wait until the test opens it. Replaces sleeps in tests.
actor Gate {
  private var isOpen = false
  private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
  private var abandoned: Set<UUID> = []

  func open() {
    isOpen = true
    for waiter in waiters.values { waiter.resume() }
    waiters.removeAll()
  }

  /// Waits until opened, ignoring cancellation (a handler that is slow to notice).
  func wait() async {
    await enqueue(UUID())
  }

  /// Waits until opened or until the calling task is cancelled, whichever comes first.
  nonisolated func waitUnlessCancelled() async throws {
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

/// Counts how many handlers have reached a point, and lets a test await a count.
actor Arrivals {
  private var count = 0
  private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

  func arrive() {
    count += 1
    waiters.removeAll { target, continuation in
      guard count >= target else { return false }
      continuation.resume()
      return true
    }
  }

  func wait(for target: Int) async {
    if count >= target { return }
    await withCheckedContinuation { waiters.append((target, $0)) }
  }
}

/// Test methods served by the connection under test.
enum EchoMethod: RPCMethod {
  static let name = "test/echo"
  struct Params: Codable, Sendable { var text: String; var times: Int? }
  struct Result: Codable, Sendable { var echoed: String }
}

enum WaitMethod: RPCMethod {
  static let name = "test/wait"
  typealias Result = JSONValue
}

/// Waits for the gate and ignores cancellation, like a handler stuck in a call that cannot be interrupted.
enum StubbornWaitMethod: RPCMethod {
  static let name = "test/waitStubborn"
  typealias Result = JSONValue
}

enum AskClientMethod: RPCMethod {
  static let name = "test/askClient"
  struct Params: Codable, Sendable { var timeoutMs: Int? }
  typealias Result = JSONValue
}

enum ProgressMethod: RPCMethod {
  static let name = "test/progress"
  typealias Params = JSONValue
  typealias Result = JSONValue
}

/// A connection under test, driven from the client end of an in-memory channel.
final class TestPeer: Sendable {
  let client: InMemoryChannel
  let server: InMemoryChannel
  let connection: Connection
  let gate = Gate()
  let arrivals = Arrivals()
  let exitCode: Task<Int32, Never>
  private let frames: AsyncStream<InboundEvent>.Iterator.Box

  init(initialize: Bool = true, shutdownGrace: Duration = .seconds(30)) async throws {
    (client, server) = InMemoryChannel.pair()
    var router = Router()
    let gate = self.gate
    let arrivals = self.arrivals
    router.register(EchoMethod.self) { params, _ in
      EchoMethod.Result(echoed: String(repeating: params.text, count: params.times ?? 1))
    }
    router.register(WaitMethod.self) { _, _ in
      await arrivals.arrive()
      try await gate.waitUnlessCancelled()
      return "released"
    }
    router.register(StubbornWaitMethod.self) { _, _ in
      await arrivals.arrive()
      await gate.wait()
      return "finished anyway"
    }
    router.register(AskClientMethod.self) { params, context in
      try await context.connection.sendRequest(
        method: "client/question", params: ["q": "ready?"],
        timeout: params.timeoutMs.map { .milliseconds($0) })
    }
    router.register(ProgressMethod.self) { _, context in
      context.progress.report(message: "half", percentage: 50)
      context.progress.report(message: "all", percentage: 100)
      return "done"
    }
    connection = Connection(
      channel: server, router: router,
      serverInfo: ServerInfo(name: "baton", version: "9.9.9", protocolVersion: "1.0"), logger: Logger(level: .off),
      shutdownGrace: shutdownGrace)
    let connection = self.connection
    exitCode = Task { await connection.run() }
    frames = .init(client.inbound.makeAsyncIterator())
    if initialize {
      let reply = try await request(1_000_000, "initialize", ["processId": .null])
      #expect(reply["result"] != nil)
    }
  }

  func send(_ message: JSONValue) { client.send(JSONWriter.bytes(message)) }
  func sendRaw(_ text: String) { client.send(Array(text.utf8)) }

  /// The next frame the server sent, parsed.
  func next() async throws -> JSONValue {
    guard let event = await frames.next() else { throw PeerError.closed }
    guard case .frame(let bytes) = event else { throw PeerError.unexpected("\(event)") }
    return try JSONParser.parse(bytes)
  }

  /// The next frame that is not a notification.
  func nextReply() async throws -> JSONValue {
    while true {
      let message = try await next()
      if message["method"] == nil { return message }
    }
  }

  func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
    return try await nextReply()
  }

  func notify(_ method: String, _ params: JSONValue? = nil) {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
  }

  enum PeerError: Error { case closed, unexpected(String) }
}

extension AsyncStream<InboundEvent>.Iterator {
  /// Lets a `Sendable` test peer own a (non-Sendable) iterator; only one test task reads it.
  final class Box: @unchecked Sendable {
    private var iterator: AsyncStream<InboundEvent>.Iterator
    init(_ iterator: AsyncStream<InboundEvent>.Iterator) { self.iterator = iterator }
    func next() async -> InboundEvent? { await iterator.next() }
  }
}

func errorCode(_ reply: JSONValue) -> Int? { reply["error"]?["code"]?.intValue }
