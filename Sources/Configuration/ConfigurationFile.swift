import Foundation
import JSON
import LLM
import Orchestrator

/// The contents of a Baton JSON configuration file, checked but not yet merged with the built-in
/// providers and the environment (`ProviderConfiguration` does that). Every key is optional; unknown
/// keys and wrong types are errors naming the file, the key path and the problem.
///
///     {
///       "defaultModel": "local:smollm2-135m",
///       "providers": {
///         "<name>": {
///           "kind": "openai" | "anthropic" | "gemini" | "bedrock",
///           "baseURL": "https://...",
///           "apiKeyEnv": "OPENAI_API_KEY",
///           "apiKey": "... (discouraged: prefer apiKeyEnv)",
///           "models": ["model-a", "model-b"],
///           "headers": {"HTTP-Referer": "https://example.com"},
///           "timeoutSeconds": 120,
///           "idleTimeoutSeconds": 60,
///           "caFile": "/path/to/ca.pem",
///           "region": "us-east-1",                  (bedrock only)
///           "maxTokensField": "max_tokens" | "max_completion_tokens",   (openai only)
///           "defaultMaxTokens": 4096
///         }
///       },
///       "roles": {"planner": "provider:model", "worker": "...", "synthesizer": "...", "router": "..."},
///       "prices": {"openai:gpt-4o-mini": {"inputPerMTok": 0.15, "outputPerMTok": 0.6}},
///       "rateLimits": {"openai": {"requestsPerMinute": 500, "tokensPerMinute": 200000}},
///       "orchestration": {...}                      (engine settings: see `OrchestrationReader`)
///     }
///
/// The full description, with defaults and precedence, is in `docs/configuration.md`.
public struct ConfigurationFile: Sendable, Equatable {
  /// The path as it was found, used as the source in error messages.
  public var path: String
  public var defaultModel: ModelReference?
  public var providers: [String: ProviderEntry]
  public var roles: [String: ModelReference]
  /// Keyed by `provider:model`.
  public var prices: [ModelReference: ModelPrice]
  /// Keyed by provider name.
  public var rateLimits: [String: RateLimit]
  /// Engine settings; nil when the file has no `orchestration` object. Read when merged with the environment
  /// (`ProviderConfiguration`), over defaults that depend on the default model.
  public var orchestration: JSONValue?

  public init(
    path: String, defaultModel: ModelReference? = nil, providers: [String: ProviderEntry] = [:],
    roles: [String: ModelReference] = [:], prices: [ModelReference: ModelPrice] = [:],
    rateLimits: [String: RateLimit] = [:], orchestration: JSONValue? = nil
  ) {
    self.path = path
    self.defaultModel = defaultModel
    self.providers = providers
    self.roles = roles
    self.prices = prices
    self.rateLimits = rateLimits
    self.orchestration = orchestration
  }

  static let topLevelKeys = ["defaultModel", "providers", "roles", "prices", "rateLimits", "orchestration"]

  /// Parses and checks a configuration file's bytes. `path` names the file in errors.
  public static func parse(_ data: Data, path: String) throws(ConfigurationError) -> ConfigurationFile {
    let reader = ConfigurationReader(source: path)
    let root: JSONValue
    do {
      root = try JSONParser.parse(data, options: .foundationCompatible)
    } catch {
      throw reader.error("", "not valid JSON (\(Self.describe(error)))")
    }
    let members = try reader.object(root, at: "")
    try reader.checkKeys(members, allowed: topLevelKeys, at: "")

    var file = ConfigurationFile(path: path)
    if let value = members["defaultModel"] {
      file.defaultModel = try reader.modelReference(value, at: "defaultModel")
    }
    if let value = members["providers"] {
      for (name, entry) in try reader.object(value, at: "providers") {
        let entryPath = "providers.\(name)"
        guard !name.isEmpty, !name.contains(":") else {
          throw reader.error(entryPath, "a provider name must be non-empty and contain no ':'")
        }
        file.providers[name] = try ProviderEntry.parse(entry, at: entryPath, reader: reader)
      }
    }
    if let value = members["roles"] {
      let roles = try reader.object(value, at: "roles")
      try reader.checkKeys(roles, allowed: ProviderConfiguration.knownRoles, at: "roles")
      for (role, model) in roles {
        file.roles[role] = try reader.modelReference(model, at: "roles.\(role)")
      }
    }
    if let value = members["prices"] {
      for (model, price) in try reader.object(value, at: "prices") {
        let pricePath = "prices.\(model)"
        guard let reference = ModelReference(parsing: model) else {
          throw reader.error(pricePath, "a price key must be \"provider:model\"")
        }
        file.prices[reference] = try ModelPrice.parse(price, at: pricePath, reader: reader)
      }
    }
    if let value = members["rateLimits"] {
      for (provider, limit) in try reader.object(value, at: "rateLimits") {
        file.rateLimits[provider] = try RateLimit.parse(limit, at: "rateLimits.\(provider)", reader: reader)
      }
    }
    if let value = members["orchestration"] {
      file.orchestration = value
    }
    return file
  }

  /// Where the syntax error is, in the words earlier releases used (Foundation's): users and
  /// docs/configuration.md know them. The end of the file has no line: the problem is what is missing.
  private static func describe(_ error: JSONParseError) -> String {
    let problem: String
    switch error.kind {
    case .unexpectedEnd: return "Unexpected end of file during JSON parse."
    case .invalidValue: problem = "Invalid value"
    case .invalidEscape: problem = "Invalid escape sequence"
    case .controlCharacter: problem = "Unescaped control character"
    case .numberOutOfRange: problem = "Number not representable"
    case .tooDeep: problem = "Too many nested arrays or dictionaries"
    }
    return "\(problem) at line \(error.line), column \(error.column)"
  }
}
