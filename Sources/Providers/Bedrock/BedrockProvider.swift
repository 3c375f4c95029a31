import Foundation
import HTTP
import LLM

/// Amazon Bedrock's Converse API with a Bedrock API key: `POST
/// {baseURL}/model/{modelId}/converse` and `/converse-stream` (default base URL
/// `https://bedrock-runtime.{region}.amazonaws.com`), `Authorization: Bearer $AWS_BEARER_TOKEN_BEDROCK`.
/// The model id is percent-encoded (ids contain `:`, inference-profile ARNs `/`). The stream is AWS
/// event-stream framed (`AWSEventStreamDecoder`). The request id is the `x-amzn-requestid` header.
public struct BedrockProvider: LLMProvider {
  public let settings: ProviderSettings
  private let transport: ProviderTransport

  public init(settings: ProviderSettings, http: any HTTPClient, now: @escaping @Sendable () -> Date = { Date() }) {
    self.settings = settings
    self.transport = ProviderTransport(settings: settings, http: http, requestIdHeader: "x-amzn-requestid", now: now)
  }

  public var name: String { settings.name }

  public func complete(_ request: ChatRequest) async throws -> ChatResult {
    let httpRequest = try transport.prepare { try makeHTTPRequest(for: request, streaming: false) }
    let output = ForcedToolOutput(outputToolName: request.schema?.name)
    return try await transport.complete(httpRequest, for: request) { response in
      let converse = try transport.decode(BedrockConverseResponse.self, from: response)
      guard let content = converse.output?.message?.content else {
        throw transport.classifier.malformed("the response has no output.message.content", status: response.status)
      }
      let text = content.compactMap(\.text).joined()
      let toolUses = content.compactMap(\.toolUse).map {
        ForcedToolOutput.ToolUse(id: $0.toolUseId ?? "", name: $0.name ?? "", input: $0.input ?? .object([:]))
      }
      return output.result(
        text: text, toolUses: toolUses, finishReason: BedrockConverseResponse.finishReason(converse.stopReason),
        usage: converse.usage?.usage ?? Usage(), model: request.model, requestId: nil)
    }
  }

  public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    do {
      let httpRequest = try makeHTTPRequest(for: request, streaming: true)
      let decoder = BedrockStreamDecoder(
        modelId: request.model, output: ForcedToolOutput(outputToolName: request.schema?.name),
        classifier: transport.classifier)
      return transport.stream(httpRequest, for: request, decoder: decoder)
    } catch {
      return transport.failedStream(error)
    }
  }

  /// The configured `models`. Bedrock's model list (`ListFoundationModels`) is on the control-plane
  /// endpoint, which accepts only SigV4-signed requests, not the Bedrock API key this adapter uses.
  public func listModels() async throws -> [String] {
    settings.models
  }

  func makeHTTPRequest(for request: ChatRequest, streaming: Bool) throws -> HTTPRequest {
    let path = "/model/\(PathComponent.encode(request.model))/\(streaming ? "converse-stream" : "converse")"
    var headers = HTTPHeaders()
    if let key = settings.apiKey { headers.set("authorization", "Bearer \(key.value)") }
    headers.set("accept", streaming ? "application/vnd.amazon.eventstream" : "application/json")
    return try transport.makeRequest(
      method: "POST", url: settings.url(path), headers: headers, body: BedrockRequestBody.make(for: request))
  }
}
