import Foundation
import HTTP
import LLM

/// Folds Messages API stream events into deltas and a result.
///
/// `message_start` brings id, model and input usage; `content_block_start` opens a text or `tool_use`
/// block; `content_block_delta` appends `text_delta.text` or `input_json_delta.partial_json`;
/// `message_delta` brings `stop_reason` and the cumulative `usage.output_tokens`; `message_stop` ends;
/// `ping` is ignored; `error` (e.g. `overloaded_error`) fails the call. Text deltas are yielded, and so
/// are the forced output tool's JSON fragments, so a structured answer streams too.
struct AnthropicStreamAccumulator: SSEChatAccumulator {
  let requestedModel: String
  let output: ForcedToolOutput
  let classifier: ProviderErrorClassifier

  private var messageId: String?
  private var model: String?
  private var blocks: [Int: Block] = [:]
  private var stopReason: String?
  private var usage = Usage()
  private var sawStop = false

  private struct Block {
    var type: String
    var text = ""
    var id = ""
    var name = ""
    var json = ""
  }

  init(requestedModel: String, output: ForcedToolOutput, classifier: ProviderErrorClassifier) {
    self.requestedModel = requestedModel
    self.output = output
    self.classifier = classifier
  }

  mutating func apply(_ event: SSEEvent) throws -> [String] {
    guard !event.data.isEmpty else { return [] }
    let payload: AnthropicStreamEvent
    do {
      payload = try ProviderJSON.decode(AnthropicStreamEvent.self, from: Data(event.data.utf8))
    } catch {
      throw classifier.malformed("unreadable stream event: \(event.data.prefix(200))")
    }
    switch payload.type {
    case "message_start":
      messageId = payload.message?.id
      model = payload.message?.model
      if let start = payload.message?.usage {
        usage.inputTokens = start.totalInputTokens ?? 0
        usage.outputTokens = start.outputTokens ?? 0
      }
    case "content_block_start":
      guard let index = payload.index, let block = payload.contentBlock else { break }
      var opened = Block(type: block.type, text: block.text ?? "", id: block.id ?? "", name: block.name ?? "")
      if let input = block.input, input != .object([:]), !input.isNull { opened.json = ProviderJSON.text(input) }
      blocks[index] = opened
      if !opened.text.isEmpty { return [opened.text] }
    case "content_block_delta":
      guard let index = payload.index, let delta = payload.delta else { break }
      var block = blocks[index] ?? Block(type: delta.type == "input_json_delta" ? "tool_use" : "text")
      defer { blocks[index] = block }
      if let text = delta.text, delta.type == "text_delta" {
        block.text += text
        return [text]
      }
      if let fragment = delta.partialJSON, delta.type == "input_json_delta" {
        block.json += fragment
        if let name = output.outputToolName, block.name == name { return [fragment] }
      }
    case "message_delta":
      if let reason = payload.delta?.stopReason { stopReason = reason }
      if let final = payload.usage {
        if let output = final.outputTokens { usage.outputTokens = output }
        if let input = final.totalInputTokens, input > 0 { usage.inputTokens = input }
      }
    case "message_stop":
      sawStop = true
    case "error":
      throw classifier.streamError(type: payload.error?.type, message: payload.error?.message)
    default:
      break  // ping, content_block_stop, and event types added later
    }
    return []
  }

  func result() throws -> ChatResult {
    guard let stopReason else {
      throw classifier.malformed(
        sawStop ? "the stream ended without a stop_reason" : "the stream ended before the response was complete")
    }
    let ordered = blocks.sorted { $0.key < $1.key }.map(\.value)
    let text = ordered.filter { $0.type == "text" }.map(\.text).joined()
    let toolUses = ordered.filter { $0.type == "tool_use" }.map {
      ForcedToolOutput.ToolUse(id: $0.id, name: $0.name, rawInput: $0.json)
    }
    return output.result(
      text: text, toolUses: toolUses, finishReason: AnthropicMessage.finishReason(stopReason), usage: usage,
      model: model ?? requestedModel, requestId: messageId)
  }
}
