import Foundation
import Testing
@testable import HTTP

/// HTTPS: the fixture server's self-signed certificate is trusted only through a CA file.
@Suite(.timeLimit(.minutes(1)))
struct HTTPCurlTLSTests {
  @Test func caFileMakesTheServerTrusted() async throws {
    let server = try await HTTPTestServer.shared.value
    let client = CurlHTTPClient(configuration: .init(caFile: HTTPTestServer.certificate))
    let response = try await client.send(
      HTTPRequest(method: "POST", url: server.tlsURL("/echo"), body: Data("secret".utf8)))
    #expect(response.status == 200)
    #expect(String(decoding: response.body, as: UTF8.self).contains(Data("secret".utf8).base64EncodedString()))
  }

  @Test func systemStoreRejectsAnUnknownCertificate() async throws {
    let server = try await HTTPTestServer.shared.value
    do {
      _ = try await CurlHTTPClient.shared.send(HTTPRequest(url: server.tlsURL("/echo")))
      Issue.record("a self-signed certificate was trusted")
    } catch let error as HTTPError {
      guard case .connectionFailed = error else {
        Issue.record("expected connectionFailed, got \(error)")
        return
      }
    }
  }

  @Test func caFileComesFromTheEnvironmentWhenNotConfigured() {
    typealias Configuration = CurlHTTPClient.Configuration
    #expect(Configuration.caFile(fromEnvironment: [:]) == nil)
    #expect(Configuration.caFile(fromEnvironment: ["CURL_CA_BUNDLE": "/b.pem"]) == "/b.pem")
    #expect(Configuration.caFile(fromEnvironment: ["SSL_CERT_FILE": "/a.pem", "CURL_CA_BUNDLE": "/b.pem"]) == "/a.pem")
    #expect(Configuration.caFile(fromEnvironment: ["SSL_CERT_FILE": "", "CURL_CA_BUNDLE": "/b.pem"]) == "/b.pem")
  }
}
