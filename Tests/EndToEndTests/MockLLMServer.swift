import Foundation
import JSON
#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The project's mock LLM server (`scripts/mock_llm.py`), spawned per test on a free port.
final class MockLLMServer: @unchecked Sendable {
  let process = Process()
  let port: Int
  private let stdin = Pipe()

  static var scriptPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/mock_llm.py").path
  }

  init(arguments: [String] = []) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Self.scriptPath, "--port", "0", "--exit-with-stdin"] + arguments
    let stdout = Pipe()
    process.standardOutput = stdout
    // Held open for the server's lifetime: it exits when this end closes, even if this process dies.
    process.standardInput = stdin
    process.standardError = FileHandle.nullDevice
    try process.run()
    // The first stdout line is {"port": N}; reading it blocks only until the server listens.
    var line = Data()
    while true {
      let byte = stdout.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty || byte == Data("\n".utf8) { break }
      line.append(byte)
    }
    guard let port = (try? JSONParser.parse(line))?["port"]?.intValue else {
      throw MockError.didNotStart(String(decoding: line, as: UTF8.self))
    }
    self.port = port
  }

  deinit {
    try? stdin.fileHandleForWriting.close()
    process.terminate()
  }

  var baseURL: String { "http://127.0.0.1:\(port)" }

  /// Changes the server's knobs (`POST /_mock/config`).
  func configure(_ knobs: JSONValue) async throws {
    _ = try await call("POST", "/_mock/config", body: knobs)
  }

  func log() async throws -> [JSONValue] {
    let value = try await call("GET", "/_mock/log")
    return value.arrayValue ?? value["entries"]?.arrayValue ?? []
  }

  /// Blocks (server side) until the stats reach the given counts, e.g. `["gated": 1]`.
  func wait(_ counts: [String: Int]) async throws {
    let query = counts.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    _ = try await call("GET", "/_mock/wait?\(query)&timeout=30")
  }

  func release() async throws { _ = try await call("POST", "/_mock/release", body: [:]) }

  private func call(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
    var request = URLRequest(url: URL(string: baseURL + path)!)
    request.httpMethod = method
    if let body {
      request.httpBody = Data(JSONWriter.bytes(body))
      request.setValue("application/json", forHTTPHeaderField: "content-type")
    }
    let (data, _) = try await URLSession.shared.data(for: request)
    return try JSONParser.parse(data)
  }

  /// A config file naming this server as provider `mock` (OpenAI-compatible) and `mocka` (Anthropic).
  func configFile(apiKeyEnv: String? = nil) throws -> String {
    var mock: [String: JSONValue] = ["kind": "openai", "baseURL": .string(baseURL + "/v1")]
    var mocka: [String: JSONValue] = ["kind": "anthropic", "baseURL": .string(baseURL)]
    if let apiKeyEnv {
      mock["apiKeyEnv"] = .string(apiKeyEnv)
      mocka["apiKeyEnv"] = .string(apiKeyEnv)
    }
    let config: JSONValue = [
      "defaultModel": "mock:mock-model", "providers": ["mock": .object(mock), "mocka": .object(mocka)],
    ]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-mock-\(port).json").path
    try Data(JSONWriter.bytes(config)).write(to: URL(fileURLWithPath: path))
    return path
  }

  enum MockError: Error { case didNotStart(String) }
}
