import Foundation
import HTTP
import LLM

/// Folds `chat.completion.chunk` events into deltas and a result.
///
/// Text comes from `choices[0].delta.content`; tool calls arrive as fragments keyed by `index` (the
/// first names `id` and `function.name`, later ones append to `function.arguments`); `finish_reason`
/// comes on a late chunk; with `stream_options.include_usage` a final chunk has `choices: []` and
/// `usage`; `data: [DONE]` ends the stream.
struct OpenAIStreamAccumulator: SSEChatAccumulator {
  let requestedModel: String
  let classifier: ProviderErrorClassifier

  private var text = ""
  private var refusal = ""
  private var toolCalls: [Int: PartialToolCall] = [:]
  private var finishReason: String?
  private var usage = Usage()
  private var model: String?
  private var responseId: String?
  private var sawDone = false

  private struct PartialToolCall {
    var id = ""
    var name = ""
    var arguments = ""
  }

  init(requestedModel: String, classifier: ProviderErrorClassifier) {
    self.requestedModel = requestedModel
    self.classifier = classifier
  }

  mutating func apply(_ event: SSEEvent) throws -> [String] {
    let data = event.data.trimmingCharacters(in: .whitespaces)
    if data == "[DONE]" {
      sawDone = true
      return []
    }
    if data.isEmpty { return [] }
    let chunk: OpenAIChatCompletion
    do {
      chunk = try ProviderJSON.decode(OpenAIChatCompletion.self, from: Data(data.utf8))
    } catch {
      throw classifier.malformed("unreadable stream chunk: \(data.prefix(200))")
    }
    if let error = chunk.error {
      let status = error.code?.intValue
      throw classifier.streamError(type: error.type ?? error.code?.stringValue, message: error.message, status: status)
    }
    if let id = chunk.id, responseId == nil { responseId = id }
    if let model = chunk.model, !model.isEmpty { self.model = model }
    if let usage = chunk.usage { self.usage = usage.usage }
    var deltas: [String] = []
    for choice in chunk.choices ?? [] where (choice.index ?? 0) == 0 {
      if let delta = choice.delta {
        if let content = delta.content, !content.isEmpty {
          text += content
          deltas.append(content)
        }
        if let refusal = delta.refusal { self.refusal += refusal }
        for (position, fragment) in (delta.toolCalls ?? []).enumerated() {
          let index = fragment.index ?? position
          var call = toolCalls[index] ?? PartialToolCall()
          if let id = fragment.id, !id.isEmpty { call.id = id }
          if let name = fragment.function?.name, !name.isEmpty, call.name.isEmpty { call.name = name }
          switch fragment.function?.arguments {
          case .string(let piece): call.arguments += piece
          case .some(let whole) where !whole.isNull: call.arguments += ProviderJSON.text(whole)
          default: break
          }
          toolCalls[index] = call
        }
      }
      if let reason = choice.finishReason { finishReason = reason }
    }
    return deltas
  }

  func result() throws -> ChatResult {
    guard let finishReason else {
      throw classifier.malformed(
        sawDone ? "the stream ended without a finish_reason" : "the stream ended before the response was complete")
    }
    let calls = toolCalls.sorted { $0.key < $1.key }.map { index, call in
      ToolCall(
        id: call.id.isEmpty ? "call_\(index)" : call.id, name: call.name,
        arguments: ProviderJSON.toolArguments(fromText: call.arguments))
    }
    var reason = OpenAIChatCompletion.finishReason(finishReason)
    var text = self.text
    if text.isEmpty, !refusal.isEmpty {
      text = refusal
      reason = .contentFilter
    }
    return ChatResult(
      text: text, toolCalls: calls, finishReason: reason, usage: usage, model: model ?? requestedModel,
      requestId: responseId)
  }
}
