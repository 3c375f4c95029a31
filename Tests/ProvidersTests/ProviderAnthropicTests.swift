import Foundation
import Testing
@testable import HTTP
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderAnthropicTests {
  typealias F = ProviderFixtures

  static let settings = F.settings(
    name: "anthropic", kind: .anthropic, baseURL: "https://api.anthropic.com", apiKey: "sk-ant-api03-secret")

  func provider(_ client: ScriptedHTTPClient) -> AnthropicProvider {
    AnthropicProvider(settings: Self.settings, http: client, now: F.clock)
  }

  static let schema = OutputSchema(name: "weather", schema: F.weatherSchema)

  // MARK: Requests

  @Test func buildsTheDocumentedRequestBodyAndHeaders() async throws {
    let request = ChatRequest(
      model: "claude-haiku-4-5", system: "You are terse.",
      messages: [ChatMessage(role: .system, content: "Answer in English.")] + F.toolConversation,
      temperature: 0.2, stop: ["END"], schema: Self.schema, tools: [F.weatherTool])
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.textBody.utf8)))
    _ = try await provider(client).complete(request)

    let sent = try #require(client.requests.first)
    #expect(sent.method == "POST")
    #expect(sent.url.absoluteString == "https://api.anthropic.com/v1/messages")
    #expect(sent.headers["x-api-key"] == "sk-ant-api03-secret")
    #expect(sent.headers["anthropic-version"] == "2023-06-01")
    #expect(sent.headers["content-type"] == "application/json")
    #expect(sent.headers["authorization"] == nil)
    let expected = try F.json(
      """
      {"model":"claude-haiku-4-5","max_tokens":4096,
       "system":"You are terse.\\n\\nAnswer in English.",
       "messages":[
         {"role":"user","content":[{"type":"text","text":"What is the weather in Paris?"}]},
         {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
         {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"{\\"celsius\\":21}"}]}],
       "temperature":0.2,
       "stop_sequences":["END"],
       "tools":[
         {"name":"get_weather","description":"Current weather for a city",
          "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
         {"name":"weather","description":"Respond with the final answer as this tool's input.",
          "input_schema":{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},
                          "required":["city","temperature"],"additionalProperties":false}}],
       "tool_choice":{"type":"any"}}
      """)
    #expect(try F.body(of: sent) == expected)
  }

  @Test func schemaAloneForcesTheOutputToolAndStreamingSetsStream() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: []))
    let request = ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], maxTokens: 300, schema: Self.schema)
    _ = await F.collect(provider(client).stream(request))
    let body = try F.body(of: try #require(client.requests.first))
    #expect(body["tool_choice"] == ["type": "tool", "name": "weather"])
    #expect(body["tools"]?.arrayValue?.count == 1)
    #expect(body["max_tokens"] == 300)
    #expect(body["stream"] == true)
    #expect(body["system"] == nil)
  }

  @Test func consecutiveToolResultsShareOneUserTurn() {
    let messages = AnthropicRequestBody.messages(for: [
      .user("both"),
      ChatMessage(
        role: .assistant, content: "Checking.",
        toolCalls: [
          ToolCall(id: "a", name: "f", arguments: [:]), ToolCall(id: "b", name: "g", arguments: ["x": 1]),
        ]),
      ChatMessage(role: .tool, content: "1", toolCallId: "a"),
      ChatMessage(role: .tool, content: "2", toolCallId: "b"),
    ])
    #expect(messages.count == 3)
    #expect(messages[1]["content"]?.arrayValue?.count == 3)
    #expect(
      messages[2]
        == [
          "role": "user",
          "content": [
            ["type": "tool_result", "tool_use_id": "a", "content": "1"],
            ["type": "tool_result", "tool_use_id": "b", "content": "2"],
          ],
        ])
  }

  // MARK: Whole responses

  static let textBody = """
    {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
     "content":[{"type":"text","text":"Hi! My name is Claude."}],"stop_reason":"end_turn","stop_sequence":null,
     "usage":{"input_tokens":2095,"output_tokens":503,"cache_creation_input_tokens":0,"cache_read_input_tokens":100}}
    """

  @Test func parsesADocumentedMessage() async throws {
    let headers: HTTPHeaders = [
      "request-id": "req_018EeWyXxfu5pfWkrYcMdjWG",
      "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "49",
      "anthropic-ratelimit-requests-reset": "2025-06-15T15:06:50Z",
      "anthropic-ratelimit-input-tokens-limit": "50000", "anthropic-ratelimit-input-tokens-remaining": "47000",
      "anthropic-ratelimit-input-tokens-reset": "2025-06-15T15:06:41Z",
    ]
    let client = ScriptedHTTPClient(.respond(status: 200, headers: headers, body: Data(Self.textBody.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: "claude-haiku-4-5", messages: [.user("Hello")]))
    #expect(result.text == "Hi! My name is Claude.")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 2195, outputTokens: 503))
    #expect(result.model == "claude-haiku-4-5-20251001")
    #expect(result.requestId == "req_018EeWyXxfu5pfWkrYcMdjWG")
    // F.now is 2025-06-15T15:06:40Z.
    #expect(
      result.rateLimit
        == RateLimitSnapshot(
          limitRequests: 50, limitTokens: 50000, remainingRequests: 49, remainingTokens: 47000,
          resetRequestsSeconds: 10, resetTokensSeconds: 1))
  }

  @Test func forcedOutputToolBecomesTheResultText() async throws {
    let body = """
      {"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5",
       "content":[{"type":"tool_use","id":"toolu_01","name":"weather","input":{"temperature":21,"city":"Paris"}}],
       "stop_reason":"tool_use","usage":{"input_tokens":400,"output_tokens":30}}
      """
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(
      ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], schema: Self.schema))
    #expect(result.text == #"{"city":"Paris","temperature":21}"#)
    #expect(result.toolCalls.isEmpty)
    #expect(result.finishReason == .stop)
  }

  @Test func parsesToolUseBlocks() async throws {
    let body = """
      {"id":"msg_2","type":"message","role":"assistant","model":"claude-haiku-4-5",
       "content":[{"type":"text","text":"I'll check the weather."},
                  {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"city":"Paris"}}],
       "stop_reason":"tool_use","usage":{"input_tokens":300,"output_tokens":60}}
      """
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(
      ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], tools: [F.weatherTool]))
    #expect(result.text == "I'll check the weather.")
    #expect(result.finishReason == .toolCalls)
    #expect(result.toolCalls == [ToolCall(id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: ["city": "Paris"])])
  }

  // MARK: Streams

  static let textStream = F.sse([
    ("message_start", #"{"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5-20251001","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}"#),
    ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
    ("ping", #"{"type": "ping"}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}"#),
    ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" wörld!"}}"#),
    ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
    ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#),
    ("message_stop", #"{"type":"message_stop"}"#),
  ])

  @Test(arguments: [[1], [1, 3, 7, 2, 11, 5], [4096]])
  func streamsTheDocumentedEventSequence(sizes: [Int]) async throws {
    let client = ScriptedHTTPClient(
      .stream(status: 200, headers: ["request-id": "req_stream"], chunks: F.chunks(Data(Self.textStream.utf8), sizes: sizes)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "claude-haiku-4-5", messages: [.user("Hi")])))
    #expect(collected.error == nil)
    #expect(collected.deltas == ["Hello", " wörld!"])
    let result = try #require(collected.result)
    #expect(result.text == "Hello wörld!")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 25, outputTokens: 15))
    #expect(result.model == "claude-haiku-4-5-20251001")
    #expect(result.requestId == "req_stream")
  }

  static func toolStream(name: String, stopReason: String) -> String {
    F.sse([
      ("message_start", #"{"type":"message_start","message":{"id":"msg_t","type":"message","role":"assistant","content":[],"model":"claude-haiku-4-5","stop_reason":null,"usage":{"input_tokens":472,"output_tokens":2}}}"#),
      ("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"\#(name)","input":{}}}"#),
      ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}"#),
      ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}"#),
      ("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"is\", \"temperature\": 21}"}}"#),
      ("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
      ("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"\#(stopReason)","stop_sequence":null},"usage":{"output_tokens":89}}"#),
      ("message_stop", #"{"type":"message_stop"}"#),
    ])
  }

  @Test func streamedForcedToolYieldsJSONFragmentsAndAStructuredResult() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(Self.toolStream(name: "weather", stopReason: "tool_use"))))
    let collected = await F.collect(
      provider(client).stream(ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], schema: Self.schema)))
    #expect(collected.deltas.joined() == #"{"city": "Paris", "temperature": 21}"#)
    let result = try #require(collected.result)
    #expect(result.text == #"{"city":"Paris","temperature":21}"#)
    #expect(result.finishReason == .stop)
    #expect(result.toolCalls.isEmpty)
    #expect(result.usage == Usage(inputTokens: 472, outputTokens: 89))
  }

  @Test func streamedToolUseBecomesAToolCall() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(Self.toolStream(name: "get_weather", stopReason: "tool_use"))))
    let collected = await F.collect(
      provider(client).stream(ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], tools: [F.weatherTool])))
    let result = try #require(collected.result)
    #expect(collected.deltas.isEmpty)
    #expect(result.finishReason == .toolCalls)
    #expect(
      result.toolCalls
        == [ToolCall(id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", arguments: ["city": "Paris", "temperature": 21])])
  }

  @Test func errorEventFailsTheStream() async throws {
    let text = F.sse([
      ("message_start", #"{"type":"message_start","message":{"id":"m","model":"claude-haiku-4-5","usage":{"input_tokens":1,"output_tokens":1}}}"#),
      ("error", #"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#),
    ])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "claude-haiku-4-5", messages: [.user("Hi")])))
    let error = try #require(collected.error as? ProviderError)
    #expect(error.kind == .serverError)
    #expect(error.message == "overloaded_error: Overloaded")
    #expect(error.isRetryable)
  }

  // MARK: Errors and truncation

  @Test(arguments: [
    (529, "overloaded_error", ProviderError.Kind.serverError),
    (401, "authentication_error", .authentication),
    (400, "invalid_request_error", .badRequest),
    (429, "rate_limit_error", .rateLimited),
  ])
  func errorBodiesAreClassified(status: Int, type: String, kind: ProviderError.Kind) async throws {
    let body = #"{"type":"error","error":{"type":"\#(type)","message":"details for \#(type)"},"request_id":"req_1"}"#
    let client = ScriptedHTTPClient(.respond(status: status, body: Data(body.utf8)))
    let error = try #require(
      await F.providerError { _ = try await provider(client).complete(ChatRequest(model: "m", messages: [.user("Hi")])) })
    #expect(error.kind == kind)
    #expect(error.status == status)
    #expect(error.message == "details for \(type)")
  }

  @Test func maxTokensWithASchemaIsTruncated() async throws {
    let whole = """
      {"id":"msg_3","type":"message","role":"assistant","model":"claude-haiku-4-5",
       "content":[{"type":"tool_use","id":"toolu_2","name":"weather","input":{"city":"Par"}}],
       "stop_reason":"max_tokens","usage":{"input_tokens":400,"output_tokens":20}}
      """
    let request = ChatRequest(model: "claude-haiku-4-5", messages: [.user("Weather?")], maxTokens: 20, schema: Self.schema)
    let client = ScriptedHTTPClient([
      .respond(status: 200, body: Data(whole.utf8)),
      .stream(status: 200, chunks: F.chunks(Self.toolStream(name: "weather", stopReason: "max_tokens"))),
    ])
    let error = try #require(await F.providerError { _ = try await provider(client).complete(request) })
    #expect(error.kind == .truncated)
    let collected = await F.collect(provider(client).stream(request))
    #expect(!collected.deltas.isEmpty)
    #expect((collected.error as? ProviderError)?.kind == .truncated)
  }

  // MARK: Models

  @Test func listsModelsAcrossPages() async throws {
    let client = ScriptedHTTPClient([
      .respond(
        status: 200,
        body: Data(#"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":true,"first_id":"claude-sonnet-4-5","last_id":"claude-sonnet-4-5"}"#.utf8)),
      .respond(
        status: 200,
        body: Data(#"{"data":[{"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z"}],"has_more":false,"first_id":"claude-haiku-4-5","last_id":"claude-haiku-4-5"}"#.utf8)),
    ])
    #expect(try await provider(client).listModels() == ["claude-sonnet-4-5", "claude-haiku-4-5"])
    let urls = client.requests.map(\.url.absoluteString)
    #expect(
      urls == [
        "https://api.anthropic.com/v1/models?limit=1000",
        "https://api.anthropic.com/v1/models?limit=1000&after_id=claude-sonnet-4-5",
      ])
    #expect(client.requests.allSatisfy { $0.headers["x-api-key"] == "sk-ant-api03-secret" && $0.method == "GET" })
  }
}
