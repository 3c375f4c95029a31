import Foundation
import Testing
@testable import HTTP

/// Streaming and cancellation of `CurlHTTPClient`: the server tells us what it saw, so nothing sleeps.
@Suite(.timeLimit(.minutes(1)))
struct HTTPCurlStreamingTests {
  let client = CurlHTTPClient.shared

  @Test func chunksArriveBeforeTheResponseEnds() async throws {
    let server = try await HTTPTestServer.shared.value
    let id = UUID().uuidString
    var events = client.stream(HTTPRequest(url: server.url("/gated?id=\(id)"))).makeAsyncIterator()

    guard case .head(let head) = try await events.next() else { throw StreamFailure.unexpectedEvent }
    #expect(head.status == 200)
    #expect(head.headers["content-type"] == "text/event-stream")
    // The server holds the second chunk until we release it, so this one came on its own.
    guard case .body(let first) = try await events.next() else { throw StreamFailure.unexpectedEvent }
    #expect(String(decoding: first, as: UTF8.self) == "data: one\n\n")

    _ = try await client.send(HTTPRequest(url: server.url("/release?id=\(id)")))
    guard case .body(let second) = try await events.next() else { throw StreamFailure.unexpectedEvent }
    #expect(String(decoding: second, as: UTF8.self) == "data: two\n\n")
    #expect(try await events.next() == nil)
  }

  @Test func streamedBodyFeedsTheSSEParser() async throws {
    let server = try await HTTPTestServer.shared.value
    var parser = SSEParser()
    var data: [String] = []
    for try await event in client.stream(HTTPRequest(url: server.url("/drip?count=5&gap_ms=10"))) {
      if case .body(let chunk) = event { data += parser.feed(chunk).map(\.data) }
    }
    #expect(data == ["0", "1", "2", "3", "4"])
  }

  @Test func cancellingTheConsumingTaskClosesTheConnection() async throws {
    let server = try await HTTPTestServer.shared.value
    let id = UUID().uuidString
    let (headSeen, headSignal) = AsyncStream<Void>.makeStream()
    let consumer = Task {
      for try await event in client.stream(HTTPRequest(url: server.url("/hang?id=\(id)&head=1"))) {
        if case .head = event { headSignal.yield() }
      }
    }
    for await _ in headSeen { break }
    consumer.cancel()
    // The hang lasts a minute unless the client really closes its connection.
    #expect(try await server.signal("disconnected:\(id)"))
    _ = await consumer.result
  }

  @Test func leavingTheLoopEarlyClosesTheConnection() async throws {
    let server = try await HTTPTestServer.shared.value
    let id = UUID().uuidString
    for try await event in client.stream(HTTPRequest(url: server.url("/hang?id=\(id)&head=1"))) {
      if case .head = event { break }
    }
    #expect(try await server.signal("disconnected:\(id)"))
  }

  @Test func cancellingSendThrowsCancellationAndClosesTheConnection() async throws {
    let server = try await HTTPTestServer.shared.value
    let id = UUID().uuidString
    let request = HTTPRequest(url: server.url("/hang?id=\(id)"))
    let sender = Task { try await client.send(request) }
    #expect(try await server.signal("arrived:\(id)"))
    sender.cancel()
    #expect(try await server.signal("disconnected:\(id)"))
    await #expect(throws: CancellationError.self) { try await sender.value }
  }

  enum StreamFailure: Error {
    case unexpectedEvent
  }
}
