import Foundation
import JSON
import LLM
import Orchestrator

/// Reads the configuration file's `orchestration` object straight into the engine's configuration: what a key
/// sets is changed, the rest keeps what the engine had. Every model it names must use a configured provider.
///
///     "orchestration": {
///       "concurrency": 8, "maxSubtasks": 8, "repairAttempts": 2, "retainedRuns": 100,
///       "roles": {"planner": {"fallbacks": ["openai:gpt-4o-mini"], "maxTokens": 2048, "temperature": 0.2}},
///       "workerModelsByType": {"code": "anthropic:claude-sonnet-4-5"},
///       "retry": {"maxAttempts": 6, "baseDelaySeconds": 0.5, "maxDelaySeconds": 30, "attemptTimeoutSeconds": 120},
///       "templates": {"planner": "...{task}...", "worker": "...", "synthesizer": "..."}
///     }
///
/// Role models stay in the top-level `roles`; `orchestration.roles` sets everything else about a role.
struct OrchestrationReader {
  let reader: ConfigurationReader
  /// Configured provider names, sorted (for the error that lists them).
  let providers: [String]

  static let keys = [
    "concurrency", "maxSubtasks", "repairAttempts", "retainedRuns", "roles", "workerModelsByType", "retry", "templates",
  ]
  static let roleKeys = ["fallbacks", "maxTokens", "temperature"]
  static let retryKeys = ["maxAttempts", "baseDelaySeconds", "maxDelaySeconds", "attemptTimeoutSeconds"]
  static let templateRoles: [ModelRole] = [.planner, .worker, .synthesizer]

  func read(_ value: JSONValue, at path: String, into engine: inout EngineConfiguration) throws(ConfigurationError) {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: Self.keys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    if let value = members["concurrency"] {
      engine.concurrency = try reader.integer(value, within: .concurrency, at: at("concurrency"))
    }
    if let value = members["maxSubtasks"] {
      engine.maxSubtasks = try reader.integer(value, within: .subtaskCount, at: at("maxSubtasks"))
    }
    if let value = members["repairAttempts"] {
      engine.repairAttempts = try reader.integer(value, within: .repairs, at: at("repairAttempts"))
    }
    if let value = members["retainedRuns"] {
      engine.retainedRuns = try reader.integer(value, within: .retainedRuns, at: at("retainedRuns"))
    }
    if let value = members["roles"] {
      let roles = try reader.object(value, at: at("roles"))
      try reader.checkKeys(roles, allowed: ProviderConfiguration.knownRoles, at: at("roles"))
      for (name, entry) in roles.sorted(by: { $0.key < $1.key }) {
        guard let role = ModelRole(rawValue: name) else { continue }
        try readRole(entry, named: name, at: reader.join(at("roles"), name), into: &engine[role])
      }
    }
    if let value = members["workerModelsByType"] {
      for (type, model) in try reader.object(value, at: at("workerModelsByType")).sorted(by: { $0.key < $1.key }) {
        let typePath = reader.join(at("workerModelsByType"), type)
        guard !type.trimmingCharacters(in: .whitespaces).isEmpty else {
          throw reader.error(typePath, "a subtask type must not be empty")
        }
        engine.workerModelsByType[type] = try configuredModel(model, at: typePath)
      }
    }
    if let value = members["retry"] { try readRetry(value, at: at("retry"), into: &engine.retry) }
    if let value = members["templates"] { try readTemplates(value, at: at("templates"), into: &engine.templates) }
  }

  private func readRole(_ value: JSONValue, named name: String, at path: String, into role: inout RoleConfiguration)
    throws(ConfigurationError)
  {
    let members = try reader.object(value, at: path)
    if members["model"] != nil {
      throw reader.error(reader.join(path, "model"), "set the role's model in roles.\(name), not here")
    }
    try reader.checkKeys(members, allowed: Self.roleKeys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    if let value = members["fallbacks"] {
      guard case .array(let items) = value else {
        throw reader.error(at("fallbacks"), "expected an array of \"provider:model\" strings, got \(value.typeName)")
      }
      var fallbacks: [String] = []
      for (index, item) in items.enumerated() {
        fallbacks.append(try configuredModel(item, at: "\(at("fallbacks"))[\(index)]"))
      }
      role.fallbacks = fallbacks
    }
    if let value = members["maxTokens"] {
      role.maxTokens = try reader.integer(value, within: .outputTokens, at: at("maxTokens"))
    }
    if let value = members["temperature"] {
      role.temperature = try reader.number(value, within: .temperature, at: at("temperature"))
    }
  }

  private func readRetry(_ value: JSONValue, at path: String, into retry: inout RetryPolicy)
    throws(ConfigurationError)
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: Self.retryKeys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    if let value = members["maxAttempts"] {
      retry.maxAttempts = try reader.integer(value, within: .attempts, at: at("maxAttempts"))
    }
    // Only a base the file sets bounds the maximum: a small maximum alone just lowers every wait.
    var base: Double?
    if let value = members["baseDelaySeconds"] {
      let value = try reader.number(value, within: .delaySeconds, at: at("baseDelaySeconds"))
      retry.baseDelaySeconds = value
      base = value
    }
    if let value = members["maxDelaySeconds"] {
      let maximum = try reader.number(value, within: .delaySeconds, at: at("maxDelaySeconds"))
      if let base, maximum < base {
        throw reader.error(at("maxDelaySeconds"), "must not be less than baseDelaySeconds (\(base)), got \(maximum)")
      }
      retry.maxDelaySeconds = maximum
    }
    if let value = members["attemptTimeoutSeconds"] {
      // `null` turns the limit off: only the provider's HTTP timeouts apply.
      retry.attemptTimeoutSeconds =
        value == .null ? nil : try reader.number(value, within: .seconds, at: at("attemptTimeoutSeconds"))
    }
  }

  /// Parses each template with the engine's own parser, so a template that would fail every run fails here.
  /// Variables are checked per run: they may come from a request's `context`.
  private func readTemplates(_ value: JSONValue, at path: String, into templates: inout PerRole<String>)
    throws(ConfigurationError)
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: Self.templateRoles.map(\.rawValue), at: path)
    for (name, value) in members.sorted(by: { $0.key < $1.key }) {
      guard let role = ModelRole(rawValue: name) else { continue }
      let templatePath = reader.join(path, name)
      let source = try reader.nonEmptyString(value, at: templatePath)
      do {
        _ = try PromptTemplate(source, role: name)
      } catch {
        throw reader.error(templatePath, Self.templateProblem(error))
      }
      templates[role] = source
    }
  }

  /// `provider:model` naming a configured provider, as the engine spells it.
  private func configuredModel(_ value: JSONValue, at path: String) throws(ConfigurationError) -> String {
    let reference = try reader.modelReference(value, at: path)
    guard providers.contains(reference.provider) else {
      throw reader.error(path, ProviderConfiguration.unknownProviderMessage(reference.provider, configured: providers))
    }
    return reference.description
  }

  /// The parser's message without its "the <role> template has an" preamble, which the key path already says.
  private static func templateProblem(_ error: any Error) -> String {
    let message = (error as? EngineError)?.message ?? "\(error)"
    guard let range = message.range(of: " template has an ") else { return message }
    return String(message[range.upperBound...])
  }
}
