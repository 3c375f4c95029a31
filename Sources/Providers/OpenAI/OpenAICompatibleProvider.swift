import Foundation
import HTTP
import LLM

/// OpenAI Chat Completions and every server that speaks it: OpenAI, Groq, Ollama, llama.cpp, vLLM,
/// OpenRouter, Together. `POST {baseURL}/chat/completions` with `Authorization: Bearer <key>` (no
/// header at all when there is no key, as local servers expect); `GET {baseURL}/models` lists models;
/// context windows come from the built-in table, else from the server (`OpenAIContextWindow.swift`).
/// The request id comes from the `x-request-id` header, else the body's `id`.
public struct OpenAICompatibleProvider: LLMProvider {
  public let settings: ProviderSettings
  let transport: ProviderTransport
  /// What the server said about context windows (`contextWindow(for:)`), shared by copies.
  let contextWindowLookups = ContextWindowLookups()

  public init(settings: ProviderSettings, http: any HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
    self.settings = settings
    self.transport = ProviderTransport(settings: settings, http: http, requestIdHeader: "x-request-id", now: now)
  }

  public var name: String { settings.name }

  public func complete(_ request: ChatRequest) async throws -> ChatResult {
    let httpRequest = try transport.prepare { try makeHTTPRequest(for: request, streaming: false) }
    return try await transport.complete(httpRequest, for: request) { response in
      try result(from: transport.decode(OpenAIChatCompletion.self, from: response), requestedModel: request.model)
    }
  }

  public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    do {
      let httpRequest = try makeHTTPRequest(for: request, streaming: true)
      let accumulator = OpenAIStreamAccumulator(requestedModel: request.model, classifier: transport.classifier)
      return transport.stream(httpRequest, for: request, decoder: SSEChatStreamDecoder(accumulator))
    } catch {
      return transport.failedStream(error)
    }
  }

  public func listModels() async throws -> [String] {
    do {
      let request = try transport.makeRequest(method: "GET", url: settings.url("/models"), headers: authHeaders(), body: nil)
      let response = try await transport.fetch(request)
      return try transport.decode(OpenAIModelList.self, from: response).data.map(\.id)
    } catch {
      throw transport.normalize(error)
    }
  }

  func makeHTTPRequest(for request: ChatRequest, streaming: Bool) throws -> HTTPRequest {
    var headers = authHeaders()
    if streaming { headers.set("accept", "text/event-stream") }
    let body = OpenAIRequestBody.make(for: request, streaming: streaming, tokenLimitField: settings.tokenLimitField)
    return try transport.makeRequest(method: "POST", url: settings.url("/chat/completions"), headers: headers, body: body)
  }

  func authHeaders() -> HTTPHeaders {
    var headers = HTTPHeaders()
    if let key = settings.apiKey { headers.set("authorization", "Bearer \(key.value)") }
    return headers
  }

  private func result(from completion: OpenAIChatCompletion, requestedModel: String) throws -> ChatResult {
    if let error = completion.error {
      throw transport.classifier.streamError(
        type: error.type ?? error.code?.stringValue, message: error.message, status: error.code?.intValue)
    }
    guard let choice = completion.choices?.first else {
      throw transport.classifier.malformed("the response has no choices", status: 200)
    }
    let message = choice.message ?? choice.delta
    var text = message?.content ?? ""
    var reason = OpenAIChatCompletion.finishReason(choice.finishReason)
    if text.isEmpty, let refusal = message?.refusal, !refusal.isEmpty {
      text = refusal
      reason = .contentFilter
    }
    let calls = (message?.toolCalls ?? []).enumerated().map { position, call in
      ToolCall(
        id: call.id ?? "call_\(position)", name: call.function?.name ?? "",
        arguments: OpenAIChatCompletion.arguments(call.function?.arguments))
    }
    return ChatResult(
      text: text, toolCalls: calls, finishReason: reason, usage: completion.usage?.usage ?? Usage(),
      model: completion.model ?? requestedModel, requestId: completion.id)
  }
}
