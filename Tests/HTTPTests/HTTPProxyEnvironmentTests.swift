import Foundation
import Testing
@testable import HTTP

/// libcurl honours `http_proxy` and `no_proxy` by itself; this confirms the client leaves that on.
/// Opt-in, because changing the environment while other tests' transfers read it is unsafe; run
/// alone with `BATON_HTTP_PROXY_CHECK=1 swift test --filter HTTPProxyEnvironment`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BATON_HTTP_PROXY_CHECK"] == "1"), .serialized)
struct HTTPProxyEnvironmentTests {
  @Test func proxyAndNoProxyComeFromTheEnvironment() async throws {
    let server = try await HTTPTestServer.shared.value
    setenv("http_proxy", "http://127.0.0.1:\(server.port)", 1)
    setenv("no_proxy", "direct.invalid", 1)
    defer {
      unsetenv("http_proxy")
      unsetenv("no_proxy")
    }
    // The fixture server acts as the proxy: it receives the absolute URL of a host that does not exist.
    let proxied = try await CurlHTTPClient.shared.send(HTTPRequest(url: URL(string: "http://proxied.invalid/echo")!))
    let echo = try JSONDecoder().decode(HTTPCurlClientTests.Echo.self, from: proxied.body)
    #expect(echo.path == "http://proxied.invalid/echo")
    // A no_proxy host is contacted directly, and .invalid never resolves.
    do {
      _ = try await CurlHTTPClient.shared.send(HTTPRequest(url: URL(string: "http://direct.invalid/echo")!))
      Issue.record("a no_proxy host was reached through the proxy")
    } catch let error as HTTPError {
      guard case .connectionFailed = error else {
        Issue.record("expected connectionFailed, got \(error)")
        return
      }
    }
  }
}
