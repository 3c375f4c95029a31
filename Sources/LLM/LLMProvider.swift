import Foundation

/// One LLM API (OpenAI-compatible, Anthropic, Gemini, Bedrock, or a test fake).
/// Implementations throw `ProviderError` for every failure they can classify.
public protocol LLMProvider: Sendable {
  /// The configured name used before the colon in `provider:model` (e.g. "openai", "local").
  var name: String { get }
  /// One whole call.
  func complete(_ request: ChatRequest) async throws -> ChatResult
  /// One streamed call: `.delta` events, then exactly one `.done` with the same result `complete` gives.
  func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error>
  /// The models the provider offers, from its model list endpoint where it has one.
  func listModels() async throws -> [String]
  /// The model's context window in tokens, when the provider can tell; nil when unknown.
  /// Never throws: a provider that cannot find out answers nil.
  func contextWindow(for model: String) async -> Int?
}

extension LLMProvider {
  /// The built-in table (`KnownContextWindows`); adapters that can ask their server override this.
  public func contextWindow(for model: String) async -> Int? {
    KnownContextWindows.tokens(for: model)
  }
}

/// A model name split into its provider and the provider's own model id: `anthropic:claude-sonnet-4-5`.
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
  public var provider: String
  public var model: String

  public init(provider: String, model: String) {
    self.provider = provider
    self.model = model
  }

  /// Parses `provider:model`. The model part may itself contain colons (`ollama:llama3:8b`).
  public init?(parsing text: String) {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let provider = String(text[..<colon])
    let model = String(text[text.index(after: colon)...])
    guard !provider.isEmpty, !model.isEmpty else { return nil }
    self.init(provider: provider, model: model)
  }

  public var description: String { "\(provider):\(model)" }
}

/// A provider ready to call, with the model id to put in requests.
public struct ResolvedModel: Sendable {
  public var reference: ModelReference
  public var provider: any LLMProvider

  public init(reference: ModelReference, provider: any LLMProvider) {
    self.reference = reference
    self.provider = provider
  }
}

/// Turns model names into callable providers. The engine depends on this, not on configuration.
public protocol ModelResolving: Sendable {
  /// The model used when a request names none (`BATON_MODEL`, config `defaultModel`, else the local model).
  var defaultModel: ModelReference { get }
  /// Resolves `name` (`provider:model`), or the default when nil; throws `ProviderError(.notConfigured)`.
  func resolve(_ name: String?) throws -> ResolvedModel
}
