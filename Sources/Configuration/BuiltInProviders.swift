import Foundation
import LLM
import Providers
import Secrets

/// Providers that work with no configuration file, set up from the environment alone:
///
/// | name | kind | base URL (override) | key | cheap default model |
/// |---|---|---|---|---|
/// | openai | openai | https://api.openai.com/v1 (`OPENAI_BASE_URL`) | `OPENAI_API_KEY` | gpt-4o-mini |
/// | anthropic | anthropic | https://api.anthropic.com (`ANTHROPIC_BASE_URL`) | `ANTHROPIC_API_KEY` | claude-haiku-4-5 |
/// | gemini | gemini | https://generativelanguage.googleapis.com | `GEMINI_API_KEY` | gemini-2.5-flash-lite |
/// | groq | openai | https://api.groq.com/openai/v1 | `GROQ_API_KEY` | llama-3.1-8b-instant |
/// | openrouter | openai | https://openrouter.ai/api/v1 | `OPENROUTER_API_KEY` | openai/gpt-4o-mini |
/// | together | openai | https://api.together.xyz/v1 | `TOGETHER_API_KEY` | meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo |
/// | bedrock | bedrock | https://bedrock-runtime.{`AWS_REGION`, `AWS_DEFAULT_REGION`, us-east-1}.amazonaws.com | `AWS_BEARER_TOKEN_BEDROCK` | amazon.nova-micro-v1:0 |
/// | ollama | openai | http://127.0.0.1:11434/v1 | none | none |
/// | local | openai | http://127.0.0.1:8089/v1 (`BATON_LOCAL_URL`) | none | smollm2-135m |
///
/// `local` is the project's own llama.cpp server (`llama-server --alias smollm2-135m`).
/// Empty environment variables count as unset.
public enum BuiltInProviders {
  /// When neither `BATON_MODEL` nor the file names a default, the first of these with a key present
  /// supplies it; with none, `local:smollm2-135m`.
  public static let defaultPreference = ["openai", "anthropic", "gemini", "groq", "openrouter", "together", "bedrock"]
  public static let localProvider = "local"
  public static let localModel = "smollm2-135m"

  private struct Definition {
    var name: String
    var kind: ProviderKind
    var baseURL: String
    var baseURLVariable: String?
    var keyVariable: String?
    var defaultModel: String?
    /// Listed when the provider has no usable model list endpoint (Bedrock) or is the local server.
    var models: [String] = []
    var tokenLimitField: OpenAITokenLimitField = .maxTokens
  }

  private static let definitions: [Definition] = [
    Definition(
      name: "openai", kind: .openAI, baseURL: "https://api.openai.com/v1", baseURLVariable: "OPENAI_BASE_URL",
      keyVariable: "OPENAI_API_KEY", defaultModel: "gpt-4o-mini", tokenLimitField: .maxCompletionTokens),
    Definition(
      name: "anthropic", kind: .anthropic, baseURL: "https://api.anthropic.com", baseURLVariable: "ANTHROPIC_BASE_URL",
      keyVariable: "ANTHROPIC_API_KEY", defaultModel: "claude-haiku-4-5"),
    Definition(
      name: "gemini", kind: .gemini, baseURL: "https://generativelanguage.googleapis.com", keyVariable: "GEMINI_API_KEY",
      defaultModel: "gemini-2.5-flash-lite"),
    Definition(
      name: "groq", kind: .openAI, baseURL: "https://api.groq.com/openai/v1", keyVariable: "GROQ_API_KEY",
      defaultModel: "llama-3.1-8b-instant"),
    Definition(
      name: "openrouter", kind: .openAI, baseURL: "https://openrouter.ai/api/v1", keyVariable: "OPENROUTER_API_KEY",
      defaultModel: "openai/gpt-4o-mini"),
    Definition(
      name: "together", kind: .openAI, baseURL: "https://api.together.xyz/v1", keyVariable: "TOGETHER_API_KEY",
      defaultModel: "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
    Definition(
      name: "bedrock", kind: .bedrock, baseURL: "", keyVariable: "AWS_BEARER_TOKEN_BEDROCK",
      defaultModel: "amazon.nova-micro-v1:0", models: ["amazon.nova-micro-v1:0"]),
    Definition(name: "ollama", kind: .openAI, baseURL: "http://127.0.0.1:11434/v1"),
    Definition(
      name: localProvider, kind: .openAI, baseURL: "http://127.0.0.1:8089/v1", baseURLVariable: "BATON_LOCAL_URL",
      defaultModel: localModel, models: [localModel]),
  ]

  public static var names: [String] { definitions.map(\.name) }

  /// The built-in providers as the environment sets them up.
  public static func settings(environment: [String: String]) throws(ConfigurationError) -> [String: ProviderSettings] {
    var result: [String: ProviderSettings] = [:]
    for definition in definitions {
      let baseURL: URL
      var region: String?
      if definition.kind == .bedrock {
        let chosen = try bedrockRegion(environment)
        region = chosen.region
        baseURL = bedrockURL(region: chosen.region)
      } else if let variable = definition.baseURLVariable, let text = value(variable, in: environment) {
        guard let url = ConfigurationReader.httpURL(text) else {
          throw ConfigurationError(
            source: ConfigurationError.environmentSource, keyPath: variable, problem: "expected an http(s) URL with a host")
        }
        baseURL = url
      } else {
        baseURL = URL(string: definition.baseURL)!
      }
      let key = definition.keyVariable.flatMap { value($0, in: environment) }
      result[definition.name] = ProviderSettings(
        name: definition.name, kind: definition.kind, baseURL: baseURL, apiKey: key.map(Secret.init),
        apiKeyEnvironmentVariable: definition.keyVariable, requiresAPIKey: definition.keyVariable != nil,
        models: definition.models,
        defaultModel: definition.defaultModel, region: region, tokenLimitField: definition.tokenLimitField)
    }
    return result
  }

  /// `https://bedrock-runtime.{region}.amazonaws.com`.
  static func bedrockURL(region: String) -> URL {
    URL(string: "https://bedrock-runtime.\(region).amazonaws.com")!
  }

  /// Region names are lowercase letters, digits and dashes (`us-east-1`); anything else would build a
  /// wrong host name.
  static func isValidRegion(_ region: String) -> Bool {
    !region.isEmpty && region.allSatisfy { ($0.isASCII && $0.isLowercase) || $0.isNumber || $0 == "-" }
  }

  private static func bedrockRegion(_ environment: [String: String]) throws(ConfigurationError) -> (region: String, variable: String?) {
    for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
      if let region = value(variable, in: environment) {
        guard isValidRegion(region) else {
          throw ConfigurationError(
            source: ConfigurationError.environmentSource, keyPath: variable, problem: "not an AWS region name")
        }
        return (region, variable)
      }
    }
    return ("us-east-1", nil)
  }

  static func value(_ variable: String, in environment: [String: String]) -> String? {
    guard let text = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
      return nil
    }
    return text
  }
}
