import Foundation
import JSON
import RPC
import Transport

/// The client end of a connection under test: sends JSON, reads replies and notifications in order.
/// The connection runs in process over an in-memory channel pair.
public final class RPCTestClient: Sendable {
  public let client: InMemoryChannel
  public let server: InMemoryChannel
  public let connection: Connection
  public let exitCode: Task<Int32, Never>
  private let frames: FrameIterator

  public init(router: Router, shutdownGrace: Duration = .seconds(30), initialize: Bool = true) async throws {
    (client, server) = InMemoryChannel.pair()
    connection = Connection(
      channel: server, router: router,
      serverInfo: ServerInfo(name: "baton", version: "9.9.9", protocolVersion: "1.0"), logger: Logger(level: .off),
      shutdownGrace: shutdownGrace)
    let connection = self.connection
    exitCode = Task { await connection.run() }
    frames = FrameIterator(client.events().makeAsyncIterator())
    if initialize {
      let reply = try await request(1_000_000, "initialize", ["processId": .null])
      guard reply["result"] != nil else { throw TestClientError.unexpected("initialize failed: \(reply)") }
    }
  }

  public func send(_ message: JSONValue) { client.send(JSONWriter.bytes(message)) }
  public func sendRaw(_ text: String) { client.send(Array(text.utf8)) }

  /// The next frame the server sent, parsed.
  public func next() async throws -> JSONValue {
    try JSONParser.parse(try await nextText())
  }

  /// The next frame the server sent, as the text it wrote (to check ids byte for byte).
  public func nextText() async throws -> String {
    guard let event = await frames.next() else { throw TestClientError.closed }
    guard case .frame(let bytes) = event else { throw TestClientError.unexpected("\(event)") }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The next frame that is not a notification or a server-to-client request.
  public func nextReply() async throws -> JSONValue {
    while true {
      let message = try await next()
      if message["method"] == nil { return message }
    }
  }

  /// Sends a request and returns its reply, skipping notifications sent meanwhile.
  public func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
    sendRequest(id, method, params)
    return try await nextReply()
  }

  public func sendRequest(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "id": id, "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
  }

  public func notify(_ method: String, _ params: JSONValue? = nil) {
    var message: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
    if let params { message["params"] = params }
    send(.object(message))
  }

  public enum TestClientError: Error { case closed, unexpected(String) }
}

/// Lets a `Sendable` client own the (non-Sendable) iterator; only one test task reads it.
private final class FrameIterator: @unchecked Sendable {
  private var iterator: AsyncStream<InboundEvent>.Iterator
  init(_ iterator: AsyncStream<InboundEvent>.Iterator) { self.iterator = iterator }
  func next() async -> InboundEvent? { await iterator.next() }
}

/// The `code` of an error reply, or nil for a success.
public func errorCode(_ reply: JSONValue) -> Int? { reply["error"]?["code"]?.intValue }
