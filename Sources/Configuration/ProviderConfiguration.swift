import Foundation
import HTTP
import LLM
import Orchestrator
import Providers
import Secrets

/// The effective configuration: built-in providers from the environment, overridden and extended by the
/// configuration file's `providers`, plus the default model, the roles' models, and the engine's settings
/// (prices, rate limits, `orchestration`). The format and precedence are documented on `ConfigurationFile`
/// and in `docs/configuration.md`.
///
/// Precedence: a file entry's fields beat the built-in's (which come from the environment); a file
/// entry's `apiKey` beats its `apiKeyEnv`. The default model is `BATON_MODEL`, else the file's
/// `defaultModel`, else the first provider of `BuiltInProviders.defaultPreference` whose key is present
/// (with its cheap default model), else `local:smollm2-135m`.
public struct ProviderConfiguration: Sendable {
  /// The roles `roles` may name. The engine owns their meaning.
  public static let knownRoles = ["planner", "worker", "synthesizer", "router"]
  public static let modelVariable = "BATON_MODEL"

  /// Where the default model came from, for `models/list` and diagnostics.
  public enum DefaultModelSource: String, Sendable, Codable {
    case environment, file, apiKeyPresent, localFallback
  }

  public var providers: [String: ProviderSettings]
  public var defaultModel: ModelReference
  public var defaultModelSource: DefaultModelSource
  public var roles: [String: ModelReference]
  /// What the engine runs with: the file's settings over the engine's defaults (see
  /// `EngineConfiguration.init(file:defaultModel:providers:)`), without a state directory; every model it
  /// names has a configured provider.
  public var engine: EngineConfiguration
  /// The file's display name, or nil when no file was found.
  public var sourceFile: String?

  /// Provider names, sorted.
  public var providerNames: [String] { providers.keys.sorted() }

  /// Every configured key, for redacting any text that leaves the provider layer.
  public var redactor: SecretRedactor { SecretRedactor(providers.values.map(\.apiKey)) }

  /// Finds the file (see `ConfigurationFileLocator`), reads it and merges it with the environment.
  public static func load(
    explicitPath: String?, environment: [String: String],
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) throws(ConfigurationError) -> ProviderConfiguration {
    let location = try ConfigurationFileLocator.locate(
      explicitPath: explicitPath, environment: environment, currentDirectory: currentDirectory)
    guard let location else { return try ProviderConfiguration(file: nil, environment: environment) }
    guard let data = FileManager.default.contents(atPath: location.path) else {
      throw ConfigurationError(source: location.displayName, problem: "cannot be read")
    }
    let file = try ConfigurationFile.parse(data, path: location.displayName)
    return try ProviderConfiguration(file: file, environment: environment)
  }

  /// Merges a parsed file (or none) with the built-in providers the environment sets up.
  public init(file: ConfigurationFile?, environment: [String: String]) throws(ConfigurationError) {
    var providers = try BuiltInProviders.settings(environment: environment)
    let source = file?.path ?? ""
    let reader = ConfigurationReader(source: source)
    for (name, entry) in (file?.providers ?? [:]).sorted(by: { $0.key < $1.key }) {
      providers[name] = try Self.merge(
        entry, named: name, into: providers[name], environment: environment, reader: reader)
    }
    self.providers = providers
    let names = providers.keys.sorted()

    func checkProvider(_ reference: ModelReference, at path: String, reader: ConfigurationReader) throws(ConfigurationError) {
      guard providers[reference.provider] != nil else {
        throw reader.error(path, Self.unknownProviderMessage(reference.provider, configured: names))
      }
    }

    if let text = BuiltInProviders.value(Self.modelVariable, in: environment) {
      let environmentReader = ConfigurationReader(source: ConfigurationError.environmentSource)
      let reference = try environmentReader.modelReference(.string(text), at: Self.modelVariable)
      try checkProvider(reference, at: Self.modelVariable, reader: environmentReader)
      defaultModel = reference
      defaultModelSource = .environment
    } else if let reference = file?.defaultModel {
      try checkProvider(reference, at: "defaultModel", reader: reader)
      defaultModel = reference
      defaultModelSource = .file
    } else if let name = BuiltInProviders.defaultPreference.first(where: {
      providers[$0]?.hasAPIKey == true && providers[$0]?.defaultModel != nil
    }), let model = providers[name]?.defaultModel {
      defaultModel = ModelReference(provider: name, model: model)
      defaultModelSource = .apiKeyPresent
    } else {
      defaultModel = ModelReference(provider: BuiltInProviders.localProvider, model: BuiltInProviders.localModel)
      defaultModelSource = .localFallback
    }

    for (role, reference) in (file?.roles ?? [:]).sorted(by: { $0.key < $1.key }) {
      try checkProvider(reference, at: "roles.\(role)", reader: reader)
    }
    for provider in (file?.rateLimits ?? [:]).keys.sorted() where providers[provider] == nil {
      throw reader.error("rateLimits.\(provider)", Self.unknownProviderMessage(provider, configured: names))
    }
    engine = try EngineConfiguration(file: file, defaultModel: defaultModel, providers: names)
    roles = file?.roles ?? [:]
    sourceFile = file?.path
  }

  static func unknownProviderMessage(_ name: String, configured: [String]) -> String {
    "unknown provider '\(name)' (configured: \(configured.joined(separator: ", ")))"
  }

  /// A file entry laid over the built-in of the same name (if any and of the same kind).
  private static func merge(
    _ entry: ProviderEntry, named name: String, into builtIn: ProviderSettings?, environment: [String: String],
    reader: ConfigurationReader
  ) throws(ConfigurationError) -> ProviderSettings {
    let path = "providers.\(name)"
    func at(_ key: String) -> String { reader.join(path, key) }
    guard let kind = entry.kind ?? builtIn?.kind else {
      throw reader.error(at("kind"), "missing (required for a provider that is not built in)")
    }
    let base = builtIn?.kind == kind ? builtIn : nil

    if entry.region != nil, kind != .bedrock { throw reader.error(at("region"), "only applies to kind bedrock") }
    if entry.maxTokensField != nil, kind != .openAI {
      throw reader.error(at("maxTokensField"), "only applies to kind openai")
    }
    if let region = entry.region, !BuiltInProviders.isValidRegion(region) {
      throw reader.error(at("region"), "not an AWS region name")
    }

    let region = kind == .bedrock ? entry.region ?? base?.region ?? "us-east-1" : nil
    let baseURL: URL
    if let url = entry.baseURL {
      baseURL = url
    } else if kind == .bedrock, let region, entry.region != nil || base == nil {
      baseURL = BuiltInProviders.bedrockURL(region: region)
    } else if let url = base?.baseURL {
      baseURL = url
    } else if let url = defaultBaseURL(for: kind, region: region) {
      baseURL = url
    } else {
      throw reader.error(at("baseURL"), "missing (required for an OpenAI-compatible provider that is not built in)")
    }

    var apiKey = base?.apiKey
    var keyVariable = base?.apiKeyEnvironmentVariable
    if let variable = entry.apiKeyEnv {
      keyVariable = variable
      apiKey = BuiltInProviders.value(variable, in: environment).map(Secret.init)
    }
    if let literal = entry.apiKey { apiKey = literal }

    var headers = base?.headers ?? HTTPHeaders()
    for (field, value) in (entry.headers ?? [:]).sorted(by: { $0.key < $1.key }) { headers.set(field, value) }

    return ProviderSettings(
      name: name, kind: kind, baseURL: baseURL, apiKey: apiKey, apiKeyEnvironmentVariable: keyVariable,
      requiresAPIKey: (base?.requiresAPIKey ?? false) || entry.apiKeyEnv != nil || entry.apiKey != nil,
      models: entry.models ?? base?.models ?? [], defaultModel: base?.defaultModel ?? entry.models?.first,
      headers: headers,
      timeout: entry.timeoutSeconds.map(DurationText.duration(seconds:)) ?? base?.timeout ?? ProviderSettings.defaultTimeout,
      idleTimeout: entry.idleTimeoutSeconds.map(DurationText.duration(seconds:)) ?? base?.idleTimeout
        ?? ProviderSettings.defaultIdleTimeout,
      caFile: entry.caFile ?? base?.caFile, region: region,
      tokenLimitField: entry.maxTokensField ?? base?.tokenLimitField ?? .maxTokens,
      defaultMaxTokens: entry.defaultMaxTokens ?? base?.defaultMaxTokens ?? ProviderSettings.defaultMaxOutputTokens)
  }

  /// The official endpoint for kinds that have one; OpenAI-compatible servers are too many to guess.
  private static func defaultBaseURL(for kind: ProviderKind, region: String?) -> URL? {
    switch kind {
    case .openAI: return nil
    case .anthropic: return URL(string: "https://api.anthropic.com")
    case .gemini: return URL(string: "https://generativelanguage.googleapis.com")
    case .bedrock: return BuiltInProviders.bedrockURL(region: region ?? "us-east-1")
    }
  }
}
