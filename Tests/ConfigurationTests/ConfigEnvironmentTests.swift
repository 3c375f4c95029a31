import Foundation
import Testing
@testable import Configuration
@testable import LLM

@Suite struct ConfigEnvironmentTests {
  @Test func builtInsExistWithNoEnvironmentAndDefaultToTheLocalModel() throws {
    let configuration = try ProviderConfiguration(file: nil, environment: [:])
    #expect(
      configuration.providerNames
        == ["anthropic", "bedrock", "gemini", "groq", "local", "ollama", "openai", "openrouter", "together"])
    #expect(configuration.defaultModel == ModelReference(provider: "local", model: "smollm2-135m"))
    #expect(configuration.defaultModelSource == .localFallback)
    #expect(configuration.sourceFile == nil)
    #expect(configuration.providers.values.allSatisfy { !$0.hasAPIKey })

    let local = try #require(configuration.providers["local"])
    #expect(local.kind == .openAI)
    #expect(local.baseURL.absoluteString == "http://127.0.0.1:8089/v1")
    #expect(local.models == ["smollm2-135m"])
    #expect(!local.requiresAPIKey)

    let table: [(String, ProviderKind, String, String?)] = [
      ("openai", .openAI, "https://api.openai.com/v1", "OPENAI_API_KEY"),
      ("anthropic", .anthropic, "https://api.anthropic.com", "ANTHROPIC_API_KEY"),
      ("groq", .openAI, "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
      ("gemini", .gemini, "https://generativelanguage.googleapis.com", "GEMINI_API_KEY"),
      ("bedrock", .bedrock, "https://bedrock-runtime.us-east-1.amazonaws.com", "AWS_BEARER_TOKEN_BEDROCK"),
      ("ollama", .openAI, "http://127.0.0.1:11434/v1", nil),
      ("openrouter", .openAI, "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
      ("together", .openAI, "https://api.together.xyz/v1", "TOGETHER_API_KEY"),
    ]
    for (name, kind, url, variable) in table {
      let settings = try #require(configuration.providers[name])
      #expect(settings.kind == kind, "\(name)")
      #expect(settings.baseURL.absoluteString == url, "\(name)")
      #expect(settings.apiKeyEnvironmentVariable == variable, "\(name)")
      #expect(settings.requiresAPIKey == (variable != nil), "\(name)")
    }
    #expect(configuration.providers["openai"]?.tokenLimitField == .maxCompletionTokens)
    #expect(configuration.providers["groq"]?.tokenLimitField == .maxTokens)
  }

  @Test func keysAndURLsComeFromTheEnvironment() throws {
    let configuration = try ProviderConfiguration(
      file: nil,
      environment: [
        "OPENAI_API_KEY": "sk-o", "OPENAI_BASE_URL": "https://proxy.example.com/openai/v1",
        "ANTHROPIC_API_KEY": "sk-a", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8089",
        "GEMINI_API_KEY": "g", "GROQ_API_KEY": "gq", "AWS_BEARER_TOKEN_BEDROCK": "b", "AWS_REGION": "eu-central-1",
        "OPENROUTER_API_KEY": "or", "TOGETHER_API_KEY": "t", "BATON_LOCAL_URL": "http://127.0.0.1:9999/v1",
      ])
    #expect(configuration.providers["openai"]?.apiKey?.value == "sk-o")
    #expect(configuration.providers["openai"]?.baseURL.absoluteString == "https://proxy.example.com/openai/v1")
    #expect(configuration.providers["anthropic"]?.baseURL.absoluteString == "http://127.0.0.1:8089")
    #expect(configuration.providers["bedrock"]?.baseURL.absoluteString == "https://bedrock-runtime.eu-central-1.amazonaws.com")
    #expect(configuration.providers["bedrock"]?.region == "eu-central-1")
    #expect(configuration.providers["local"]?.baseURL.absoluteString == "http://127.0.0.1:9999/v1")
    for name in ["openai", "anthropic", "gemini", "groq", "bedrock", "openrouter", "together"] {
      #expect(configuration.providers[name]?.hasAPIKey == true, "\(name)")
    }
  }

  @Test(arguments: [
    (["ANTHROPIC_API_KEY": "sk-a"], "anthropic:claude-haiku-4-5"),
    (["ANTHROPIC_API_KEY": "sk-a", "OPENAI_API_KEY": "sk-o"], "openai:gpt-4o-mini"),
    (["GROQ_API_KEY": "gq", "GEMINI_API_KEY": "g"], "gemini:gemini-2.5-flash-lite"),
    (["AWS_BEARER_TOKEN_BEDROCK": "b"], "bedrock:amazon.nova-micro-v1:0"),
    (["OPENAI_API_KEY": ""], "local:smollm2-135m"),
  ])
  func defaultModelIsTheFirstProviderWithAKey(environment: [String: String], expected: String) throws {
    let configuration = try ProviderConfiguration(file: nil, environment: environment)
    #expect(configuration.defaultModel.description == expected)
  }

  @Test func batonModelBeatsTheFileWhichBeatsKeys() throws {
    let file = ConfigurationFile(path: "baton.json", defaultModel: ModelReference(provider: "groq", model: "llama-3.3-70b-versatile"))
    let fromFile = try ProviderConfiguration(file: file, environment: ["OPENAI_API_KEY": "sk-o"])
    #expect(fromFile.defaultModel.description == "groq:llama-3.3-70b-versatile")
    #expect(fromFile.defaultModelSource == .file)

    let fromEnvironment = try ProviderConfiguration(
      file: file, environment: ["OPENAI_API_KEY": "sk-o", "BATON_MODEL": "ollama:llama3.2:3b"])
    #expect(fromEnvironment.defaultModel == ModelReference(provider: "ollama", model: "llama3.2:3b"))
    #expect(fromEnvironment.defaultModelSource == .environment)
  }

  @Test(arguments: [
    (["BATON_MODEL": "gpt-4o"], #"environment: BATON_MODEL: expected "provider:model" (e.g. "openai:gpt-4o-mini"), got "gpt-4o""#),
    (["BATON_MODEL": "azure:gpt-4o"], "environment: BATON_MODEL: unknown provider 'azure' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
    (["OPENAI_BASE_URL": "api.openai.com"], "environment: OPENAI_BASE_URL: expected an http(s) URL with a host"),
    (["AWS_REGION": "us east"], "environment: AWS_REGION: not an AWS region name"),
  ])
  func environmentErrorsNameTheVariable(environment: [String: String], message: String) {
    do {
      _ = try ProviderConfiguration(file: nil, environment: environment)
      Issue.record("configuration should fail")
    } catch {
      #expect(error.description == message)
    }
  }
}
