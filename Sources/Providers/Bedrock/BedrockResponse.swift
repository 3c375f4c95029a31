import Foundation
import JSON
import LLM

/// The documented Converse response: `{output: {message: {role, content: [{text} | {toolUse}]}},
/// stopReason, usage: {inputTokens, outputTokens, totalTokens}, metrics: {latencyMs}}`.
struct BedrockConverseResponse: Decodable {
  var output: Output?
  var stopReason: String?
  var usage: BedrockUsage?

  struct Output: Decodable {
    var message: Message?
  }

  struct Message: Decodable {
    var content: [ContentBlock]?
  }

  struct ContentBlock: Decodable {
    var text: String?
    var toolUse: ToolUse?
  }

  struct ToolUse: Decodable {
    var toolUseId: String?
    var name: String?
    var input: JSONValue?
  }

  static func finishReason(_ stopReason: String?) -> FinishReason {
    switch stopReason {
    case "end_turn", "stop_sequence": return .stop
    case "max_tokens", "model_context_window_exceeded": return .length
    case "tool_use": return .toolCalls
    case "content_filtered", "guardrail_intervened": return .contentFilter
    default: return .other
    }
  }
}

struct BedrockUsage: Decodable {
  var inputTokens: Int?
  var outputTokens: Int?

  var usage: Usage { Usage(inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0) }
}

/// Payloads of `converse-stream` events, keyed by the `:event-type` header: `messageStart {role}`,
/// `contentBlockStart {contentBlockIndex, start: {toolUse: {toolUseId, name}}}`, `contentBlockDelta
/// {contentBlockIndex, delta: {text} | {toolUse: {input}}}`, `contentBlockStop {contentBlockIndex}`,
/// `messageStop {stopReason}`, `metadata {usage, metrics}`. Exceptions carry `{message}`.
struct BedrockStreamPayload: Decodable {
  var contentBlockIndex: Int?
  var start: Start?
  var delta: Delta?
  var stopReason: String?
  var usage: BedrockUsage?
  var message: String?

  struct Start: Decodable {
    var toolUse: ToolUseStart?
  }

  struct ToolUseStart: Decodable {
    var toolUseId: String?
    var name: String?
  }

  struct Delta: Decodable {
    var text: String?
    var toolUse: ToolUseDelta?
  }

  struct ToolUseDelta: Decodable {
    var input: String?
  }
}
