import Foundation
import HTTP
import LLM

/// Anthropic's Messages API: `POST {baseURL}/v1/messages` with `x-api-key`, `anthropic-version:
/// 2023-06-01` and `content-type: application/json`; `GET {baseURL}/v1/models` lists models. The request
/// id is the `request-id` header, else the message id. See `AnthropicRequestBody` for how structured
/// output is forced through a tool.
public struct AnthropicProvider: LLMProvider {
  public static let apiVersion = "2023-06-01"

  public let settings: ProviderSettings
  private let transport: ProviderTransport

  public init(settings: ProviderSettings, http: any HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
    self.settings = settings
    self.transport = ProviderTransport(settings: settings, http: http, requestIdHeader: "request-id", now: now)
  }

  public var name: String { settings.name }

  public func complete(_ request: ChatRequest) async throws -> ChatResult {
    let httpRequest = try transport.prepare { try makeHTTPRequest(for: request, streaming: false) }
    let output = ForcedToolOutput(outputToolName: request.schema?.name)
    return try await transport.complete(httpRequest, for: request) { response in
      let message = try transport.decode(AnthropicMessage.self, from: response)
      let blocks = message.content ?? []
      let text = blocks.filter { $0.type == "text" }.compactMap(\.text).joined()
      let toolUses = blocks.filter { $0.type == "tool_use" }.map {
        ForcedToolOutput.ToolUse(id: $0.id ?? "", name: $0.name ?? "", input: $0.input ?? .object([:]))
      }
      let usage = Usage(
        inputTokens: message.usage?.totalInputTokens ?? 0, outputTokens: message.usage?.outputTokens ?? 0)
      return output.result(
        text: text, toolUses: toolUses, finishReason: AnthropicMessage.finishReason(message.stopReason), usage: usage,
        model: message.model ?? request.model, requestId: message.id)
    }
  }

  public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    do {
      let httpRequest = try makeHTTPRequest(for: request, streaming: true)
      let accumulator = AnthropicStreamAccumulator(
        requestedModel: request.model, output: ForcedToolOutput(outputToolName: request.schema?.name),
        classifier: transport.classifier)
      return transport.stream(httpRequest, for: request, decoder: SSEChatStreamDecoder(accumulator))
    } catch {
      return transport.failedStream(error)
    }
  }

  /// All pages of `GET /v1/models?limit=1000`.
  public func listModels() async throws -> [String] {
    do {
      var models: [String] = []
      var after: String?
      repeat {
        var path = "/v1/models?limit=1000"
        if let after { path += "&after_id=\(PathComponent.encode(after))" }
        let request = try transport.makeRequest(method: "GET", url: settings.url(path), headers: headers(), body: nil)
        let page = try transport.decode(AnthropicModelList.self, from: try await transport.fetch(request))
        models += page.data.map(\.id)
        after = page.hasMore == true ? page.lastId : nil
      } while after != nil && models.count < 100_000
      return models
    } catch {
      throw transport.normalize(error)
    }
  }

  func makeHTTPRequest(for request: ChatRequest, streaming: Bool) throws -> HTTPRequest {
    var headers = headers()
    if streaming { headers.set("accept", "text/event-stream") }
    let body = AnthropicRequestBody.make(for: request, streaming: streaming, defaultMaxTokens: settings.defaultMaxTokens)
    return try transport.makeRequest(method: "POST", url: settings.url("/v1/messages"), headers: headers, body: body)
  }

  private func headers() -> HTTPHeaders {
    var headers = HTTPHeaders()
    if let key = settings.apiKey { headers.set("x-api-key", key.value) }
    headers.set("anthropic-version", Self.apiVersion)
    return headers
  }
}
