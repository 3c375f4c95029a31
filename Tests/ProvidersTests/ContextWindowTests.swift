import Foundation
import Testing
@testable import HTTP
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers
@testable import Secrets

/// `LLMProvider.contextWindow(for:)`: the built-in table, the OpenAI-compatible adapter asking its
/// server (llama.cpp `/props`, then `/models`) once per model, and wrappers forwarding.
@Suite struct ContextWindowTests {
  typealias F = ProviderFixtures

  static let local = F.settings(name: "local", kind: .openAI, baseURL: "http://127.0.0.1:8089/v1")
  static let openAI = F.settings(
    name: "openai", kind: .openAI, baseURL: "https://api.openai.com/v1", apiKey: "sk-test-123456")

  func provider(_ client: ScriptedHTTPClient, settings: ProviderSettings = Self.local) -> OpenAICompatibleProvider {
    OpenAICompatibleProvider(settings: settings, http: client, now: F.clock)
  }

  /// llama.cpp's `GET /props`, trimmed to the fields around `n_ctx`.
  static let propsBody = """
    {"default_generation_settings":{"id":0,"id_task":-1,"n_ctx":2048,"speculative":false,"is_processing":false,
     "params":{"n_predict":-1,"seed":4294967295,"temperature":0.8}},"total_slots":1,
     "model_path":"/models/SmolLM2-135M-Instruct-Q8_0.gguf","chat_template":"{{ bos_token }}",
     "build_info":"b5478-f5cd27b7"}
    """

  /// llama.cpp's `GET /v1/models`.
  static let modelsBody = """
    {"object":"list","data":[{"id":"smollm2-135m","object":"model","created":1750000000,"owned_by":"llamacpp",
     "meta":{"vocab_type":2,"n_vocab":49152,"n_ctx_train":8192,"n_embd":576,"n_params":134515008,"size":144805376}}]}
    """

  // MARK: The table

  @Test(arguments: [
    ("gpt-4o", 128_000), ("gpt-4o-mini", 128_000), ("gpt-4o-2024-08-06", 128_000), ("gpt-4.1-nano", 1_047_576),
    ("gpt-5-mini", 400_000), ("o3", 200_000), ("o3-mini", 200_000), ("o4-mini", 200_000),
    ("gpt-3.5-turbo-0125", 16_385), ("claude-sonnet-4-5", 200_000), ("claude-3-5-haiku-latest", 200_000),
    ("gemini-1.5-pro-002", 2_097_152), ("gemini-1.5-flash", 1_048_576), ("gemini-2.0-flash", 1_048_576),
    ("gemini-2.5-pro", 1_048_576), ("anthropic.claude-3-5-sonnet-20240620-v1:0", 200_000),
    ("us.anthropic.claude-sonnet-4-20250514-v1:0", 200_000), ("amazon.nova-pro-v1:0", 300_000),
    ("amazon.nova-lite-v1:0", 300_000), ("meta.llama3-1-70b-instruct-v1:0", 128_000),
    ("meta.llama3-3-70b-instruct-v1:0", 128_000),
  ] as [(String, Int)])
  func builtInModelsHaveTheirWindows(model: String, tokens: Int) {
    #expect(KnownContextWindows.tokens(for: model) == tokens)
  }

  @Test(arguments: ["llama3.2:3b", "smollm2-135m", "gpt-4", "mistral.mistral-large-2402-v1:0", "", "us.unknown-model"])
  func otherModelsAreUnknown(model: String) {
    #expect(KnownContextWindows.tokens(for: model) == nil)
  }

  @Test func theLongestPrefixWins() {
    #expect(KnownContextWindows.table.contains { $0.prefix == "gemini-1.5-pro" })
    #expect(KnownContextWindows.tokens(for: "gemini-1.5-pro-latest") == 2_097_152)
    #expect(KnownContextWindows.tokens(for: "gemini-1.5-flash-8b") == 1_048_576)
    #expect(KnownContextWindows.tokens(for: "gpt-4o-mini-2024-07-18") == 128_000)
    #expect(KnownContextWindows.tokens(for: "gpt-4.1-mini") == 1_047_576)
  }

  @Test func otherAdaptersAnswerFromTheTableWithoutARequest() async {
    let client = ScriptedHTTPClient([])
    let anthropic = AnthropicProvider(
      settings: F.settings(name: "anthropic", kind: .anthropic, baseURL: "https://api.anthropic.com", apiKey: "sk-ant-x"),
      http: client, now: F.clock)
    #expect(await anthropic.contextWindow(for: "claude-opus-4-1") == 200_000)
    #expect(await anthropic.contextWindow(for: "claude") == nil)
    #expect(client.requests.isEmpty)
  }

  // MARK: The OpenAI-compatible adapter asks its server

  @Test func aLocalServerIsAskedForNCtxThroughProps() async throws {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.propsBody.utf8)))
    #expect(await provider(client).contextWindow(for: "smollm2-135m") == 2048)
    let sent = try #require(client.requests.first)
    #expect(client.requests.count == 1)
    #expect(sent.method == "GET")
    #expect(sent.url.absoluteString == "http://127.0.0.1:8089/props")
    #expect(sent.body == nil)
    #expect(try #require(sent.totalTimeout) <= OpenAICompatibleProvider.contextWindowLookupTimeout)
    #expect(try #require(sent.idleTimeout) <= OpenAICompatibleProvider.contextWindowLookupTimeout)
  }

  @Test func aTopLevelNCtxIsTheFallbackInProps() async {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(#"{"n_ctx":4096,"total_slots":1}"#.utf8)))
    #expect(await provider(client).contextWindow(for: "local-model") == 4096)
  }

  @Test func theAnswerIsCachedPerModel() async {
    let client = ScriptedHTTPClient([
      .respond(status: 200, body: Data(Self.propsBody.utf8)),
      .respond(status: 200, body: Data(#"{"default_generation_settings":{"n_ctx":8192}}"#.utf8)),
    ])
    let provider = provider(client)
    #expect(await provider.contextWindow(for: "smollm2-135m") == 2048)
    #expect(await provider.contextWindow(for: "smollm2-135m") == 2048)
    #expect(client.requests.count == 1)
    #expect(await provider.contextWindow(for: "qwen3-0.6b") == 8192)
    #expect(client.requests.count == 2)
  }

  @Test func concurrentCallersShareOneLookup() async {
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.propsBody.utf8)))
    let provider = provider(client)
    let windows = await withTaskGroup(of: Int?.self) { group in
      for _ in 0..<8 { group.addTask { await provider.contextWindow(for: "smollm2-135m") } }
      return await group.reduce(into: [Int?]()) { $0.append($1) }
    }
    #expect(windows == Array(repeating: 2048, count: 8))
    #expect(client.requests.count == 1)
  }

  @Test func withoutPropsTheModelListsTrainingContextIsUsed() async {
    let client = ScriptedHTTPClient([
      .respond(status: 404, body: Data(#"{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}"#.utf8)),
      .respond(status: 200, body: Data(Self.modelsBody.utf8)),
    ])
    #expect(await provider(client).contextWindow(for: "smollm2-135m") == 8192)
    #expect(client.requests.map(\.url.absoluteString) == ["http://127.0.0.1:8089/props", "http://127.0.0.1:8089/v1/models"])
  }

  @Test func aFailedLookupIsNilAndIsNotRepeated() async {
    let client = ScriptedHTTPClient([
      .fail(.connectionFailed("Connection refused")),
      .respond(status: 200, body: Data(#"{"object":"list","data":[{"id":"llama3.2:3b","object":"model"}]}"#.utf8)),
    ])
    let provider = provider(client)
    #expect(await provider.contextWindow(for: "llama3.2:3b") == nil)
    #expect(await provider.contextWindow(for: "llama3.2:3b") == nil)
    #expect(client.requests.count == 2)
  }

  @Test func aModelMissingFromTheListIsUnknown() async {
    let client = ScriptedHTTPClient([
      .respond(status: 200, body: Data("not json".utf8)),
      .respond(status: 200, body: Data(Self.modelsBody.utf8)),
    ])
    #expect(await provider(client).contextWindow(for: "another-model") == nil)
  }

  @Test func knownModelsAndOpenAIItselfAreNeverAsked() async {
    let client = ScriptedHTTPClient([])
    #expect(await provider(client).contextWindow(for: "gpt-4o-mini") == 128_000)
    #expect(await provider(client, settings: Self.openAI).contextWindow(for: "gpt-4o-mini") == 128_000)
    #expect(await provider(client, settings: Self.openAI).contextWindow(for: "ft:gpt-4o-mini:acme::abc123") == nil)
    #expect(client.requests.isEmpty)
  }

  @Test func theKeyIsSentToTheServer() async throws {
    let settings = F.settings(name: "vllm", kind: .openAI, baseURL: "https://llm.example.com/v1/", apiKey: "sk-local-42")
    let client = ScriptedHTTPClient(.respond(status: 200, body: Data(Self.propsBody.utf8)))
    #expect(await provider(client, settings: settings).contextWindow(for: "served-model") == 2048)
    let sent = try #require(client.requests.first)
    #expect(sent.url.absoluteString == "https://llm.example.com/props")
    #expect(sent.headers["authorization"] == "Bearer sk-local-42")
  }

  // MARK: Wrappers

  struct Windowed: LLMProvider {
    var name: String { "windowed" }
    func complete(_ request: ChatRequest) async throws -> ChatResult {
      ChatResult(text: "", finishReason: .stop, usage: Usage(), model: request.model)
    }
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
      AsyncThrowingStream { $0.finish() }
    }
    func listModels() async throws -> [String] { [] }
    func contextWindow(for model: String) async -> Int? { model == "tiny" ? 512 : nil }
  }

  @Test func theRedactingProviderForwardsToTheWrappedProvider() async {
    let wrapped = RedactingProvider(base: Windowed(), redactor: SecretRedactor(secrets: ["sk-secret-value"]))
    #expect(await wrapped.contextWindow(for: "tiny") == 512)
    #expect(await wrapped.contextWindow(for: "claude-sonnet-4-5") == nil)
    let erased: any LLMProvider = wrapped
    #expect(await erased.contextWindow(for: "tiny") == 512)
  }
}
