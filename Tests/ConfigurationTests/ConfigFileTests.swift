import Foundation
import Testing
@testable import Configuration
@testable import LLM

@Suite struct ConfigFileTests {
  static let example = """
    {
      "defaultModel": "local:smollm2-135m",
      "providers": {
        "openai": {"apiKeyEnv": "MY_OPENAI_KEY", "timeoutSeconds": 120, "idleTimeoutSeconds": 60.5},
        "vllm": {"kind": "openai", "baseURL": "http://10.1.2.3:8000/v1", "models": ["qwen2.5-7b"],
                 "headers": {"X-Team": "search"}, "caFile": "/etc/ssl/internal.pem"},
        "claude": {"kind": "anthropic", "apiKey": "sk-ant-literal-key", "defaultMaxTokens": 8192},
        "bedrock": {"region": "eu-west-1", "models": ["anthropic.claude-3-haiku-20240307-v1:0"]}
      },
      "roles": {"planner": "claude:claude-sonnet-4-5", "worker": "vllm:qwen2.5-7b",
                "synthesizer": "openai:gpt-4o", "router": "local:smollm2-135m"},
      "prices": {"openai:gpt-4o-mini": {"inputPerMTok": 0.15, "outputPerMTok": 0.6}},
      "rateLimits": {"openai": {"requestsPerMinute": 500, "tokensPerMinute": 200000}}
    }
    """

  @Test func parsesTheDocumentedShape() throws {
    let file = try ConfigurationFile.parse(Data(Self.example.utf8), path: "baton.json")
    #expect(file.defaultModel == ModelReference(provider: "local", model: "smollm2-135m"))
    #expect(file.providers["openai"] == ProviderEntry(apiKeyEnv: "MY_OPENAI_KEY", timeoutSeconds: 120, idleTimeoutSeconds: 60.5))
    #expect(
      file.providers["vllm"]
        == ProviderEntry(
          kind: .openAI, baseURL: URL(string: "http://10.1.2.3:8000/v1"), models: ["qwen2.5-7b"],
          headers: ["X-Team": "search"], caFile: "/etc/ssl/internal.pem"))
    #expect(file.providers["claude"]?.apiKey?.value == "sk-ant-literal-key")
    #expect(file.providers["claude"]?.defaultMaxTokens == 8192)
    #expect(file.roles["planner"] == ModelReference(provider: "claude", model: "claude-sonnet-4-5"))
    #expect(file.roles.count == 4)
    #expect(file.prices[ModelReference(provider: "openai", model: "gpt-4o-mini")] == ModelPrice(inputPerMTok: 0.15, outputPerMTok: 0.6))
    #expect(file.rateLimits["openai"]?.requestsPerMinute == 500)
    #expect(file.rateLimits["openai"]?.tokensPerMinute == 200000)
  }

  @Test func mergesOverTheBuiltInsAndTheEnvironment() throws {
    let file = try ConfigurationFile.parse(Data(Self.example.utf8), path: "baton.json")
    let configuration = try ProviderConfiguration(
      file: file, environment: ["MY_OPENAI_KEY": "sk-from-my-var", "OPENAI_API_KEY": "sk-ignored"])

    let openAI = try #require(configuration.providers["openai"])
    #expect(openAI.apiKey?.value == "sk-from-my-var")
    #expect(openAI.apiKeyEnvironmentVariable == "MY_OPENAI_KEY")
    #expect(openAI.baseURL.absoluteString == "https://api.openai.com/v1")
    #expect(openAI.timeout == .seconds(120))
    #expect(openAI.idleTimeout == .milliseconds(60500))
    #expect(openAI.tokenLimitField == .maxCompletionTokens)

    let vllm = try #require(configuration.providers["vllm"])
    #expect(vllm.kind == .openAI)
    #expect(vllm.apiKey == nil)
    #expect(!vllm.requiresAPIKey)
    #expect(vllm.headers["x-team"] == "search")
    #expect(vllm.caFile == "/etc/ssl/internal.pem")
    #expect(vllm.tokenLimitField == .maxTokens)

    let claude = try #require(configuration.providers["claude"])
    #expect(claude.baseURL.absoluteString == "https://api.anthropic.com")
    #expect(claude.requiresAPIKey && claude.hasAPIKey)
    #expect(claude.defaultMaxTokens == 8192)

    let bedrock = try #require(configuration.providers["bedrock"])
    #expect(bedrock.baseURL.absoluteString == "https://bedrock-runtime.eu-west-1.amazonaws.com")
    #expect(bedrock.region == "eu-west-1")
    #expect(bedrock.models == ["anthropic.claude-3-haiku-20240307-v1:0"])

    #expect(configuration.defaultModel == ModelReference(provider: "local", model: "smollm2-135m"))
    #expect(configuration.defaultModelSource == .file)
    #expect(configuration.roles["worker"] == ModelReference(provider: "vllm", model: "qwen2.5-7b"))
    #expect(configuration.engine.rateLimits["openai"]?.requestsPerMinute == 500)
    #expect(configuration.engine.prices["openai:gpt-4o-mini"] == ModelPrice(inputPerMTok: 0.15, outputPerMTok: 0.6))
    #expect(configuration.sourceFile == "baton.json")
    #expect(configuration.providerNames.contains("vllm") && configuration.providerNames.contains("local"))
  }

  @Test(arguments: [
    (#"{"providers":{"openai":{"baseURL":42}}}"#, "baton.json: providers.openai.baseURL: expected a string, got number"),
    (#"{"provider":{}}"#, "baton.json: provider: unknown key (expected one of: defaultModel, providers, roles, prices, rateLimits, orchestration)"),
    (#"{"providers":{"openai":{"colour":"blue"}}}"#, "baton.json: providers.openai.colour: unknown key (expected one of: kind, baseURL, apiKeyEnv, apiKey, models, headers, timeoutSeconds, idleTimeoutSeconds, caFile, region, maxTokensField, defaultMaxTokens)"),
    (#"{"providers":{"x":{"kind":"cohere"}}}"#, #"baton.json: providers.x.kind: expected one of openai, anthropic, gemini, bedrock, got "cohere""#),
    (#"{"providers":{"x":{"kind":"openai","baseURL":"ftp://host/v1"}}}"#, "baton.json: providers.x.baseURL: expected an http(s) URL with a host"),
    (#"{"providers":{"x":{"kind":"openai","models":["a",3]}}}"#, "baton.json: providers.x.models[1]: expected a string, got number"),
    (#"{"providers":{"x":{"kind":"openai","headers":{"A":true}}}}"#, "baton.json: providers.x.headers.A: expected a string, got boolean"),
    (#"{"providers":{"openai":{"timeoutSeconds":0}}}"#, "baton.json: providers.openai.timeoutSeconds: must be greater than 0 and at most 31536000 (a year), got 0"),
    (#"{"providers":{"openai":{"maxTokensField":"tokens"}}}"#, #"baton.json: providers.openai.maxTokensField: expected "max_tokens" or "max_completion_tokens", got "tokens""#),
    (#"{"providers":{"a:b":{"kind":"openai"}}}"#, "baton.json: providers.a:b: a provider name must be non-empty and contain no ':'"),
    (#"{"providers":[]}"#, "baton.json: providers: expected an object, got array"),
    (#"{"defaultModel":"gpt-4o"}"#, #"baton.json: defaultModel: expected "provider:model" (e.g. "openai:gpt-4o-mini"), got "gpt-4o""#),
    (#"{"roles":{"judge":"openai:gpt-4o"}}"#, "baton.json: roles.judge: unknown key (expected one of: planner, worker, synthesizer, router)"),
    (#"{"roles":{"planner":7}}"#, "baton.json: roles.planner: expected a string, got number"),
    (#"{"prices":{"openai:gpt-4o-mini":{"inputPerMTok":"cheap","outputPerMTok":1}}}"#, "baton.json: prices.openai:gpt-4o-mini.inputPerMTok: expected a number, got string"),
    (#"{"prices":{"openai:gpt-4o-mini":{"inputPerMTok":1}}}"#, "baton.json: prices.openai:gpt-4o-mini.outputPerMTok: missing"),
    (#"{"prices":{"gpt-4o-mini":{"inputPerMTok":1,"outputPerMTok":2}}}"#, #"baton.json: prices.gpt-4o-mini: a price key must be "provider:model""#),
    (#"{"rateLimits":{"openai":{"requestsPerMinute":1.5}}}"#, "baton.json: rateLimits.openai.requestsPerMinute: expected a whole number, got 1.5"),
    (#"{"providers":{"openai":{"idleTimeoutSeconds":1e300}}}"#, "baton.json: providers.openai.idleTimeoutSeconds: must be greater than 0 and at most 31536000 (a year), got 1e+300"),
    (#"{"providers":{"openai":{"defaultMaxTokens":9223372036854775807}}}"#, "baton.json: providers.openai.defaultMaxTokens: must be between 1 and 1000000, got 9223372036854775807"),
    (#"{"prices":{"openai:gpt-4o":{"inputPerMTok":1e300,"outputPerMTok":1}}}"#, "baton.json: prices.openai:gpt-4o.inputPerMTok: must be between 0 and 1000000, got 1e+300"),
    (#"{"rateLimits":{"openai":{"tokensPerMinute":1e300}}}"#, "baton.json: rateLimits.openai.tokensPerMinute: must be between 1 and 1000000000000, got 1e+300"),
    (#"{"rateLimits":{"openai":{"requestsPerMinute":0}}}"#, "baton.json: rateLimits.openai.requestsPerMinute: must be between 1 and 1000000000000, got 0"),
    ("[1,2]", "baton.json: expected an object, got array"),
  ])
  func fileErrorsNameTheFileTheKeyPathAndTheProblem(json: String, message: String) {
    #expect(throws: ConfigurationError.self) { try ConfigurationFile.parse(Data(json.utf8), path: "baton.json") }
    do {
      _ = try ConfigurationFile.parse(Data(json.utf8), path: "baton.json")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test(arguments: [
    ("{\"providers\": {\n  \"a\": x}", "/etc/baton.json: not valid JSON (Invalid value at line 2, column 8)"),
    (#"{"providers": {"#, "/etc/baton.json: not valid JSON (Unexpected end of file during JSON parse.)"),
  ])
  func syntaxErrorsSayWhere(json: String, message: String) {
    do {
      _ = try ConfigurationFile.parse(Data(json.utf8), path: "/etc/baton.json")
      Issue.record("parsing should fail")
    } catch {
      #expect(error.source == "/etc/baton.json")
      #expect(error.description == message)
    }
  }

  @Test(arguments: [
    (#"{"providers":{"vllm":{"baseURL":"http://h/v1"}}}"#, "baton.json: providers.vllm.kind: missing (required for a provider that is not built in)"),
    (#"{"providers":{"vllm":{"kind":"openai"}}}"#, "baton.json: providers.vllm.baseURL: missing (required for an OpenAI-compatible provider that is not built in)"),
    (#"{"providers":{"openai":{"region":"us-west-2"}}}"#, "baton.json: providers.openai.region: only applies to kind bedrock"),
    (#"{"providers":{"bedrock":{"region":"US West"}}}"#, "baton.json: providers.bedrock.region: not an AWS region name"),
    (#"{"providers":{"anthropic":{"maxTokensField":"max_tokens"}}}"#, "baton.json: providers.anthropic.maxTokensField: only applies to kind openai"),
    (#"{"defaultModel":"nope:model"}"#, "baton.json: defaultModel: unknown provider 'nope' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
    (#"{"roles":{"worker":"vllm:qwen"}}"#, "baton.json: roles.worker: unknown provider 'vllm' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
    (#"{"rateLimits":{"azure":{"requestsPerMinute":5}}}"#, "baton.json: rateLimits.azure: unknown provider 'azure' (configured: anthropic, bedrock, gemini, groq, local, ollama, openai, openrouter, together)"),
  ])
  func mergeErrorsNameTheFileTheKeyPathAndTheProblem(json: String, message: String) throws {
    let file = try ConfigurationFile.parse(Data(json.utf8), path: "baton.json")
    do {
      _ = try ProviderConfiguration(file: file, environment: [:])
      Issue.record("merging should fail")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test func errorsNeverQuoteTheKey() throws {
    let json = #"{"providers":{"openai":{"apiKey":"sk-secret-value-123","apiKeyEnv":7}}}"#
    do {
      _ = try ConfigurationFile.parse(Data(json.utf8), path: "baton.json")
      Issue.record("parsing should fail")
    } catch {
      #expect(error.description == "baton.json: providers.openai.apiKeyEnv: expected a string, got number")
      #expect(!error.description.contains("sk-secret"))
    }
  }
}
