import Foundation
import Testing
@testable import Configuration
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ConfigRegistryTests {
  typealias F = ProviderFixtures

  static let environment = [
    "OPENAI_API_KEY": "sk-openai-secret-0001", "ANTHROPIC_API_KEY": "sk-ant-secret-0002",
    "AWS_BEARER_TOKEN_BEDROCK": "bedrock-secret-0003",
  ]
  static let secrets = Array(environment.values)

  /// A provider whose model list is scripted; chat calls are not used by these tests.
  struct ListingProvider: LLMProvider {
    let name: String
    let models: @Sendable () async throws -> [String]

    func complete(_ request: ChatRequest) async throws -> ChatResult {
      throw ProviderError(.badRequest, "not scripted")
    }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
      AsyncThrowingStream { $0.finish(throwing: ProviderError(.badRequest, "not scripted")) }
    }

    func listModels() async throws -> [String] { try await models() }
  }

  func registry(environment: [String: String] = Self.environment, clients: [String: ScriptedHTTPClient] = [:]) throws
    -> ProviderRegistry
  {
    let configuration = try ProviderConfiguration(file: nil, environment: environment)
    return ProviderRegistry(configuration: configuration, httpClient: { clients[$0.name] ?? ScriptedHTTPClient([]) }, now: F.clock)
  }

  // MARK: Resolving

  @Test func resolvesProviderAndModel() throws {
    let registry = try registry()
    let resolved = try registry.resolve("anthropic:claude-sonnet-4-5")
    #expect(resolved.reference == ModelReference(provider: "anthropic", model: "claude-sonnet-4-5"))
    #expect(resolved.provider.name == "anthropic")
    #expect(Self.adapter(resolved.provider) is AnthropicProvider)
    #expect(try registry.resolve("ollama:llama3:8b").reference.model == "llama3:8b")
    #expect(Self.adapter(try registry.resolve("ollama:llama3:8b").provider) is OpenAICompatibleProvider)
    #expect(Self.adapter(try registry.resolve("bedrock:amazon.nova-micro-v1:0").provider) is BedrockProvider)
    #expect(resolved.provider is RedactingProvider, "with keys configured, every adapter's output is redacted")
  }

  /// The adapter behind the redaction every configured provider gets when keys are configured.
  static func adapter(_ provider: any LLMProvider) -> any LLMProvider {
    (provider as? RedactingProvider)?.base ?? provider
  }

  @Test func nilResolvesTheDefaultModel() throws {
    let registry = try registry()
    #expect(registry.defaultModel.description == "openai:gpt-4o-mini")
    #expect(try registry.resolve(nil).reference == registry.defaultModel)
  }

  @Test func rolesResolveToTheirModelOrTheDefault() throws {
    let file = try ConfigurationFile.parse(Data(#"{"roles":{"planner":"anthropic:claude-sonnet-4-5"}}"#.utf8), path: "baton.json")
    let configuration = try ProviderConfiguration(file: file, environment: Self.environment)
    let registry = ProviderRegistry(configuration: configuration, httpClient: { _ in ScriptedHTTPClient([]) })
    #expect(try registry.resolve(role: "planner").reference.description == "anthropic:claude-sonnet-4-5")
    #expect(try registry.resolve(role: "worker").reference.description == "openai:gpt-4o-mini")
  }

  @Test(arguments: [
    ("gpt-4o", "malformed model name 'gpt-4o': expected provider:model, e.g. openai:gpt-4o-mini"),
    (":gpt-4o", "malformed model name ':gpt-4o': expected provider:model, e.g. openai:gpt-4o-mini"),
    ("mistral:large", "unknown provider 'mistral' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
    ("gemini:gemini-2.5-flash", "gemini: no API key for provider 'gemini': set GEMINI_API_KEY"),
  ])
  func unresolvableNamesAreNotConfigured(name: String, description: String) throws {
    let registry = try registry()
    do {
      _ = try registry.resolve(name)
      Issue.record("resolving \(name) should fail")
    } catch let error as ProviderError {
      #expect(error.kind == .notConfigured)
      #expect(error.description == description)
    }
  }

  @Test func providersFromTheFileResolve() throws {
    let file = try ConfigurationFile.parse(
      Data(#"{"providers":{"vllm":{"kind":"openai","baseURL":"http://127.0.0.1:8000/v1","apiKeyEnv":"VLLM_KEY"}}}"#.utf8),
      path: "baton.json")
    let configuration = try ProviderConfiguration(file: file, environment: [:])
    let registry = ProviderRegistry(configuration: configuration, httpClient: { _ in ScriptedHTTPClient([]) })
    do {
      _ = try registry.resolve("vllm:qwen")
      Issue.record("a provider with apiKeyEnv but no key should not resolve")
    } catch let error as ProviderError {
      #expect(error.message == "no API key for provider 'vllm': set VLLM_KEY")
    }
    let withKey = ProviderRegistry(
      configuration: try ProviderConfiguration(file: file, environment: ["VLLM_KEY": "k"]), httpClient: { _ in ScriptedHTTPClient([]) })
    #expect(try withKey.resolve("vllm:qwen").provider.name == "vllm")
  }

  // MARK: Listing

  @Test func listingAsksEndpointsFallsBackAndNeverShowsKeys() async throws {
    let localModels = #"{"object":"list","data":[{"id":"smollm2-135m","object":"model","owned_by":"llamacpp"}]}"#
    let rejected = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key sk-ant-secret-0002"}}"#
    let registry = try registry(clients: [
      "local": ScriptedHTTPClient(.respond(status: 200, body: Data(localModels.utf8))),
      "anthropic": ScriptedHTTPClient(.respond(status: 401, body: Data(rejected.utf8))),
      "openai": ScriptedHTTPClient(.respond(status: 200, body: Data(#"{"object":"list","data":[{"id":"gpt-4o-mini"}]}"#.utf8))),
      "ollama": ScriptedHTTPClient(.fail(.connectionFailed("Connection refused"))),
    ])
    let listings = await registry.listing()
    #expect(listings.map(\.name) == ["anthropic", "bedrock", "gemini", "groq", "local", "ollama", "openai", "openrouter", "together"])
    let byName = Dictionary(uniqueKeysWithValues: listings.map { ($0.name, $0) })

    #expect(byName["local"] == ProviderListing(name: "local", kind: .openAI, baseURL: "http://127.0.0.1:8089/v1", hasKey: false, models: ["smollm2-135m"], modelsSource: .endpoint))
    #expect(byName["openai"]?.models == ["gpt-4o-mini"])
    #expect(byName["openai"]?.hasKey == true)

    let anthropic = try #require(byName["anthropic"])
    #expect(anthropic.modelsSource == .configuration)
    #expect(anthropic.error == "anthropic: invalid x-api-key [REDACTED] (HTTP 401)")

    #expect(byName["ollama"]?.error == "ollama: could not connect: Connection refused")
    #expect(byName["gemini"]?.error == "no API key for provider 'gemini': set GEMINI_API_KEY")
    #expect(byName["gemini"]?.hasKey == false)
    #expect(byName["bedrock"] == ProviderListing(name: "bedrock", kind: .bedrock, baseURL: "https://bedrock-runtime.us-east-1.amazonaws.com", hasKey: true, models: ["amazon.nova-micro-v1:0"], modelsSource: .configuration))

    let encoded = String(decoding: try JSONEncoder().encode(listings), as: UTF8.self)
    for secret in Self.secrets {
      #expect(!encoded.contains(secret))
      #expect(!String(describing: listings).contains(secret))
    }
  }

  @Test func listingGivesUpOnAProviderThatNeverAnswers() async throws {
    let configuration = try ProviderConfiguration(file: nil, environment: [:])
    let registry = ProviderRegistry(configuration: configuration) { settings in
      ListingProvider(name: settings.name) {
        if settings.name == "ollama" {
          try await Task.sleep(for: .seconds(3600))  // cancelled by the deadline
        }
        return ["m"]
      }
    }
    let listings = await registry.listing(timeout: .milliseconds(10))
    let ollama = try #require(listings.first { $0.name == "ollama" })
    #expect(ollama.error?.hasPrefix("ollama: the model list did not arrive within") == true)
    #expect(listings.first { $0.name == "local" }?.models == ["m"])
  }

  @Test func listingStripsCredentialsFromBaseURLs() {
    #expect(ProviderRegistry.displayURL(URL(string: "https://user:pa55@proxy.example.com/v1")!) == "https://proxy.example.com/v1")
  }
}
