import Foundation
import Testing
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderGeminiTests {
  typealias F = ProviderFixtures

  static let settings = F.settings(
    name: "gemini", kind: .gemini, baseURL: "https://generativelanguage.googleapis.com", apiKey: "AIzaSy-gemini-secret")

  func provider(_ client: ScriptedHTTPClient) -> GeminiProvider {
    GeminiProvider(settings: Self.settings, http: client, now: F.clock)
  }

  static let schema = OutputSchema(name: "weather", schema: F.weatherSchema)

  static let textBody = """
    {"candidates":[{"content":{"parts":[{"text":"The capital of France is Paris."}],"role":"model"},
      "finishReason":"STOP","index":0,
      "safetyRatings":[{"category":"HARM_CATEGORY_HATE_SPEECH","probability":"NEGLIGIBLE"}]}],
     "usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":12,"totalTokenCount":25,"thoughtsTokenCount":5},
     "modelVersion":"gemini-2.5-flash","responseId":"mBNUaKb6Hp2zqtsP8pSFoAw"}
    """

  // MARK: Requests

  @Test func buildsTheDocumentedRequestBodyAndHeaders() async throws {
    let request = ChatRequest(
      model: "gemini-2.5-flash", system: "You are terse.", messages: F.toolConversation, temperature: 0.2,
      maxTokens: 256, stop: ["END"], schema: Self.schema, tools: [F.weatherTool])
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.textBody.utf8)))
    _ = try await provider(client).complete(request)

    let sent = try #require(client.requests.first)
    #expect(sent.method == "POST")
    #expect(
      sent.url.absoluteString == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent")
    #expect(sent.headers["x-goog-api-key"] == "AIzaSy-gemini-secret")
    #expect(sent.headers["authorization"] == nil)
    #expect(!sent.url.absoluteString.contains("secret"))
    let expected = try F.json(
      """
      {"contents":[
         {"role":"user","parts":[{"text":"What is the weather in Paris?"}]},
         {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
         {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"celsius":21}}}]}],
       "systemInstruction":{"parts":[{"text":"You are terse."}]},
       "generationConfig":{"temperature":0.2,"maxOutputTokens":256,"stopSequences":["END"],
         "responseMimeType":"application/json",
         "responseSchema":{"type":"OBJECT","properties":{"city":{"type":"STRING"},"temperature":{"type":"NUMBER"}},
                           "required":["city","temperature"]}},
       "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Current weather for a city",
         "parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}]}
      """)
    #expect(try F.body(of: sent) == expected)
  }

  @Test func streamingUsesServerSentEvents() async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: []))
    _ = await F.collect(provider(client).stream(ChatRequest(model: "gemini-2.5-flash", messages: [.user("Hi")])))
    let sent = try #require(client.requests.first)
    #expect(
      sent.url.absoluteString
        == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
    #expect(try F.body(of: sent) == ["contents": [["role": "user", "parts": [["text": "Hi"]]]]])
  }

  @Test func argumentlessToolsAreDeclaredWithoutParameters() {
    let tool = ToolDefinition(name: "now", description: "Current time", parameters: ["type": "object", "properties": [:]])
    let body = GeminiRequestBody.make(for: ChatRequest(model: "g", messages: [.user("Time?")], tools: [tool]))
    #expect(body["tools"] == [["functionDeclarations": [["name": "now", "description": "Current time"]]]])
  }

  @Test func schemaIsReducedToGeminisSubset() throws {
    let schema = try F.json(
      """
      {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,
       "properties":{
         "const":{"type":["string","null"],"description":"a property named like a keyword","const":"x"},
         "tags":{"type":"array","items":{"type":"string","enum":["a","b"],"examples":["a"]},"maxItems":3},
         "either":{"anyOf":[{"type":"integer","minimum":0},{"type":"object","properties":{},"additionalProperties":true}]}},
       "required":["const"],"$defs":{"unused":{"type":"string"}}}
      """)
    let expected = try F.json(
      """
      {"type":"OBJECT",
       "properties":{
         "const":{"type":"STRING","nullable":true,"description":"a property named like a keyword"},
         "tags":{"type":"ARRAY","items":{"type":"STRING","enum":["a","b"]},"maxItems":3},
         "either":{"anyOf":[{"type":"INTEGER","minimum":0},{"type":"OBJECT","properties":{}}]}},
       "required":["const"]}
      """)
    #expect(GeminiSchemaSanitizer.sanitize(schema) == expected)
  }

  // MARK: Whole responses

  @Test func parsesADocumentedResponse() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.textBody.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: "gemini-2.5-flash", messages: [.user("Capital?")]))
    #expect(result.text == "The capital of France is Paris.")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 8, outputTokens: 17))
    #expect(result.model == "gemini-2.5-flash")
    #expect(result.requestId == "mBNUaKb6Hp2zqtsP8pSFoAw")
  }

  @Test func parsesFunctionCallsAndSkipsThoughts() async throws {
    let body = """
      {"candidates":[{"content":{"role":"model","parts":[
          {"text":"Thinking about the weather...","thought":true},
          {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
        "finishReason":"STOP"}],
       "usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":9}}
      """
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(
      ChatRequest(model: "gemini-2.5-flash", messages: [.user("Weather?")], tools: [F.weatherTool]))
    #expect(result.text == "")
    #expect(result.finishReason == .toolCalls)
    #expect(result.toolCalls.count == 1)
    #expect(result.toolCalls.first?.name == "get_weather")
    #expect(result.toolCalls.first?.arguments == ["city": "Paris"])
    #expect(result.model == "gemini-2.5-flash")
  }

  @Test(arguments: [("SAFETY", FinishReason.contentFilter), ("RECITATION", .contentFilter), ("OTHER", .other)])
  func finishReasonsAreMapped(raw: String, reason: FinishReason) async throws {
    let body = #"{"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"\#(raw)"}]}"#
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    #expect(try await provider(client).complete(ChatRequest(model: "g", messages: [.user("Hi")])).finishReason == reason)
  }

  @Test func blockedPromptIsContentFilter() async throws {
    let body = #"{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7}}"#
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(body.utf8)))
    let result = try await provider(client).complete(ChatRequest(model: "g", messages: [.user("Hi")]))
    #expect(result.finishReason == .contentFilter)
    #expect(result.text == "")
    #expect(result.usage.inputTokens == 7)
  }

  // MARK: Streams

  static let stream = F.sse(
    [
      (nil, #"{"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.5-flash","responseId": "r1"}"#),
      (nil, #"{"candidates": [{"content": {"parts": [{"text": " sky is blue — mostly."}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 12},"modelVersion": "gemini-2.5-flash","responseId": "r1"}"#),
      (nil, #"{"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 9,"candidatesTokenCount": 8,"totalTokenCount": 17},"modelVersion": "gemini-2.5-flash","responseId": "r1"}"#),
    ], lineEnding: "\r\n")

  @Test(arguments: [[1], [1, 3, 7, 2, 11, 5], [2048]])
  func streamsResponsesIntoDeltasAndAResult(sizes: [Int]) async throws {
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(Data(Self.stream.utf8), sizes: sizes)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "gemini-2.5-flash", messages: [.user("Sky?")])))
    #expect(collected.error == nil)
    #expect(collected.deltas == ["The", " sky is blue — mostly."])
    let result = try #require(collected.result)
    #expect(result.text == "The sky is blue — mostly.")
    #expect(result.finishReason == .stop)
    #expect(result.usage == Usage(inputTokens: 9, outputTokens: 8))
    #expect(result.requestId == "r1")
  }

  @Test func maxTokensWithASchemaIsTruncatedWhenStreamed() async throws {
    let text = F.sse([
      (nil, #"{"candidates":[{"content":{"parts":[{"text":"{\"city\": \"Pa"}],"role":"model"},"finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":10}}"#)
    ])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(
      provider(client).stream(ChatRequest(model: "g", messages: [.user("Weather?")], maxTokens: 10, schema: Self.schema)))
    #expect(collected.deltas == [#"{"city": "Pa"#])
    #expect((collected.error as? ProviderError)?.kind == .truncated)
  }

  // MARK: Errors

  @Test func invalidArgumentIsABadRequest() async throws {
    let body = """
      {"error": {"code": 400, "message": "* GenerateContentRequest.generation_config.response_schema.properties: should be non-empty for OBJECT type\\n", "status": "INVALID_ARGUMENT"}}
      """
    let client = ScriptedHTTPClient(.respond(status: 400, body: Data(body.utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(ChatRequest(model: "g", messages: [.user("Hi")])) })
    #expect(error.kind == .badRequest)
    #expect(error.message.hasPrefix("* GenerateContentRequest.generation_config"))
  }

  @Test func resourceExhaustedCarriesTheRetryDelay() async throws {
    let body = """
      {"error": {"code": 429, "message": "You exceeded your current quota, please check your plan and billing details.",
       "status": "RESOURCE_EXHAUSTED", "details": [
         {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests"}]},
         {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}}
      """
    let client = ScriptedHTTPClient(.respond(status: 429, body: Data(body.utf8)))
    let error = try #require(await F.providerError { _ = try await provider(client).complete(ChatRequest(model: "g", messages: [.user("Hi")])) })
    #expect(error.kind == .rateLimited)
    #expect(error.retryAfter == .seconds(37))
  }

  @Test func errorObjectInsideAStreamIsClassified() async throws {
    let text = F.sse([(nil, #"{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}"#)])
    let client = ScriptedHTTPClient(.stream(status: 200, chunks: F.chunks(text)))
    let collected = await F.collect(provider(client).stream(ChatRequest(model: "g", messages: [.user("Hi")])))
    let error = try #require(collected.error as? ProviderError)
    #expect(error.kind == .serverError)
    #expect(error.message.contains("overloaded"))
  }

  // MARK: Models

  @Test func listsModelsAcrossPagesWithoutThePrefix() async throws {
    let client = ScriptedHTTPClient([
      .respond(
        status: 200,
        body: Data(#"{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash","supportedGenerationMethods":["generateContent"]}],"nextPageToken":"Cg9tb2RlbHMv+/="}"#.utf8)),
      .respond(status: 200, body: Data(#"{"models":[{"name":"models/gemini-2.5-pro"}]}"#.utf8)),
    ])
    #expect(try await provider(client).listModels() == ["gemini-2.5-flash", "gemini-2.5-pro"])
    #expect(
      client.requests.map(\.url.absoluteString) == [
        "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000",
        "https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000&pageToken=Cg9tb2RlbHMv%2B%2F%3D",
      ])
    #expect(client.requests.allSatisfy { $0.headers["x-goog-api-key"] == "AIzaSy-gemini-secret" })
  }
}
