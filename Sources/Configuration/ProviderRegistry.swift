import Foundation
import HTTP
import LLM
import Providers
import Secrets
import Timeouts

/// Turns `provider:model` names into ready adapters, one per configured provider, built once.
/// This is the engine's `ModelResolving`; errors are `ProviderError(.notConfigured)` and, like the
/// listing, never contain a key.
public struct ProviderRegistry: ModelResolving {
  public let configuration: ProviderConfiguration
  private let providers: [String: any LLMProvider]
  private let redactor: SecretRedactor

  /// Adapters over HTTP clients from `httpClient`, which is called once per provider so it can honour
  /// per-provider settings such as `caFile`.
  public init(
    configuration: ProviderConfiguration, httpClient: (ProviderSettings) -> any HTTPClient,
    now: @escaping @Sendable () -> Date = { Date() }
  ) {
    self.init(configuration: configuration) { settings in
      ProviderFactory.makeProvider(settings: settings, http: httpClient(settings), now: now)
    }
  }

  /// Providers from `makeProvider`, e.g. scripted fakes in engine tests.
  public init(configuration: ProviderConfiguration, makeProvider: (ProviderSettings) -> any LLMProvider) {
    self.configuration = configuration
    let redactor = configuration.redactor
    self.providers = configuration.providers.mapValues { settings in
      let provider = makeProvider(settings)
      return redactor.isEmpty ? provider : RedactingProvider(base: provider, redactor: redactor)
    }
    self.redactor = redactor
  }

  public var defaultModel: ModelReference { configuration.defaultModel }

  /// The adapter for a provider name, if configured.
  public func provider(named name: String) -> (any LLMProvider)? {
    providers[name]
  }

  /// Resolves `provider:model` (or the default model for nil). Fails with `.notConfigured` for a
  /// malformed name, an unknown provider, or a provider that needs a key and has none.
  public func resolve(_ name: String?) throws -> ResolvedModel {
    let reference: ModelReference
    if let name {
      guard let parsed = ModelReference(parsing: name.trimmingCharacters(in: .whitespaces)) else {
        throw redactor.redact(
          ProviderError(.notConfigured, "malformed model name '\(name)': expected provider:model, e.g. openai:gpt-4o-mini"))
      }
      reference = parsed
    } else {
      reference = defaultModel
    }
    guard let provider = providers[reference.provider], let settings = configuration.providers[reference.provider] else {
      throw redactor.redact(
        ProviderError(
          .notConfigured,
          ProviderConfiguration.unknownProviderMessage(reference.provider, configured: configuration.providerNames)))
    }
    if settings.requiresAPIKey, !settings.hasAPIKey {
      throw ProviderError(.notConfigured, Self.missingKeyMessage(settings), provider: settings.name)
    }
    return ResolvedModel(reference: reference, provider: provider)
  }

  /// The model configured for `role` (`roles` in the file), else the default model.
  public func resolve(role: String) throws -> ResolvedModel {
    try resolve(configuration.roles[role]?.description)
  }

  /// Every provider with its models: from its list endpoint where it has one and a key (when it needs
  /// one), else the configured models with the reason in `error`. Providers are asked concurrently,
  /// each for at most `timeout`. Sorted by name.
  public func listing(timeout: Duration = .seconds(15)) async -> [ProviderListing] {
    await withTaskGroup(of: ProviderListing.self) { group in
      for name in configuration.providerNames {
        guard let settings = configuration.providers[name], let provider = providers[name] else { continue }
        group.addTask { await listing(for: settings, provider: provider, timeout: timeout) }
      }
      var listings: [ProviderListing] = []
      for await listing in group { listings.append(listing) }
      return listings.sorted { $0.name < $1.name }
    }
  }

  private func listing(for settings: ProviderSettings, provider: any LLMProvider, timeout: Duration) async
    -> ProviderListing
  {
    var listing = ProviderListing(
      name: settings.name, kind: settings.kind, baseURL: Self.displayURL(settings.baseURL), hasKey: settings.hasAPIKey,
      models: settings.models, modelsSource: .configuration)
    if settings.kind == .bedrock {
      return listing  // no model list without SigV4: `BedrockProvider.listModels` returns the configured models
    }
    if settings.requiresAPIKey, !settings.hasAPIKey {
      listing.error = Self.missingKeyMessage(settings)
      return listing
    }
    do {
      listing.models = try await Self.withDeadline(timeout, provider: settings.name) { try await provider.listModels() }
      listing.modelsSource = .endpoint
    } catch {
      listing.error = redactor.redact(String(describing: error))
    }
    return listing
  }

  private static func withDeadline(
    _ timeout: Duration, provider: String, _ operation: @escaping @Sendable () async throws -> [String]
  ) async throws -> [String] {
    do {
      return try await withTimeout(after: { try await Task.sleep(for: timeout) }, operation: operation)
    } catch is TimedOut {
      throw ProviderError(.timeout, "the model list did not arrive within \(timeout)", provider: provider)
    }
  }

  static func missingKeyMessage(_ settings: ProviderSettings) -> String {
    let hint = settings.apiKeyEnvironmentVariable.map { ": set \($0)" } ?? ": set apiKeyEnv or apiKey in the configuration"
    return "no API key for provider '\(settings.name)'\(hint)"
  }

  /// The base URL without user or password.
  static func displayURL(_ url: URL) -> String {
    guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
    components.user = nil
    components.password = nil
    return components.string ?? url.absoluteString
  }
}
