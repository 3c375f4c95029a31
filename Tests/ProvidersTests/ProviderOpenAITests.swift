import Foundation
import Testing
@testable import HTTP
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderOpenAITests {
  typealias F = ProviderFixtures

  static let openAI = F.settings(
    name: "openai", kind: .openAI, baseURL: "https://api.openai.com/v1/", apiKey: "sk-test-123456",
    tokenLimitField: .maxCompletionTokens)
  static let local = F.settings(name: "local", kind: .openAI, baseURL: "http://127.0.0.1:8089/v1")

  static let representativeRequest = ChatRequest(
    model: "gpt-4o-mini", system: "You are terse.", messages: F.toolConversation, temperature: 0.2, maxTokens: 256,
    stop: ["END"], schema: OutputSchema(name: "weather", schema: F.weatherSchema), tools: [F.weatherTool])

  func provider(_ client: ScriptedHTTPClient, settings: ProviderSettings = Self.openAI) -> OpenAICompatibleProvider {
    OpenAICompatibleProvider(settings: settings, http: client, now: F.clock)
  }

  static let completionBody = """
    {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,
     "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",
     "content":"{\\"city\\":\\"Paris\\",\\"temperature\\":21}","refusal":null,"annotations":[]},"logprobs":null,
     "finish_reason":"stop"}],"usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,
     "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},
     "service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}
    """

  // MARK: Requests

  @Test func buildsTheDocumentedRequestBodyAndHeaders() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.completionBody.utf8)))
    _ = try await provider(client).complete(Self.representativeRequest)

    let request = try #require(client.requests.first)
    #expect(request.method == "POST")
    #expect(request.url.absoluteString == "https://api.openai.com/v1/chat/completions")
    #expect(request.headers["Authorization"] == "Bearer sk-test-123456")
    #expect(request.headers["Content-Type"] == "application/json")
    #expect(request.totalTimeout == .seconds(30))
    #expect(request.idleTimeout == .seconds(10))
    let expected = try F.json(
      """
      {"model":"gpt-4o-mini",
       "messages":[
         {"role":"system","content":"You are terse."},
         {"role":"user","content":"What is the weather in Paris?"},
         {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
           "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
         {"role":"tool","tool_call_id":"call_1","content":"{\\"celsius\\":21}"}],
       "temperature":0.2,
       "max_completion_tokens":256,
       "stop":["END"],
       "response_format":{"type":"json_schema","json_schema":{"name":"weather","strict":true,
         "schema":{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},
                   "required":["city","temperature"],"additionalProperties":false}}},
       "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}
      """)
    #expect(try F.body(of: request) == expected)
  }

  @Test func streamingRequestAsksForUsageAndOmitsAuthorizationWithoutKey() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: [Data("data: [DONE]\n\n".utf8)]))
    let request = ChatRequest(model: "smollm2-135m", messages: [.user("hi")], maxTokens: 50)
    _ = await F.collect(provider(client, settings: Self.local).stream(request))

    let sent = try #require(client.requests.first)
    #expect(sent.url.absoluteString == "http://127.0.0.1:8089/v1/chat/completions")
    #expect(sent.headers["authorization"] == nil)
    #expect(sent.headers["accept"] == "text/event-stream")
    let body = try F.body(of: sent)
    #expect(body["stream"] == true)
    #expect(body["stream_options"] == ["include_usage": true])
    #expect(body["max_tokens"] == 50)
    #expect(body["max_completion_tokens"] == nil)
    #expect(body["messages"] == [["role": "user", "content": "hi"]])
  }

  @Test func configuredHeadersAreSentAndMayOverride() async throws {
    var settings = Self.local
    settings.headers = ["HTTP-Referer": "https://example.com", "X-Title": "Baton"]
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.completionBody.utf8)))
    _ = try await provider(client, settings: settings).complete(ChatRequest(model: "m", messages: [.user("hi")]))
    let sent = try #require(client.requests.first)
    #expect(sent.headers["http-referer"] == "https://example.com")
    #expect(sent.headers["x-title"] == "Baton")
  }

  // MARK: Whole responses

  @Test func parsesADocumentedCompletion() async throws {
    let headers: HTTPHeaders = [
      "x-request-id": "req_abc123", "x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "499",
      "x-ratelimit-reset-requests": "120ms", "x-ratelimit-limit-tokens": "200000",
      "x-ratelimit-remaining-tokens": "198000", "x-ratelimit-reset-tokens": "6m0s",
    ]
    let client = ScriptedHTTPClient(.respond(status: 200, headers: headers, body: Data(Self.completionBody.utf8)))
    let result = try await provider(client).complete(Self.representativeRequest)

    #expect(result.text == #"{"city":"Paris","temperature":21}"#)
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 1117, outputTokens: 46))
    #expect(result.model == "gpt-4o-mini-2024-07-18")
    #expect(result.requestId == "req_abc123")
    #expect(result.latencyMs >= 0)
    #expect(
      result.rateLimit
        == RateLimitSnapshot(
          limitRequests: 500, limitTokens: 200000, remainingRequests: 499, remainingTokens: 198000,
          resetRequestsSeconds: 0.12, resetTokensSeconds: 360))
  }

  @Test func requestIdFallsBackToTheBodyId() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.completionBody.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")]))
    #expect(result.requestId == "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG")
    #expect(result.rateLimit == nil)
  }

  @Test func parsesToolCalls() async throws {
    let body = """
      {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,
       "message":{"role":"assistant","content":null,"tool_calls":[
         {"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
         {"id":"call_def","type":"function","function":{"name":"get_time","arguments":""}}]},
       "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":80,"completion_tokens":30,"total_tokens":110}}
      """
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(
      ChatRequest(model: "gpt-4o-mini", messages: [.user("weather?")], tools: [F.weatherTool]))
    #expect(result.finishReason == .toolCalls)
    #expect(result.text == "")
    #expect(
      result.toolCalls == [
        ToolCall(id: "call_abc", name: "get_weather", arguments: ["city": "Paris"]),
        ToolCall(id: "call_def", name: "get_time", arguments: [:]),
      ])
  }

  @Test func refusalIsReportedAsContentFilter() async throws {
    let body = """
      {"id":"c","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":null,
       "refusal":"I'm sorry, I cannot assist with that request."},"finish_reason":"stop"}],
       "usage":{"prompt_tokens":5,"completion_tokens":9}}
      """
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(Self.representativeRequest)
    #expect(result.finishReason == .contentFilter)
    #expect(result.text == "I'm sorry, I cannot assist with that request.")
  }

  // MARK: Streams

  static func completionChunks(lineEnding: String) -> String {
    F.sse(
      [
        (nil, #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"smollm2-135m","choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}"#),
        (nil, #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"smollm2-135m","choices":[{"index":0,"delta":{"content":"Caf\#u{e9} "},"finish_reason":null}],"usage":null}"#),
        (nil, #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"smollm2-135m","choices":[{"index":0,"delta":{"content":"au lait \#u{2615}"},"finish_reason":null}]}"#),
        (nil, #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"smollm2-135m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#),
        (nil, #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"smollm2-135m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#),
        (nil, "[DONE]"),
      ], lineEnding: lineEnding)
  }

  @Test(arguments: ["\n", "\r\n"], [[1], [1, 3, 7, 2, 11, 5], [64]])
  func streamsDeltasAndAFinalResultAcrossAnySplit(lineEnding: String, sizes: [Int]) async throws {
    let chunks = F.chunks(Data(Self.completionChunks(lineEnding: lineEnding).utf8), sizes: sizes)
    let client = ScriptedHTTPClient(.stream(status: 200, headers: ["x-request-id": "req_9"], chunks: chunks))
    let collected = await F.collect(
      provider(client, settings: Self.local).stream(ChatRequest(model: "smollm2-135m", messages: [.user("hi")])))

    #expect(collected.error == nil)
    #expect(collected.deltas == ["Café ", "au lait ☕"])
    #expect(collected.doneCount == 1)
    let result = try #require(collected.result)
    #expect(result.text == "Café au lait ☕")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 12, outputTokens: 5))
    #expect(result.model == "smollm2-135m")
    #expect(result.requestId == "req_9")
  }

  @Test func streamedToolCallFragmentsAreAccumulatedByIndex() async throws {
    let events: [(event: String?, data: String)] = [
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"Oslo\"}"}}]},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#),
      (nil, #"{"id":"c","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":70,"completion_tokens":40}}"#),
      (nil, "[DONE]"),
    ]
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(F.sse(events))))
    let collected = await F.collect(
      provider(client).stream(ChatRequest(model: "gpt-4o-mini", messages: [.user("weather")], tools: [F.weatherTool])))

    let result = try #require(collected.result)
    #expect(collected.deltas.isEmpty)
    #expect(result.finishReason == .toolCalls)
    #expect(
      result.toolCalls == [
        ToolCall(id: "call_a", name: "get_weather", arguments: ["city": "Paris"]),
        ToolCall(id: "call_b", name: "get_weather", arguments: ["city": "Oslo"]),
      ])
    #expect(result.usage == Usage(inputTokens: 70, outputTokens: 40))
  }

  @Test func errorInsideAStreamIsClassified() async throws {
    let text = F.sse([
      (nil, #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#),
      (nil, #"{"error":{"code":502,"message":"Upstream provider went away"}}"#),
    ])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "m", messages: [.user("hi")])))
    #expect(collected.deltas == ["Hel"])
    #expect(collected.result == nil)
    let error = try #require(collected.error as? ProviderError)
    #expect(error.kind == .serverError)
    #expect(error.message.contains("Upstream provider went away"))
  }

  @Test func streamCutOffBeforeFinishReasonIsMalformed() async throws {
    let text = F.sse([(nil, #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#)])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "m", messages: [.user("hi")])))
    #expect(collected.deltas == ["Hel"])
    #expect((collected.error as? ProviderError)?.kind == .malformedResponse)
  }

  // MARK: Errors

  @Test func rejectedKeyIsAnAuthenticationErrorWithoutTheKey() async throws {
    let body = """
      {"error":{"message":"Incorrect API key provided: sk-test-123456. You can find your API key at https://platform.openai.com/account/api-keys.",
       "type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
      """
    let client = ScriptedHTTPClient(.respond(status: 401, body: Data(body.utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(Self.representativeRequest) })
    #expect(error.kind == .authentication)
    #expect(error.status == 401)
    #expect(error.provider == "openai")
    #expect(error.message.hasPrefix("Incorrect API key provided: [REDACTED]."))
    #expect(!error.description.contains("sk-test-123456"))
  }

  @Test func statusOfAFailedStreamIsClassifiedWithItsBody() async throws {
    let body = #"{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","code":"rate_limit_exceeded"}}"#
    let client = ScriptedHTTPClient(
      .stream(status: 429, headers: ["retry-after-ms": "1500"], chunks: F.chunks(body)))
    let collected = await F.collect(provider(client).stream(Self.representativeRequest))
    let error = try #require(collected.error as? ProviderError)
    #expect(error.kind == .rateLimited)
    #expect(error.retryAfter == .milliseconds(1500))
    #expect(error.message == "Rate limit reached for gpt-4o-mini")
    #expect(collected.deltas.isEmpty)
  }

  @Test func undecodableSuccessBodyIsMalformed() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data("<html>proxy login</html>".utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(Self.representativeRequest) })
    #expect(error.kind == .malformedResponse)
    #expect(error.status == 200)
  }

  @Test func transportFailuresAreClassified() async throws {
    let idle = ScriptedHTTPClient(.fail(.idleTimeout))
    #expect(await F.providerError { _ = try await provider(idle).complete(Self.representativeRequest) }?.kind == .timeout)
    let refused = ScriptedHTTPClient(.fail(.connectionFailed("Connection refused")))
    let collected = await F.collect(provider(refused).stream(Self.representativeRequest))
    #expect((collected.error as? ProviderError)?.kind == .connection)
  }

  // MARK: Truncation

  static let truncatedBody = """
    {"id":"c","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"{\\"city\\":\\"Par"},
     "finish_reason":"length"}],"usage":{"prompt_tokens":50,"completion_tokens":256}}
    """

  @Test func lengthWithASchemaIsTruncatedNotAResult() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.truncatedBody.utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(Self.representativeRequest) })
    #expect(error.kind == .truncated)
    #expect(!error.isRetryable)
    #expect(error.message.contains("256"))
  }

  @Test func lengthWithoutASchemaIsReturnedAsLength() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.truncatedBody.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: "gpt-4o-mini", messages: [.user("hi")]))
    #expect(result.finishReason == .length)
    #expect(result.text == #"{"city":"Par"#)
  }

  @Test func streamedLengthWithASchemaEndsInTruncatedAfterTheDeltas() async throws {
    let text = F.sse([
      (nil, #"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"{\"city\":"},"finish_reason":null}]}"#),
      (nil, #"{"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#),
      (nil, "[DONE]"),
    ])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(provider(client).stream(Self.representativeRequest))
    #expect(collected.deltas == [#"{"city":"#])
    #expect(collected.doneCount == 0)
    #expect((collected.error as? ProviderError)?.kind == .truncated)
  }

  // MARK: Models

  @Test func listsModelsFromTheModelsEndpoint() async throws {
    let body = #"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1,"owned_by":"system"},{"id":"gpt-4o","object":"model","created":2,"owned_by":"system"}]}"#
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    #expect(try await provider(client).listModels() == ["gpt-4o-mini", "gpt-4o"])
    let sent = try #require(client.requests.first)
    #expect(sent.method == "GET")
    #expect(sent.url.absoluteString == "https://api.openai.com/v1/models")
    #expect(sent.headers["authorization"] == "Bearer sk-test-123456")
    #expect(sent.body == nil)
  }
}
