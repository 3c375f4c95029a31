import Foundation
import HTTP
import LLM
import Secrets

/// Everything an adapter needs to reach one configured provider. Built by `ProviderConfiguration`
/// from the built-ins, the config file and the environment; adapters never read the environment.
/// Printing a value never shows the key (`apiKey` is a `Secret`).
public struct ProviderSettings: Sendable, Equatable {
  /// The name before the colon in `provider:model`.
  public var name: String
  public var kind: ProviderKind
  /// The API root the adapter appends its paths to (`https://api.openai.com/v1`, `https://api.anthropic.com`).
  public var baseURL: URL
  public var apiKey: Secret?
  /// The environment variable the key is read from, named in "no API key" errors.
  public var apiKeyEnvironmentVariable: String?
  /// Whether calls make sense without a key. Local servers (Ollama, llama.cpp) need none.
  public var requiresAPIKey: Bool
  /// Models the configuration names for this provider: the listing's fallback, and Bedrock's only list.
  public var models: [String]
  /// A cheap model used when this provider is picked as the default because its key is present.
  public var defaultModel: String?
  /// Extra headers sent with every request (e.g. OpenRouter's `HTTP-Referer`).
  public var headers: HTTPHeaders
  /// Upper bound for a whole call, streamed or not.
  public var timeout: Duration
  /// Upper bound for silence between bytes.
  public var idleTimeout: Duration
  /// A PEM bundle to trust instead of the system CAs. The HTTP client factory given to the registry reads it.
  public var caFile: String?
  /// The AWS region (Bedrock only).
  public var region: String?
  /// OpenAI-compatible only: which field carries `maxTokens`.
  public var tokenLimitField: OpenAITokenLimitField
  /// The output token limit sent when a request sets none, for APIs that require one (Anthropic).
  public var defaultMaxTokens: Int

  public static let defaultTimeout: Duration = .seconds(300)
  public static let defaultIdleTimeout: Duration = .seconds(120)
  public static let defaultMaxOutputTokens = 4096

  public init(
    name: String, kind: ProviderKind, baseURL: URL, apiKey: Secret? = nil, apiKeyEnvironmentVariable: String? = nil,
    requiresAPIKey: Bool = false, models: [String] = [], defaultModel: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
    timeout: Duration = ProviderSettings.defaultTimeout, idleTimeout: Duration = ProviderSettings.defaultIdleTimeout,
    caFile: String? = nil, region: String? = nil, tokenLimitField: OpenAITokenLimitField = .maxTokens,
    defaultMaxTokens: Int = ProviderSettings.defaultMaxOutputTokens
  ) {
    self.name = name
    self.kind = kind
    self.baseURL = baseURL
    self.apiKey = apiKey
    self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
    self.requiresAPIKey = requiresAPIKey
    self.models = models
    self.defaultModel = defaultModel
    self.headers = headers
    self.timeout = timeout
    self.idleTimeout = idleTimeout
    self.caFile = caFile
    self.region = region
    self.tokenLimitField = tokenLimitField
    self.defaultMaxTokens = defaultMaxTokens
  }

  public var hasAPIKey: Bool { apiKey != nil }

  /// `baseURL` without a trailing slash, so paths can be appended as `"/chat/completions"`.
  var baseURLString: String {
    var text = baseURL.absoluteString
    while text.hasSuffix("/") { text.removeLast() }
    return text
  }

  /// `baseURLString + path` as a URL; fails with `.notConfigured` when the result is not a URL.
  func url(_ path: String) throws -> URL {
    guard let url = URL(string: baseURLString + path) else {
      throw ProviderError(.notConfigured, "cannot build a URL from the base URL and '\(path)'", provider: name)
    }
    return url
  }
}
