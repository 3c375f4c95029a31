import Foundation
import LLM

/// Folds one or more `GenerateContentResponse`s (one whole, or a stream of them) into a result.
struct GeminiResultBuilder: Sendable {
  let requestedModel: String
  let classifier: ProviderErrorClassifier

  private(set) var text = ""
  private var calls: [ToolCall] = []
  private var finishReason: String?
  private var blockReason: String?
  private var usage = Usage()
  private var model: String?
  private var responseId: String?

  init(requestedModel: String, classifier: ProviderErrorClassifier) {
    self.requestedModel = requestedModel
    self.classifier = classifier
  }

  /// Adds one response and returns the text it added.
  mutating func add(_ response: GeminiResponse) throws -> [String] {
    if let error = response.error {
      throw classifier.streamError(type: error.status, message: error.message, status: error.code)
    }
    if let id = response.responseId { responseId = id }
    if let version = response.modelVersion { model = version }
    if let metadata = response.usageMetadata { usage = metadata.usage }
    if let reason = response.promptFeedback?.blockReason { blockReason = reason }
    var deltas: [String] = []
    if let candidate = response.candidates?.first {
      for part in candidate.content?.parts ?? [] {
        if let call = part.functionCall {
          calls.append(
            ToolCall(id: call.id ?? "\(call.name)-\(calls.count)", name: call.name, arguments: call.args ?? .object([:])))
        } else if let piece = part.text, part.thought != true, !piece.isEmpty {
          text += piece
          deltas.append(piece)
        }
      }
      if let reason = candidate.finishReason { finishReason = reason }
    }
    return deltas
  }

  func result() throws -> ChatResult {
    var reason: FinishReason
    if let finishReason {
      reason = GeminiResponse.finishReason(finishReason)
      if reason == .stop, !calls.isEmpty { reason = .toolCalls }
    } else if blockReason != nil {
      reason = .contentFilter  // the prompt itself was blocked: no candidates at all
    } else {
      throw classifier.malformed("the response ended without a finishReason")
    }
    return ChatResult(
      text: text, toolCalls: calls, finishReason: reason, usage: usage, model: model ?? requestedModel,
      requestId: responseId)
  }
}
