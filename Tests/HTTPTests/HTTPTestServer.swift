import Foundation
import Synchronization
@testable import HTTP

/// The Python fixture server (`Tests/Fixtures/http_test_server.py`), started once per test
/// process and shared by the HTTP tests; every test uses its own ids, so they do not interfere.
struct HTTPTestServer: Sendable {
  /// Started on first use; the process exits when the test process does (its stdin closes).
  static let shared = Task { try await HTTPTestServer.launch() }

  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
  static let certificate = fixtures.appendingPathComponent("http_test_cert.pem").path

  let port: Int
  let tlsPort: Int
  /// Holding the write end of the server's stdin open keeps it running.
  private let stdinKeepAlive: FileHandle

  func url(_ pathAndQuery: String) -> URL {
    URL(string: "http://127.0.0.1:\(port)\(pathAndQuery)")!
  }

  func tlsURL(_ pathAndQuery: String) -> URL {
    URL(string: "https://localhost:\(tlsPort)\(pathAndQuery)")!
  }

  /// Asks the server whether signal `name` (e.g. "disconnected:<id>") happens within `timeout` seconds.
  /// The server replies as soon as it happens, so this never waits longer than needed.
  func signal(_ name: String, within timeout: Double = 20) async throws -> Bool {
    let escaped = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
    let response = try await CurlHTTPClient.shared.send(
      HTTPRequest(url: url("/wait?name=\(escaped)&timeout=\(timeout)")))
    let reply = try JSONDecoder().decode(SignalReply.self, from: response.body)
    return reply.happened
  }

  private struct SignalReply: Decodable {
    var happened: Bool
  }

  private static func launch() async throws -> HTTPTestServer {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", fixtures.appendingPathComponent("http_test_server.py").path,
      "--tls-cert", certificate,
      "--tls-key", fixtures.appendingPathComponent("http_test_key.pem").path,
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let line = try await firstLine(of: output.fileHandleForReading)
    let ports = line.split(separator: " ").compactMap { Int($0) }
    guard ports.count == 2 else { throw LaunchError(message: "unexpected first line: \(line)") }
    return HTTPTestServer(port: ports[0], tlsPort: ports[1], stdinKeepAlive: input.fileHandleForWriting)
  }

  /// Reads the first line without blocking a concurrency thread.
  private static func firstLine(of handle: FileHandle) async throws -> String {
    let received = Mutex(Data())
    return try await withCheckedThrowingContinuation { continuation in
      handle.readabilityHandler = { handle in
        let chunk = handle.availableData
        let line: Result<String, LaunchError>? = received.withLock { buffer in
          buffer.append(chunk)
          if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            return .success(String(decoding: buffer[..<newline], as: UTF8.self))
          }
          return chunk.isEmpty ? .failure(LaunchError(message: "server exited before printing its ports")) : nil
        }
        guard let line else { return }
        handle.readabilityHandler = nil
        continuation.resume(with: line)
      }
    }
  }

  private struct LaunchError: Error {
    var message: String
  }
}
