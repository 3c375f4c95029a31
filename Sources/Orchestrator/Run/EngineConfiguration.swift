import Foundation
import LLM

/// How one role calls its model.
public struct RoleConfiguration: Sendable, Equatable {
  /// `provider:model`; nil uses the resolver's default model.
  public var model: String?
  /// Tried in order after the model exhausts its attempts, or at once on an error retrying cannot fix
  /// (authentication, not configured, bad request).
  public var fallbacks: [String]
  /// The output cap sent with each call; also what budgets and token pacing assume the call may produce.
  /// For the planner, nil sizes the cap to the plan asked for (150 tokens per subtask).
  public var maxTokens: Int?
  public var temperature: Double?

  public init(model: String? = nil, fallbacks: [String] = [], maxTokens: Int? = nil, temperature: Double? = nil) {
    self.model = model
    self.fallbacks = fallbacks
    self.maxTokens = maxTokens
    self.temperature = temperature
  }
}

/// Everything the engine needs besides providers, clock and randomness. The defaults are the engine's own;
/// the Configuration target reads `baton.json` over them (docs/configuration.md).
public struct EngineConfiguration: Sendable, Equatable {
  public var planner: RoleConfiguration
  public var worker: RoleConfiguration
  public var synthesizer: RoleConfiguration
  public var router: RoleConfiguration
  /// Worker model by subtask `type`: cheap models for simple kinds of work, strong ones for hard ones.
  public var workerModelsByType: [String: String]
  /// Worker calls in flight per run, unless the request says otherwise.
  public var concurrency: Int
  /// The most subtasks a planner is asked for, unless the request says otherwise.
  public var maxSubtasks: Int
  /// How often an unusable plan or structured output is sent back for repair.
  public var repairAttempts: Int
  /// Known allowances by provider name. Providers without an entry are paced by what they reveal.
  public var rateLimits: [String: RateLimit]
  /// USD per million tokens by model id or `provider:model`.
  public var prices: [String: ModelPrice]
  public var retry: RetryPolicy
  /// Templates overriding the built-in prompts; a role left nil keeps the built-in. Variables each can use
  /// besides the keys of a request's `context` (dotted paths reach into objects):
  /// - planner: `{task}`, `{context}`, `{instructions}`, `{minSubtasks}`, `{maxSubtasks}`, `{example}`
  /// - worker: `{task}`, `{context}`, `{instructions}`, `{subtask}`, `{subtaskId}`, `{subtaskName}`,
  ///   `{subtaskDescription}`, `{params}`, `{dependencies}`
  /// - synthesizer: `{task}`, `{context}`, `{instructions}`, `{results}`, `{missing}`, `{format}`, `{style}`
  ///
  /// Text from outside the engine's control (task, context values, subtask descriptions, outputs) is inserted
  /// delimited as `<input name="…">…</input>`.
  public var templates: PerRole<String>
  /// Where run journals go (`<stateDirectory>/runs/<runId>.jsonl`); nil keeps no journal.
  public var stateDirectory: String?
  /// Finished runs kept in memory for `runs/get`; older ones are read back from their journals.
  public var retainedRuns: Int

  public init(
    planner: RoleConfiguration = RoleConfiguration(temperature: 0.2),
    worker: RoleConfiguration = RoleConfiguration(maxTokens: 1024),
    synthesizer: RoleConfiguration = RoleConfiguration(maxTokens: 2048),
    router: RoleConfiguration = RoleConfiguration(maxTokens: 64, temperature: 0),
    workerModelsByType: [String: String] = [:], concurrency: Int = 8, maxSubtasks: Int = 8, repairAttempts: Int = 2,
    rateLimits: [String: RateLimit] = [:], prices: [String: ModelPrice] = ModelPrice.defaults,
    retry: RetryPolicy = RetryPolicy(), templates: PerRole<String> = PerRole(), stateDirectory: String? = nil,
    retainedRuns: Int = 100
  ) {
    self.planner = planner
    self.worker = worker
    self.synthesizer = synthesizer
    self.router = router
    self.workerModelsByType = workerModelsByType
    self.concurrency = concurrency
    self.maxSubtasks = maxSubtasks
    self.repairAttempts = repairAttempts
    self.rateLimits = rateLimits
    self.prices = prices
    self.retry = retry
    self.templates = templates
    self.stateDirectory = stateDirectory
    self.retainedRuns = retainedRuns
  }

  package subscript(role: ModelRole) -> RoleConfiguration {
    get {
      switch role {
      case .planner: return planner
      case .worker: return worker
      case .synthesizer: return synthesizer
      case .router: return router
      }
    }
    set {
      switch role {
      case .planner: planner = newValue
      case .worker: worker = newValue
      case .synthesizer: synthesizer = newValue
      case .router: router = newValue
      }
    }
  }

  /// Candidate models for a call, most specific first: the request's choice, then the subtask type's,
  /// then the role's; its fallbacks follow. nil stands for the resolver's default.
  func candidates(for role: ModelRole, requested: String?, subtaskType: String? = nil) -> [String?] {
    let settings = self[role]
    let typed = role == .worker ? subtaskType.flatMap { workerModelsByType[$0] } : nil
    let primary: String? = requested ?? typed ?? settings.model
    var list: [String?] = [primary]
    for fallback in settings.fallbacks where !list.contains(fallback) { list.append(fallback) }
    return list
  }
}
