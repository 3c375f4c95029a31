import Foundation
import Testing
@testable import HTTP

/// Idle and total timeouts of `CurlHTTPClient`, which libcurl alone can only time in whole seconds.
@Suite(.timeLimit(.minutes(1)))
struct HTTPCurlTimeoutTests {
  let client = CurlHTTPClient.shared

  @Test func idleTimeoutFiresWhenNothingArrives() async throws {
    let server = try await HTTPTestServer.shared.value
    let id = UUID().uuidString
    let request = HTTPRequest(url: server.url("/hang?id=\(id)"), idleTimeout: .milliseconds(300))
    let clock = ContinuousClock()
    let started = clock.now
    await #expect(throws: HTTPError.idleTimeout) { try await client.send(request) }
    #expect(started.duration(to: clock.now) >= .milliseconds(300))
    // Timing out also closes the connection, rather than leaving it to the server.
    #expect(try await server.signal("disconnected:\(id)"))
  }

  @Test func idleTimeoutRestartsWithEveryChunk() async throws {
    let server = try await HTTPTestServer.shared.value
    // 20 events 100 ms apart last about 1.9 s, well past the 1 s idle timeout, yet no gap reaches it.
    let request = HTTPRequest(url: server.url("/drip?count=20&gap_ms=100"), idleTimeout: .seconds(1))
    let response = try await client.send(request)
    var parser = SSEParser()
    #expect(parser.feed(response.body).count == 20)
  }

  @Test func totalTimeoutFiresOnAStreamThatKeepsSending() async throws {
    let server = try await HTTPTestServer.shared.value
    let request = HTTPRequest(
      url: server.url("/drip?count=100&gap_ms=100"), idleTimeout: .seconds(5), totalTimeout: .milliseconds(500))
    let clock = ContinuousClock()
    let started = clock.now
    var chunks = 0
    await #expect(throws: HTTPError.totalTimeout) {
      for try await event in client.stream(request) {
        if case .body = event { chunks += 1 }
      }
    }
    #expect(chunks >= 1)
    #expect(started.duration(to: clock.now) >= .milliseconds(500))
  }
}
