import Foundation
import Testing
@testable import HTTP

/// Request/response round trips of `CurlHTTPClient` against the local fixture server.
@Suite(.timeLimit(.minutes(1)))
struct HTTPCurlClientTests {
  let client = CurlHTTPClient.shared

  /// What `/echo` reports about the request it received.
  struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [[String]]
    var body: String
    var client_port: Int

    func header(_ name: String) -> String? {
      headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }
    var bodyData: Data { Data(base64Encoded: body) ?? Data() }
  }

  func echo(_ request: HTTPRequest) async throws -> Echo {
    let response = try await client.send(request)
    #expect(response.status == 200)
    return try JSONDecoder().decode(Echo.self, from: response.body)
  }

  @Test func libcurlLoads() throws {
    try CurlHTTPClient.ensureLibcurlLoaded()
  }

  @Test func getSendsMethodPathAndHeaders() async throws {
    let server = try await HTTPTestServer.shared.value
    let echo = try await echo(
      HTTPRequest(
        url: server.url("/echo?q=1"), headers: ["X-Baton-Test": "hello", "Authorization": "Bearer k", "X-Empty": ""]))
    #expect(echo.method == "GET")
    #expect(echo.path == "/echo?q=1")
    #expect(echo.header("X-Baton-Test") == "hello")
    #expect(echo.header("Authorization") == "Bearer k")
    #expect(echo.header("X-Empty") == "")
    #expect(echo.header("Accept-Encoding")?.contains("gzip") == true)
    #expect(echo.bodyData.isEmpty)
  }

  @Test func postSendsLargeBodyWithoutExpectContinue() async throws {
    let server = try await HTTPTestServer.shared.value
    let body = Data((0..<1_500_000).map { UInt8($0 % 256) })
    let echo = try await echo(
      HTTPRequest(
        method: "POST", url: server.url("/echo"), headers: ["Content-Type": "application/octet-stream"], body: body))
    #expect(echo.method == "POST")
    #expect(echo.bodyData == body)
    #expect(echo.header("Content-Type") == "application/octet-stream")
    // libcurl would otherwise send "Expect: 100-continue" for large bodies (over 1 MB here, 1 KB in older
    // releases) and wait for a "100 Continue" that some servers never send.
    #expect(echo.header("Expect") == nil)
  }

  @Test(arguments: [("PUT", "payload"), ("PATCH", "payload"), ("DELETE", nil), ("POST", nil), ("OPTIONS", nil)])
  func otherMethodsKeepTheirName(method: String, body: String?) async throws {
    let server = try await HTTPTestServer.shared.value
    let echo = try await echo(HTTPRequest(method: method, url: server.url("/echo"), body: body.map { Data($0.utf8) }))
    #expect(echo.method == method)
    #expect(echo.bodyData == Data((body ?? "").utf8))
  }

  @Test func headRequestHasHeadersAndNoBody() async throws {
    let server = try await HTTPTestServer.shared.value
    let response = try await client.send(HTTPRequest(method: "HEAD", url: server.url("/large?bytes=5000")))
    #expect(response.status == 200)
    #expect(response.headers["content-length"] == "5000")
    #expect(response.body.isEmpty)
  }

  @Test func errorStatusIsAResponseWithItsHeaders() async throws {
    let server = try await HTTPTestServer.shared.value
    let response = try await client.send(HTTPRequest(url: server.url("/status?code=429&header=Retry-After:7")))
    #expect(response.status == 429)
    #expect(response.headers["retry-after"] == "7")
    #expect(String(decoding: response.body, as: UTF8.self) == "status 429")
  }

  @Test func largeBodyArrivesIntact() async throws {
    let server = try await HTTPTestServer.shared.value
    let size = 5_000_000
    let response = try await client.send(HTTPRequest(url: server.url("/large?bytes=\(size)")))
    #expect(response.body.count == size)
    #expect(response.body.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
  }

  @Test func gzipBodyIsDecoded() async throws {
    let server = try await HTTPTestServer.shared.value
    let response = try await client.send(HTTPRequest(url: server.url("/gzip")))
    #expect(response.status == 200)
    #expect(String(decoding: response.body, as: UTF8.self) == String(repeating: "hello gzip ", count: 100))
  }

  @Test func sequentialRequestsReuseTheConnection() async throws {
    let server = try await HTTPTestServer.shared.value
    let client = CurlHTTPClient()  // Its own connection cache, so parallel tests cannot take the connection.
    let first = try await JSONDecoder().decode(Echo.self, from: client.send(HTTPRequest(url: server.url("/echo"))).body)
    let second = try await JSONDecoder().decode(Echo.self, from: client.send(HTTPRequest(url: server.url("/echo"))).body)
    #expect(first.client_port == second.client_port)
  }

  @Test func twoHundredConcurrentRequestsAllSucceed() async throws {
    let server = try await HTTPTestServer.shared.value
    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<200 {
        group.addTask { try await client.send(HTTPRequest(url: server.url("/delay?ms=200"))).status }
      }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    #expect(statuses == Array(repeating: 200, count: 200))
  }

  @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
    let server = try await HTTPTestServer.shared.value
    let request = HTTPRequest(url: server.url("/echo"), headers: ["X-Evil": "a\r\nX-Injected: 1"])
    await #expect(throws: HTTPError.transferFailed("header X-Evil contains a line break or NUL")) {
      try await client.send(request)
    }
  }

  @Test func refusedConnectionIsConnectionFailed() async throws {
    let port = try ClosedPort()
    do {
      _ = try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port.number)/")!))
      Issue.record("a request to a closed port succeeded")
    } catch let error as HTTPError {
      guard case .connectionFailed(let message) = error else {
        Issue.record("expected connectionFailed, got \(error)")
        return
      }
      #expect(message.contains("\(port.number)"))
    }
  }
}

/// A local port that refuses connections: bound (so no one else takes it) but not listening.
final class ClosedPort {
  let number: Int
  private let descriptor: Int32

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
      }
    }
    guard descriptor >= 0, bound else {
      close(descriptor)
      throw POSIXError(.EADDRNOTAVAIL)
    }
    self.descriptor = descriptor
    number = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(descriptor) }
}
