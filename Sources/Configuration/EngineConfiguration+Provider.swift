import Foundation
import Orchestrator

extension EngineConfiguration {
  /// The engine configuration a provider configuration describes, laid over the defaults in this order
  /// (later wins): the engine's defaults; short output limits when the default model is the bundled
  /// local one; the file's `roles`, `prices` and `rateLimits`; its `orchestration` settings.
  public init(configuration: ProviderConfiguration, stateDirectory: String? = nil) {
    self.init()
    if configuration.defaultModel.provider == BuiltInProviders.localProvider {
      // The bundled 135M model rambles until the limit: short answers keep the demo quick and readable.
      worker.maxTokens = 320
      synthesizer.maxTokens = 480
    }
    for role in ModelRole.allCases {
      if let model = configuration.roles[role.rawValue] { self[role].model = model.description }
    }
    for (model, price) in configuration.prices { prices[model.description] = price }
    rateLimits.merge(configuration.rateLimits) { _, configured in configured }
    apply(configuration.orchestration)
    self.stateDirectory = stateDirectory
  }

  /// Sets what `settings` sets and leaves the rest alone.
  public mutating func apply(_ settings: OrchestrationSettings) {
    if let value = settings.concurrency { concurrency = value }
    if let value = settings.maxSubtasks { maxSubtasks = value }
    if let value = settings.repairAttempts { repairAttempts = value }
    if let value = settings.retainedRuns { retainedRuns = value }
    for role in ModelRole.allCases {
      guard let configured = settings.roles[role.rawValue] else { continue }
      if let fallbacks = configured.fallbacks { self[role].fallbacks = fallbacks.map(\.description) }
      if let value = configured.maxTokens { self[role].maxTokens = value }
      if let value = configured.temperature { self[role].temperature = value }
    }
    for (type, model) in settings.workerModelsByType { workerModelsByType[type] = model.description }
    if let value = settings.retry.maxAttempts { retry.maxAttempts = value }
    if let value = settings.retry.baseDelaySeconds { retry.baseDelaySeconds = value }
    if let value = settings.retry.maxDelaySeconds { retry.maxDelaySeconds = value }
    if let value = settings.retry.attemptTimeout { retry.attemptTimeoutSeconds = value.seconds }
    templates = settings.templates.overriding(templates)
  }

  private subscript(role: ModelRole) -> RoleConfiguration {
    get { self.role(role) }
    set {
      switch role {
      case .planner: planner = newValue
      case .worker: worker = newValue
      case .synthesizer: synthesizer = newValue
      case .router: router = newValue
      }
    }
  }
}
