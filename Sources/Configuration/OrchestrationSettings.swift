import Foundation
import JSON
import LLM
import Orchestrator

/// The configuration file's `orchestration` object: engine settings that requests may still override
/// (`concurrency`, `maxSubtasks`, templates) or that only the configuration sets (fallbacks, retry policy).
/// Every field is optional; an absent one keeps the engine's default. Role models stay in the top-level
/// `roles`; `orchestration.roles` sets everything else about a role.
///
///     "orchestration": {
///       "concurrency": 8, "maxSubtasks": 8, "repairAttempts": 2, "retainedRuns": 100,
///       "roles": {"planner": {"fallbacks": ["openai:gpt-4o-mini"], "maxTokens": 2048, "temperature": 0.2}},
///       "workerModelsByType": {"code": "anthropic:claude-sonnet-4-5"},
///       "retry": {"maxAttempts": 6, "baseDelaySeconds": 0.5, "maxDelaySeconds": 30, "attemptTimeoutSeconds": 120},
///       "templates": {"planner": "...{task}...", "worker": "...", "synthesizer": "..."}
///     }
public struct OrchestrationSettings: Sendable, Equatable {
  /// `orchestration.roles.<role>`: how the role calls its model (the model itself is `roles.<role>`).
  public struct Role: Sendable, Equatable {
    public var fallbacks: [ModelReference]?
    public var maxTokens: Int?
    public var temperature: Double?

    public init(fallbacks: [ModelReference]? = nil, maxTokens: Int? = nil, temperature: Double? = nil) {
      self.fallbacks = fallbacks
      self.maxTokens = maxTokens
      self.temperature = temperature
    }
  }

  /// A per-attempt time limit, or none (`null` in the file: only the HTTP layer's timeouts apply).
  public enum AttemptTimeout: Sendable, Equatable {
    case seconds(Double)
    case unlimited

    var seconds: Double? {
      if case .seconds(let value) = self { return value }
      return nil
    }
  }

  /// `orchestration.retry`.
  public struct Retry: Sendable, Equatable {
    public var maxAttempts: Int?
    public var baseDelaySeconds: Double?
    public var maxDelaySeconds: Double?
    public var attemptTimeout: AttemptTimeout?

    public init(
      maxAttempts: Int? = nil, baseDelaySeconds: Double? = nil, maxDelaySeconds: Double? = nil,
      attemptTimeout: AttemptTimeout? = nil
    ) {
      self.maxAttempts = maxAttempts
      self.baseDelaySeconds = baseDelaySeconds
      self.maxDelaySeconds = maxDelaySeconds
      self.attemptTimeout = attemptTimeout
    }
  }

  public var concurrency: Int?
  public var maxSubtasks: Int?
  public var repairAttempts: Int?
  public var retainedRuns: Int?
  /// Keyed by role name (`ProviderConfiguration.knownRoles`).
  public var roles: [String: Role]
  /// Subtask type → worker model.
  public var workerModelsByType: [String: ModelReference]
  public var retry: Retry
  /// Checked for syntax when the file is read (variables may come from a request's `context`, so they
  /// are checked per run).
  public var templates: PerRole<String>

  public init(
    concurrency: Int? = nil, maxSubtasks: Int? = nil, repairAttempts: Int? = nil, retainedRuns: Int? = nil,
    roles: [String: Role] = [:], workerModelsByType: [String: ModelReference] = [:], retry: Retry = Retry(),
    templates: PerRole<String> = PerRole()
  ) {
    self.concurrency = concurrency
    self.maxSubtasks = maxSubtasks
    self.repairAttempts = repairAttempts
    self.retainedRuns = retainedRuns
    self.roles = roles
    self.workerModelsByType = workerModelsByType
    self.retry = retry
    self.templates = templates
  }

  static let keys = [
    "concurrency", "maxSubtasks", "repairAttempts", "retainedRuns", "roles", "workerModelsByType", "retry", "templates",
  ]
  static let roleKeys = ["fallbacks", "maxTokens", "temperature"]
  static let retryKeys = ["maxAttempts", "baseDelaySeconds", "maxDelaySeconds", "attemptTimeoutSeconds"]
  static let templateKeys = ["planner", "worker", "synthesizer"]

  /// Every model reference with the key path it came from, in a stable order, for the provider check.
  var modelReferences: [(path: String, reference: ModelReference)] {
    var result: [(String, ModelReference)] = []
    for (role, settings) in roles.sorted(by: { $0.key < $1.key }) {
      for (index, reference) in (settings.fallbacks ?? []).enumerated() {
        result.append(("orchestration.roles.\(role).fallbacks[\(index)]", reference))
      }
    }
    for (type, reference) in workerModelsByType.sorted(by: { $0.key < $1.key }) {
      result.append(("orchestration.workerModelsByType.\(type)", reference))
    }
    return result
  }

  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> OrchestrationSettings
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: keys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    var settings = OrchestrationSettings()
    if let value = members["concurrency"] {
      settings.concurrency = try reader.integer(value, within: .concurrency, at: at("concurrency"))
    }
    if let value = members["maxSubtasks"] {
      settings.maxSubtasks = try reader.integer(value, within: .subtaskCount, at: at("maxSubtasks"))
    }
    if let value = members["repairAttempts"] {
      settings.repairAttempts = try reader.integer(value, within: .repairs, at: at("repairAttempts"))
    }
    if let value = members["retainedRuns"] {
      settings.retainedRuns = try reader.integer(value, within: .retainedRuns, at: at("retainedRuns"))
    }
    if let value = members["roles"] {
      let roles = try reader.object(value, at: at("roles"))
      try reader.checkKeys(roles, allowed: ProviderConfiguration.knownRoles, at: at("roles"))
      for (role, entry) in roles {
        settings.roles[role] = try parseRole(entry, named: role, at: reader.join(at("roles"), role), reader: reader)
      }
    }
    if let value = members["workerModelsByType"] {
      for (type, model) in try reader.object(value, at: at("workerModelsByType")) {
        let typePath = reader.join(at("workerModelsByType"), type)
        guard !type.trimmingCharacters(in: .whitespaces).isEmpty else {
          throw reader.error(typePath, "a subtask type must not be empty")
        }
        settings.workerModelsByType[type] = try reader.modelReference(model, at: typePath)
      }
    }
    if let value = members["retry"] { settings.retry = try parseRetry(value, at: at("retry"), reader: reader) }
    if let value = members["templates"] {
      settings.templates = try parseTemplates(value, at: at("templates"), reader: reader)
    }
    return settings
  }

  private static func parseRole(_ value: JSONValue, named role: String, at path: String, reader: ConfigurationReader)
    throws(ConfigurationError) -> Role
  {
    let members = try reader.object(value, at: path)
    if members["model"] != nil {
      throw reader.error(reader.join(path, "model"), "set the role's model in roles.\(role), not here")
    }
    try reader.checkKeys(members, allowed: roleKeys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    var settings = Role()
    if let value = members["fallbacks"] {
      guard case .array(let items) = value else {
        throw reader.error(at("fallbacks"), "expected an array of \"provider:model\" strings, got \(value.typeName)")
      }
      var fallbacks: [ModelReference] = []
      for (index, item) in items.enumerated() {
        fallbacks.append(try reader.modelReference(item, at: "\(at("fallbacks"))[\(index)]"))
      }
      settings.fallbacks = fallbacks
    }
    if let value = members["maxTokens"] {
      settings.maxTokens = try reader.integer(value, within: .outputTokens, at: at("maxTokens"))
    }
    if let value = members["temperature"] {
      settings.temperature = try reader.number(value, within: .temperature, at: at("temperature"))
    }
    return settings
  }

  private static func parseRetry(_ value: JSONValue, at path: String, reader: ConfigurationReader)
    throws(ConfigurationError) -> Retry
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: retryKeys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    var retry = Retry()
    if let value = members["maxAttempts"] {
      retry.maxAttempts = try reader.integer(value, within: .attempts, at: at("maxAttempts"))
    }
    if let value = members["baseDelaySeconds"] {
      retry.baseDelaySeconds = try reader.number(value, within: .delaySeconds, at: at("baseDelaySeconds"))
    }
    if let value = members["maxDelaySeconds"] {
      let maximum = try reader.number(value, within: .delaySeconds, at: at("maxDelaySeconds"))
      if let base = retry.baseDelaySeconds, maximum < base {
        throw reader.error(at("maxDelaySeconds"), "must not be less than baseDelaySeconds (\(base)), got \(maximum)")
      }
      retry.maxDelaySeconds = maximum
    }
    if let value = members["attemptTimeoutSeconds"] {
      retry.attemptTimeout =
        value == .null ? .unlimited : .seconds(try reader.number(value, within: .seconds, at: at("attemptTimeoutSeconds")))
    }
    return retry
  }

  /// Parses each template with the engine's own parser, so a template that would fail every run fails here.
  private static func parseTemplates(_ value: JSONValue, at path: String, reader: ConfigurationReader)
    throws(ConfigurationError) -> PerRole<String>
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: templateKeys, at: path)
    var templates = PerRole<String>()
    for (role, value) in members.sorted(by: { $0.key < $1.key }) {
      let templatePath = reader.join(path, role)
      let source = try reader.nonEmptyString(value, at: templatePath)
      do {
        _ = try PromptTemplate(source, role: role)
      } catch {
        throw reader.error(templatePath, Self.templateProblem(error))
      }
      switch role {
      case "planner": templates.planner = source
      case "worker": templates.worker = source
      default: templates.synthesizer = source
      }
    }
    return templates
  }

  /// The parser's message without its "the <role> template has an" preamble, which the key path already says.
  private static func templateProblem(_ error: any Error) -> String {
    let message = (error as? EngineError)?.message ?? "\(error)"
    guard let range = message.range(of: " template has an ") else { return message }
    return String(message[range.upperBound...])
  }
}
