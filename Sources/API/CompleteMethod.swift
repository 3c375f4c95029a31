import Foundation
import JSON
import LLM
import Orchestrator
import RPC

/// `complete`: one chat call through Baton's provider layer, optionally streamed.
public enum CompleteMethod: RPCMethod {
  public static let name = "complete"

  public struct Params: Decodable, Sendable {
    /// `provider:model`; the default model when absent.
    public var model: String?
    public var system: String?
    public var messages: [ChatMessage]?
    /// Shorthand for `messages: [{"role":"user","content": prompt}]`.
    public var prompt: String?
    /// A JSON Schema the output must satisfy (provider-native enforcement where available).
    public var schema: JSONValue?
    public var schemaName: String?
    public var maxTokens: Int?
    public var temperature: Double?
    public var stop: [String]?
    public var tools: [ToolDefinition]?
    /// Send the text as `complete/delta` notifications while it is generated.
    public var stream: Bool?
  }

  public typealias Result = ChatResult

  static func handle(_ params: Params, _ context: RequestContext, models: any ModelResolving) async throws -> ChatResult {
    let messages = try Self.messages(params)
    try checkLimits(params)
    let resolved = try models.resolve(params.model)
    let request = ChatRequest(
      model: resolved.reference.model, system: params.system, messages: messages, temperature: params.temperature,
      maxTokens: params.maxTokens, stop: params.stop,
      schema: params.schema.map { OutputSchema(name: params.schemaName ?? "output", schema: $0) }, tools: params.tools)
    guard params.stream == true else { return try await resolved.provider.complete(request) }
    for try await event in resolved.provider.stream(request) {
      switch event {
      case .delta(let text):
        context.notifyAboutRequest(CompleteDeltaNotification.self, .init(text: text))
      case .done(let result):
        return result
      }
    }
    try Task.checkCancellation()
    throw ProviderError(.malformedResponse, "the stream ended without a final result", provider: resolved.reference.provider)
  }

  /// The same rules as every engine method: `FieldLimit` for numbers, an object for a schema.
  private static func checkLimits(_ params: Params) throws {
    do {
      try FieldLimit.outputTokens.check(params.maxTokens, field: "maxTokens")
      try FieldLimit.temperature.check(params.temperature, field: "temperature")
    } catch {
      throw error.engineError
    }
    try SchemaField.check(params.schema, field: "schema")
  }

  private static func messages(_ params: Params) throws -> [ChatMessage] {
    var messages = params.messages ?? []
    if let prompt = params.prompt { messages.append(.user(prompt)) }
    guard !messages.isEmpty else {
      throw RPCError.invalidParams("invalid params: give 'messages' (non-empty) or 'prompt'")
    }
    return messages
  }
}

/// `complete/delta`: generated text of a streaming `complete`, sent before its reply.
public enum CompleteDeltaNotification: RPCNotification {
  public static let name = "complete/delta"

  /// Goes out with `requestId`, the id of the `complete` request this text belongs to.
  public struct Params: Codable, Sendable {
    public var text: String
  }
}
