import Foundation
import JSON
import LLM
import Providers
import Secrets

/// One `providers.<name>` object of the configuration file. Every field is optional: for a built-in
/// name it overrides just those fields; a new name needs `kind` (and `baseURL` for `openai`).
public struct ProviderEntry: Sendable, Equatable {
  public var kind: ProviderKind?
  public var baseURL: URL?
  public var apiKeyEnv: String?
  public var apiKey: Secret?
  public var models: [String]?
  public var headers: [String: String]?
  public var timeoutSeconds: Double?
  public var idleTimeoutSeconds: Double?
  public var caFile: String?
  public var region: String?
  public var maxTokensField: OpenAITokenLimitField?
  public var defaultMaxTokens: Int?

  public init(
    kind: ProviderKind? = nil, baseURL: URL? = nil, apiKeyEnv: String? = nil, apiKey: Secret? = nil,
    models: [String]? = nil, headers: [String: String]? = nil, timeoutSeconds: Double? = nil,
    idleTimeoutSeconds: Double? = nil, caFile: String? = nil, region: String? = nil,
    maxTokensField: OpenAITokenLimitField? = nil, defaultMaxTokens: Int? = nil
  ) {
    self.kind = kind
    self.baseURL = baseURL
    self.apiKeyEnv = apiKeyEnv
    self.apiKey = apiKey
    self.models = models
    self.headers = headers
    self.timeoutSeconds = timeoutSeconds
    self.idleTimeoutSeconds = idleTimeoutSeconds
    self.caFile = caFile
    self.region = region
    self.maxTokensField = maxTokensField
    self.defaultMaxTokens = defaultMaxTokens
  }

  static let keys = [
    "kind", "baseURL", "apiKeyEnv", "apiKey", "models", "headers", "timeoutSeconds", "idleTimeoutSeconds", "caFile",
    "region", "maxTokensField", "defaultMaxTokens",
  ]

  static func parse(_ value: JSONValue, at path: String, reader: ConfigurationReader) throws(ConfigurationError)
    -> ProviderEntry
  {
    let members = try reader.object(value, at: path)
    try reader.checkKeys(members, allowed: keys, at: path)
    func at(_ key: String) -> String { reader.join(path, key) }

    var entry = ProviderEntry()
    if let value = members["kind"] {
      let text = try reader.string(value, at: at("kind"))
      guard let kind = ProviderKind(rawValue: text) else {
        let choices = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw reader.error(at("kind"), "expected one of \(choices), got \"\(text)\"")
      }
      entry.kind = kind
    }
    if let value = members["baseURL"] { entry.baseURL = try reader.httpURL(value, at: at("baseURL")) }
    if let value = members["apiKeyEnv"] { entry.apiKeyEnv = try reader.nonEmptyString(value, at: at("apiKeyEnv")) }
    if let value = members["apiKey"] { entry.apiKey = Secret(try reader.nonEmptyString(value, at: at("apiKey"))) }
    if let value = members["models"] { entry.models = try reader.strings(value, at: at("models")) }
    if let value = members["headers"] { entry.headers = try reader.stringMap(value, at: at("headers")) }
    if let value = members["timeoutSeconds"] {
      entry.timeoutSeconds = try reader.number(value, within: .seconds, at: at("timeoutSeconds"))
    }
    if let value = members["idleTimeoutSeconds"] {
      entry.idleTimeoutSeconds = try reader.number(value, within: .seconds, at: at("idleTimeoutSeconds"))
    }
    if let value = members["caFile"] { entry.caFile = try reader.nonEmptyString(value, at: at("caFile")) }
    if let value = members["region"] { entry.region = try reader.nonEmptyString(value, at: at("region")) }
    if let value = members["maxTokensField"] {
      let text = try reader.string(value, at: at("maxTokensField"))
      guard let field = OpenAITokenLimitField(rawValue: text) else {
        throw reader.error(at("maxTokensField"), "expected \"max_tokens\" or \"max_completion_tokens\", got \"\(text)\"")
      }
      entry.maxTokensField = field
    }
    if let value = members["defaultMaxTokens"] {
      entry.defaultMaxTokens = try reader.integer(value, within: .outputTokens, at: at("defaultMaxTokens"))
    }
    return entry
  }
}
