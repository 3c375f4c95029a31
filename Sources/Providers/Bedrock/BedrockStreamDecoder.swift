import Foundation
import LLM

/// Decodes a `converse-stream` body (AWS event-stream framing) into deltas and a result.
/// `:message-type: exception` (`:exception-type` such as `throttlingException`, payload `{message}`) and
/// `:message-type: error` (`:error-code`, `:error-message` headers) fail the call through the classifier.
struct BedrockStreamDecoder: ChatStreamDecoder {
  let modelId: String
  let output: ForcedToolOutput
  let classifier: ProviderErrorClassifier

  private var framing = AWSEventStreamDecoder()
  private var blocks: [Int: Block] = [:]
  private var stopReason: String?
  private var usage = Usage()

  private struct Block {
    var text = ""
    var toolUseId: String?
    var name: String?
    var input = ""
  }

  init(modelId: String, output: ForcedToolOutput, classifier: ProviderErrorClassifier) {
    self.modelId = modelId
    self.output = output
    self.classifier = classifier
  }

  mutating func consume(_ bytes: Data) throws -> [String] {
    let messages: [AWSEventStreamMessage]
    do {
      messages = try framing.feed(bytes)
    } catch let failure as AWSEventStreamDecoder.Failure {
      throw classifier.malformed(failure.description)
    }
    var deltas: [String] = []
    for message in messages {
      deltas += try apply(message)
    }
    return deltas
  }

  mutating func finish() throws -> [String] {
    do {
      try framing.finish()
    } catch let failure as AWSEventStreamDecoder.Failure {
      throw classifier.malformed(failure.description)
    }
    return []
  }

  private mutating func apply(_ message: AWSEventStreamMessage) throws -> [String] {
    switch message.string(":message-type") ?? "event" {
    case "exception":
      let payload = try? ProviderJSON.decode(BedrockStreamPayload.self, from: message.payload)
      throw classifier.streamError(type: message.string(":exception-type"), message: payload?.message)
    case "error":
      throw classifier.streamError(type: message.string(":error-code"), message: message.string(":error-message"))
    default:
      break
    }
    guard let eventType = message.string(":event-type") else { return [] }
    let payload: BedrockStreamPayload
    do {
      payload = try ProviderJSON.decode(BedrockStreamPayload.self, from: message.payload)
    } catch {
      throw classifier.malformed("unreadable \(eventType) event payload")
    }
    let index = payload.contentBlockIndex ?? 0
    switch eventType {
    case "contentBlockStart":
      var block = blocks[index] ?? Block()
      block.toolUseId = payload.start?.toolUse?.toolUseId
      block.name = payload.start?.toolUse?.name
      blocks[index] = block
    case "contentBlockDelta":
      var block = blocks[index] ?? Block()
      defer { blocks[index] = block }
      if let text = payload.delta?.text {
        block.text += text
        return [text]
      }
      if let fragment = payload.delta?.toolUse?.input {
        block.input += fragment
        if let name = output.outputToolName, block.name == name { return [fragment] }
      }
    case "messageStop":
      stopReason = payload.stopReason
    case "metadata":
      if let usage = payload.usage { self.usage = usage.usage }
    default:
      break  // messageStart, contentBlockStop, and event types added later
    }
    return []
  }

  func result() throws -> ChatResult {
    guard let stopReason else {
      throw classifier.malformed("the stream ended before messageStop")
    }
    let ordered = blocks.sorted { $0.key < $1.key }.map(\.value)
    let text = ordered.filter { $0.name == nil }.map(\.text).joined()
    let toolUses = ordered.compactMap { block -> ForcedToolOutput.ToolUse? in
      guard let name = block.name else { return nil }
      return ForcedToolOutput.ToolUse(id: block.toolUseId ?? "", name: name, rawInput: block.input)
    }
    return output.result(
      text: text, toolUses: toolUses, finishReason: BedrockConverseResponse.finishReason(stopReason), usage: usage,
      model: modelId, requestId: nil)
  }
}
