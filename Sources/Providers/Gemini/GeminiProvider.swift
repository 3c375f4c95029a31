import Foundation
import HTTP
import LLM

/// The Gemini API (Google AI Studio): `POST {baseURL}/v1beta/models/{model}:generateContent` and
/// `:streamGenerateContent?alt=sse`, with the key in the `x-goog-api-key` header (never in the URL, so it
/// cannot leak through logged URLs). `GET {baseURL}/v1beta/models` lists models. The request id is the
/// body's `responseId`.
public struct GeminiProvider: LLMProvider {
  public let settings: ProviderSettings
  private let transport: ProviderTransport

  public init(settings: ProviderSettings, http: any HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
    self.settings = settings
    self.transport = ProviderTransport(settings: settings, http: http, requestIdHeader: nil, now: now)
  }

  public var name: String { settings.name }

  public func complete(_ request: ChatRequest) async throws -> ChatResult {
    let httpRequest = try transport.prepare { try makeHTTPRequest(for: request, streaming: false) }
    return try await transport.complete(httpRequest, for: request) { response in
      var builder = GeminiResultBuilder(requestedModel: request.model, classifier: transport.classifier)
      _ = try builder.add(transport.decode(GeminiResponse.self, from: response))
      return try builder.result()
    }
  }

  public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    do {
      let httpRequest = try makeHTTPRequest(for: request, streaming: true)
      let accumulator = GeminiStreamAccumulator(
        builder: GeminiResultBuilder(requestedModel: request.model, classifier: transport.classifier))
      return transport.stream(httpRequest, for: request, decoder: SSEChatStreamDecoder(accumulator))
    } catch {
      return transport.failedStream(error)
    }
  }

  /// All pages of `GET /v1beta/models?pageSize=1000`, without the `models/` prefix.
  public func listModels() async throws -> [String] {
    do {
      var models: [String] = []
      var pageToken: String?
      repeat {
        var path = "/v1beta/models?pageSize=1000"
        if let pageToken { path += "&pageToken=\(PathComponent.encode(pageToken))" }
        let request = try transport.makeRequest(method: "GET", url: settings.url(path), headers: headers(), body: nil)
        let page = try transport.decode(GeminiModelList.self, from: try await transport.fetch(request))
        models += (page.models ?? []).map { $0.name.hasPrefix("models/") ? String($0.name.dropFirst(7)) : $0.name }
        pageToken = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
      } while pageToken != nil && models.count < 100_000
      return models
    } catch {
      throw transport.normalize(error)
    }
  }

  func makeHTTPRequest(for request: ChatRequest, streaming: Bool) throws -> HTTPRequest {
    let resource = request.model.contains("/") ? request.model : "models/\(request.model)"
    let encoded = resource.split(separator: "/", omittingEmptySubsequences: false)
      .map { PathComponent.encode(String($0)) }.joined(separator: "/")
    let path = streaming ? "/v1beta/\(encoded):streamGenerateContent?alt=sse" : "/v1beta/\(encoded):generateContent"
    var headers = headers()
    if streaming { headers.set("accept", "text/event-stream") }
    return try transport.makeRequest(
      method: "POST", url: settings.url(path), headers: headers, body: GeminiRequestBody.make(for: request))
  }

  private func headers() -> HTTPHeaders {
    var headers = HTTPHeaders()
    if let key = settings.apiKey { headers.set("x-goog-api-key", key.value) }
    return headers
  }
}
