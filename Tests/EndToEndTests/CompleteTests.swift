import Foundation
import Testing
import JSON

/// `complete` and `models/list` through the real binary against the mock LLM server.
@Suite("complete against the mock server", .timeLimit(.minutes(1)))
struct CompleteMockTests {
  let mock: MockLLMServer
  let baton: BatonProcess

  init() async throws {
    mock = try MockLLMServer()
    var environment = ProcessInfo.processInfo.environment
    environment["MOCK_KEY"] = "sk-mock-secret-0123456789"
    environment.removeValue(forKey: "BATON_MODEL")
    baton = try BatonProcess(
      arguments: ["serve", "--log-level", "trace", "--config", try mock.configFile(apiKeyEnv: "MOCK_KEY")],
      environment: environment)
    _ = try await baton.initialize()
  }

  @Test(arguments: ["mock:mock-model", "mocka:mock-model"])
  func wholeCallReturnsTextUsageAndFinishReason(model: String) async throws {
    let reply = try await baton.request(1, "complete", ["model": .string(model), "prompt": "hello there", "maxTokens": 50])
    let result = try #require(reply["result"])
    #expect(result["text"]?.stringValue?.isEmpty == false)
    #expect(result["finishReason"] == "stop")
    #expect((result["usage"]?["inputTokens"]?.intValue ?? 0) > 0)
    #expect((result["usage"]?["outputTokens"]?.intValue ?? 0) > 0)
    #expect(result["requestId"]?.stringValue != nil)
    let sent = try await mock.log()
    #expect(sent.count == 1)
  }

  @Test(arguments: ["mock:mock-model", "mocka:mock-model"])
  func streamedCallSendsDeltasBeforeTheReply(model: String) async throws {
    baton.send(["jsonrpc": "2.0", "id": 2, "method": "complete", "params": ["model": .string(model), "prompt": "stream this please", "stream": true]])
    var streamed = ""
    var deltas = 0
    while true {
      let message = try await baton.next()
      if message["method"] == "complete/delta" {
        #expect(message["params"]?["requestId"] == 2)
        streamed += message["params"]?["text"]?.stringValue ?? ""
        deltas += 1
        continue
      }
      #expect(message["id"] == 2)
      #expect(message["result"]?["text"]?.stringValue == streamed)
      break
    }
    #expect(deltas > 1)
  }

  @Test func schemaOutputIsValidJSON() async throws {
    let schema: JSONValue = [
      "type": "object", "properties": ["title": ["type": "string", "maxLength": 30], "count": ["type": "integer"]],
      "required": ["title", "count"], "additionalProperties": false,
    ]
    let reply = try await baton.request(3, "complete", ["prompt": "make one", "schema": schema])
    let text = try #require(reply["result"]?["text"]?.stringValue)
    let parsed = try JSONParser.parse(text)
    #expect(parsed["title"]?.stringValue != nil)
    #expect(parsed["count"]?.intValue != nil)
  }

  @Test func rateLimitIsClassifiedWithRetryAfter() async throws {
    try await mock.configure(["rpm": 1, "burst_s": 60])
    _ = try await baton.request(4, "complete", ["prompt": "first"])
    let reply = try await baton.request(5, "complete", ["prompt": "second"])
    #expect(reply["error"]?["code"] == 1001)
    #expect(reply["error"]?["data"]?["kind"] == "rateLimited")
    #expect(reply["error"]?["data"]?["status"] == 429)
    #expect((reply["error"]?["data"]?["retryAfterSeconds"]?.doubleValue ?? 0) > 0)
  }

  static let failureCases: [(JSONValue, String)] = [
    (["status": 500], "serverError"), (["status": 401], "authentication"), (["status": 400], "badRequest"),
    (["malformed": true], "malformedResponse"),
  ]

  @Test(arguments: failureCases)
  func failuresAreClassified(knobs: JSONValue, kind: String) async throws {
    try await mock.configure(knobs)
    let reply = try await baton.request(6, "complete", ["prompt": "fail please"])
    #expect(reply["error"]?["code"] == 1001)
    #expect(reply["error"]?["data"]?["kind"] == .string(kind))
  }

  @Test func truncatedSchemaOutputIsAnErrorNotAResult() async throws {
    try await mock.configure(["finish_length": true])
    let schema: JSONValue = ["type": "object", "properties": ["a": ["type": "string"]], "required": ["a"]]
    let reply = try await baton.request(7, "complete", ["prompt": "json", "schema": schema])
    #expect(reply["error"]?["data"]?["kind"] == "truncated")
    let plain = try await baton.request(8, "complete", ["prompt": "text"])
    #expect(plain["result"]?["finishReason"] == "length")
  }

  @Test func streamCutOffMidwayIsAnError() async throws {
    try await mock.configure(["truncate_stream": true])
    let reply = try await baton.request(9, "complete", ["prompt": "stream", "stream": true])
    #expect(reply["error"] != nil)
  }

  @Test func cancellingAbortsTheHTTPTransfer() async throws {
    try await mock.configure(["gate": true])
    baton.send(["jsonrpc": "2.0", "id": 10, "method": "complete", "params": ["prompt": "wait for me"]])
    try await mock.wait(["gated": 1])
    baton.notify("$/cancelRequest", ["id": 10])
    let reply = try await baton.nextReply()
    #expect(reply["id"] == 10)
    #expect(reply["error"]?["code"] == -32800)
    try await mock.wait(["disconnects": 1])
  }

  @Test func modelsListShowsProvidersKeysAndModelsWithoutSecrets() async throws {
    let reply = try await baton.request(11, "models/list")
    let providers = try #require(reply["result"]?["providers"]?.arrayValue)
    let mock = try #require(providers.first { $0["name"] == "mock" })
    #expect(mock["hasKey"] == true)
    #expect(mock["modelsSource"] == "endpoint")
    #expect(mock["models"]?.arrayValue?.isEmpty == false)
    #expect(reply["result"]?["defaultModel"] == "mock:mock-model")
    #expect(!JSONWriter.string(reply).contains("sk-mock-secret"))
  }

  @Test func unknownProviderIsInvalidParams() async throws {
    let reply = try await baton.request(12, "complete", ["model": "nowhere:x", "prompt": "hi"])
    #expect(reply["error"]?["code"] == -32602)
    #expect(reply["error"]?["message"]?.stringValue?.contains("nowhere") == true)
  }

  @Test func missingMessagesIsInvalidParams() async throws {
    let reply = try await baton.request(13, "complete", [:])
    #expect(reply["error"]?["code"] == -32602)
  }

  @Test func theKeyNeverAppearsOnStdoutOrStderr() async throws {
    try await mock.configure(["status": 401])
    _ = try await baton.request(14, "complete", ["prompt": "who am i"])
    try await mock.configure(["status": nil])
    _ = try await baton.request(15, "complete", ["prompt": "again"])
    baton.closeStdin()
    var transcript = ""
    while let message = try? await baton.next() { transcript += JSONWriter.string(message) }
    #expect(await baton.exitCode() == 0)
    #expect(!transcript.contains("sk-mock-secret"))
    #expect(!baton.standardError().contains("sk-mock-secret"))
    // The mock did receive it, so the check above is not vacuous.
    let log = try await mock.log()
    #expect(!log.isEmpty)
  }
}

/// The same calls against the real local model, when `scripts/test.sh` has started it.
@Suite(
  "complete against the real local model", .timeLimit(.minutes(2)),
  .enabled(if: ProcessInfo.processInfo.environment["BATON_LOCAL_URL"] != nil, "needs the local model (scripts/test.sh starts it)"))
struct CompleteLocalModelTests {
  let baton: BatonProcess

  init() async throws {
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "BATON_MODEL")
    let root = environment["BATON_LOCAL_URL"]!.replacingOccurrences(of: "/v1", with: "")
    let config: JSONValue = [
      "defaultModel": "local:smollm2-135m",
      "providers": ["llama-anthropic": ["kind": "anthropic", "baseURL": .string(root), "apiKey": "unused"]],
    ]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-local-\(UUID()).json").path
    try Data(JSONWriter.bytes(config)).write(to: URL(fileURLWithPath: path))
    baton = try BatonProcess(arguments: ["serve", "--config", path], environment: environment)
    _ = try await baton.initialize()
  }

  @Test(arguments: ["local:smollm2-135m", "llama-anthropic:smollm2-135m"])
  func realModelAnswers(model: String) async throws {
    let reply = try await baton.request(
      1, "complete", ["model": .string(model), "prompt": "What is the capital of France?", "maxTokens": 24, "temperature": 0])
    let result = try #require(reply["result"], "\(reply)")
    #expect(result["text"]?.stringValue?.isEmpty == false)
    #expect((result["usage"]?["outputTokens"]?.intValue ?? 0) > 0)
    #expect(["stop", "length"].contains(result["finishReason"]?.stringValue ?? ""))
  }

  @Test func realModelStreams() async throws {
    baton.send(["jsonrpc": "2.0", "id": 2, "method": "complete", "params": ["prompt": "Name three fruits.", "maxTokens": 24, "stream": true]])
    var deltas = 0
    while true {
      let message = try await baton.next()
      if message["method"] == "complete/delta" { deltas += 1; continue }
      #expect(message["result"]?["text"]?.stringValue?.isEmpty == false)
      break
    }
    #expect(deltas > 1)
  }

  @Test func realModelFollowsASchema() async throws {
    let schema: JSONValue = [
      "type": "object",
      "properties": ["city": ["type": "string", "maxLength": 40], "country": ["type": "string", "maxLength": 40]],
      "required": ["city", "country"], "additionalProperties": false,
    ]
    let reply = try await baton.request(3, "complete", ["prompt": "Name a city and its country.", "schema": schema, "maxTokens": 80])
    let text = try #require(reply["result"]?["text"]?.stringValue, "\(reply)")
    let parsed = try JSONParser.parse(text)
    #expect(parsed["city"]?.stringValue != nil)
    #expect(parsed["country"]?.stringValue != nil)
  }
}
