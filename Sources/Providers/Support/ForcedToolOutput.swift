import Foundation
import JSON
import LLM

/// Assembles a result for APIs whose structured output comes through a forced tool (Anthropic,
/// Bedrock): the output tool's input becomes the result text (compact JSON, sorted keys), it is not
/// reported as a tool call, and a `tool_use` stop caused only by it counts as a normal `.stop`.
/// Without a schema, tool uses are plain tool calls.
struct ForcedToolOutput {
  /// The forced tool's name (`schema.name`), nil when the request had no schema.
  let outputToolName: String?

  /// One tool use as the provider reported it: `input` when it came whole, `rawInput` when streamed.
  struct ToolUse {
    var id: String
    var name: String
    var input: JSONValue?
    var rawInput: String?

    var arguments: JSONValue {
      if let input { return input }
      return ProviderJSON.toolArguments(fromText: rawInput ?? "")
    }
  }

  func result(
    text: String, toolUses: [ToolUse], finishReason: FinishReason, usage: Usage, model: String, requestId: String?
  ) -> ChatResult {
    var resultText = text
    var reason = finishReason
    var calls: [ToolCall] = []
    for use in toolUses {
      if let outputToolName, use.name == outputToolName {
        switch use.arguments {
        case .string(let raw): resultText = raw  // not JSON (cut off): kept verbatim for diagnosis
        case let value: resultText = ProviderJSON.text(value)
        }
      } else {
        calls.append(ToolCall(id: use.id, name: use.name, arguments: use.arguments))
      }
    }
    if reason == .toolCalls, calls.isEmpty { reason = .stop }
    return ChatResult(
      text: resultText, toolCalls: calls, finishReason: reason, usage: usage, model: model, requestId: requestId)
  }
}
