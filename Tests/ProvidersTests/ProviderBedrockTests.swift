import Foundation
import Testing
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderBedrockTests {
  typealias F = ProviderFixtures
  typealias E = EventStreamFixture

  static let settings = F.settings(
    name: "bedrock", kind: .bedrock, baseURL: "https://bedrock-runtime.us-east-1.amazonaws.com",
    apiKey: "ABSKQmVkcm9ja0FQSUtleS1bedrock-secret", models: ["amazon.nova-micro-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"])

  func provider(_ client: ScriptedHTTPClient) -> BedrockProvider {
    BedrockProvider(settings: Self.settings, http: client, now: F.clock)
  }

  static let model = "anthropic.claude-3-haiku-20240307-v1:0"
  static let schema = OutputSchema(name: "weather", schema: F.weatherSchema)

  static let textBody = """
    {"output":{"message":{"role":"assistant","content":[{"text":"Hello! How can I help you today?"}]}},
     "stopReason":"end_turn","usage":{"inputTokens":12,"outputTokens":10,"totalTokens":22},"metrics":{"latencyMs":432}}
    """

  // MARK: Requests

  @Test func buildsTheDocumentedConverseRequest() async throws {
    let request = ChatRequest(
      model: Self.model, system: "You are terse.", messages: F.toolConversation, temperature: 0.2, maxTokens: 256,
      stop: ["END"], schema: Self.schema, tools: [F.weatherTool])
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.textBody.utf8)))
    _ = try await provider(client).complete(request)

    let sent = try #require(client.requests.first)
    #expect(sent.method == "POST")
    #expect(
      sent.url.absoluteString
        == "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse")
    #expect(sent.headers["authorization"] == "Bearer ABSKQmVkcm9ja0FQSUtleS1bedrock-secret")
    #expect(sent.headers["content-type"] == "application/json")
    let expected = try F.json(
      """
      {"messages":[
         {"role":"user","content":[{"text":"What is the weather in Paris?"}]},
         {"role":"assistant","content":[{"toolUse":{"toolUseId":"call_1","name":"get_weather","input":{"city":"Paris"}}}]},
         {"role":"user","content":[{"toolResult":{"toolUseId":"call_1","content":[{"text":"{\\"celsius\\":21}"}]}}]}],
       "system":[{"text":"You are terse."}],
       "inferenceConfig":{"maxTokens":256,"temperature":0.2,"stopSequences":["END"]},
       "toolConfig":{
         "tools":[
           {"toolSpec":{"name":"get_weather","description":"Current weather for a city",
             "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}},
           {"toolSpec":{"name":"weather","description":"Respond with the final answer as this tool's input.",
             "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},
                                    "required":["city","temperature"],"additionalProperties":false}}}}],
         "toolChoice":{"any":{}}}}
      """)
    #expect(try F.body(of: sent) == expected)
  }

  @Test func schemaAloneForcesItsToolAndStreamingUsesConverseStream() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: []))
    _ = await F.collect(provider(client).stream(ChatRequest(model: Self.model, messages: [.user("Weather?")], schema: Self.schema)))
    let sent = try #require(client.requests.first)
    #expect(sent.url.path.hasSuffix("/converse-stream"))
    #expect(sent.headers["accept"] == "application/vnd.amazon.eventstream")
    let body = try F.body(of: sent)
    #expect(body["toolConfig"]?["toolChoice"] == ["tool": ["name": "weather"]])
    #expect(body["inferenceConfig"] == nil)
  }

  // MARK: Whole responses

  @Test func parsesADocumentedResponse() async throws {
    let client = ScriptedHTTPClient(
      .respond(status: 200, headers: ["x-amzn-RequestId": "4f0a3c8e-1111-2222-3333-444455556666"], body: Data(Self.textBody.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: Self.model, messages: [.user("Hello")]))
    #expect(result.text == "Hello! How can I help you today?")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 12, outputTokens: 10))
    #expect(result.model == Self.model)
    #expect(result.requestId == "4f0a3c8e-1111-2222-3333-444455556666")
  }

  @Test func toolUseIsAToolCallUnlessItIsTheOutputTool() async throws {
    let body = """
      {"output":{"message":{"role":"assistant","content":[{"text":"Let me check."},
        {"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","name":"get_weather","input":{"city":"Paris"}}}]}},
       "stopReason":"tool_use","usage":{"inputTokens":300,"outputTokens":50}}
      """
    let forced = """
      {"output":{"message":{"role":"assistant","content":[
        {"toolUse":{"toolUseId":"tooluse_2","name":"weather","input":{"city":"Paris","temperature":21}}}]}},
       "stopReason":"tool_use","usage":{"inputTokens":300,"outputTokens":50}}
      """
    let client = ScriptedHTTPClient([.respond(status: 200, body: Data(body.utf8)), .respond(status: 200, body: Data(forced.utf8))])
    let call = try await provider(client).complete(ChatRequest(model: Self.model, messages: [.user("W?")], tools: [F.weatherTool]))
    #expect(call.finishReason == .toolCalls)
    #expect(call.text == "Let me check.")
    #expect(call.toolCalls == [ToolCall(id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", name: "get_weather", arguments: ["city": "Paris"])])

    let answer = try await provider(client).complete(ChatRequest(model: Self.model, messages: [.user("W?")], schema: Self.schema))
    #expect(answer.finishReason == .stop)
    #expect(answer.toolCalls.isEmpty)
    #expect(answer.text == #"{"city":"Paris","temperature":21}"#)
  }

  @Test(arguments: [("content_filtered", FinishReason.contentFilter), ("guardrail_intervened", .contentFilter), ("stop_sequence", .stop)])
  func stopReasonsAreMapped(raw: String, reason: FinishReason) async throws {
    let body = #"{"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"\#(raw)","usage":{"inputTokens":1,"outputTokens":1}}"#
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    #expect(try await provider(client).complete(ChatRequest(model: Self.model, messages: [.user("Hi")])).finishReason == reason)
  }

  // MARK: Streams

  static let textStream: Data = [
    E.event("messageStart", #"{"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0","role":"assistant"}"#),
    E.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcdefghijklm"}"#),
    E.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"text":", wörld"},"p":"abcdef"}"#),
    E.event("contentBlockStop", #"{"contentBlockIndex":0,"p":"abcdefghijklmnopq"}"#),
    E.event("messageStop", #"{"p":"abcdefghijklmnopqrstuvw","stopReason":"end_turn"}"#),
    E.event("metadata", #"{"metrics":{"latencyMs":312},"p":"abc","usage":{"inputTokens":11,"outputTokens":4,"totalTokens":15}}"#),
  ].reduce(Data(), +)

  @Test(arguments: [[1], [1, 3, 7, 2, 11, 5], [100_000]])
  func streamsEventStreamFramesIntoDeltasAndAResult(sizes: [Int]) async throws {
    let client = ScriptedHTTPClient(
      .stream(
        status: 200, headers: ["x-amzn-requestid": "req-42", "content-type": "application/vnd.amazon.eventstream"],
        chunks: F.chunks(Self.textStream, sizes: sizes)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: Self.model, messages: [.user("Hi")])))
    #expect(collected.error == nil)
    #expect(collected.deltas == ["Hello", ", wörld"])
    let result = try #require(collected.result)
    #expect(result.text == "Hello, wörld")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 11, outputTokens: 4))
    #expect(result.requestId == "req-42")
  }

  static func toolStream(name: String, stopReason: String) -> Data {
    [
      E.event("messageStart", #"{"role":"assistant"}"#),
      E.event("contentBlockStart", #"{"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"tooluse_abc","name":"\#(name)"}}}"#),
      E.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"city\":"}}}"#),
      E.event("contentBlockDelta", #"{"contentBlockIndex":0,"delta":{"toolUse":{"input":"\"Paris\",\"temperature\":21}"}}}"#),
      E.event("contentBlockStop", #"{"contentBlockIndex":0}"#),
      E.event("messageStop", #"{"stopReason":"\#(stopReason)"}"#),
      E.event("metadata", #"{"usage":{"inputTokens":300,"outputTokens":25}}"#),
    ].reduce(Data(), +)
  }

  @Test func streamedToolUseIsAToolCall() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(Self.toolStream(name: "get_weather", stopReason: "tool_use"), sizes: [5, 9])))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: Self.model, messages: [.user("W?")], tools: [F.weatherTool])))
    let result = try #require(collected.result)
    #expect(result.finishReason == .toolCalls)
    #expect(result.toolCalls == [ToolCall(id: "tooluse_abc", name: "get_weather", arguments: ["city": "Paris", "temperature": 21])])
    #expect(collected.deltas.isEmpty)
  }

  @Test func streamedOutputToolIsTheAnswerAndMaxTokensIsTruncated() async throws {
    let client = ScriptedHTTPClient([
      .stream(status: 200, chunks: F.chunks(Self.toolStream(name: "weather", stopReason: "tool_use"), sizes: [5, 9])),
      .stream(status: 200, chunks: F.chunks(Self.toolStream(name: "weather", stopReason: "max_tokens"), sizes: [5, 9])),
    ])
    let request = ChatRequest(model: Self.model, messages: [.user("W?")], schema: Self.schema)
    let answer = await F.collect(provider(client).stream(request))
    #expect(answer.deltas.joined() == #"{"city":"Paris","temperature":21}"#)
    #expect(answer.result?.text == #"{"city":"Paris","temperature":21}"#)
    #expect(answer.result?.finishReason == .stop)

    let cut = await F.collect(provider(client).stream(request))
    #expect((cut.error as? ProviderError)?.kind == .truncated)
  }

  @Test func exceptionMessageFailsTheStream() async throws {
    let data = E.event("messageStart", #"{"role":"assistant"}"#)
      + E.exception("throttlingException", #"{"message":"Too many requests, please wait before trying again."}"#)
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(data, sizes: [3])))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: Self.model, messages: [.user("Hi")])))
    let error = try #require(collected.error as? ProviderError)
    #expect(error.kind == .rateLimited)
    #expect(error.message == "throttlingException: Too many requests, please wait before trying again.")
  }

  @Test func corruptFrameIsAMalformedResponse() async throws {
    var bytes = [UInt8](Self.textStream)
    bytes[40] ^= 0xFF
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: [Data(bytes)]))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: Self.model, messages: [.user("Hi")])))
    #expect((collected.error as? ProviderError)?.kind == .malformedResponse)
  }

  // MARK: Errors and models

  @Test func validationExceptionIsABadRequestNamingTheException() async throws {
    let client = ScriptedHTTPClient(
      .respond(
        status: 400,
        headers: ["x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"],
        body: Data(#"{"message":"The provided model identifier is invalid."}"#.utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(ChatRequest(model: "nope", messages: [.user("Hi")])) })
    #expect(error.kind == .badRequest)
    #expect(error.message == "ValidationException: The provided model identifier is invalid.")
  }

  @Test func listModelsReturnsTheConfiguredModelsWithoutACall() async throws {
    let client = ScriptedHTTPClient([])
    #expect(try await provider(client).listModels() == ["amazon.nova-micro-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"])
    #expect(client.requests.isEmpty)
  }
}
