import Foundation
import JSON
import LLM

/// Builds the Messages API request body (`POST /v1/messages`).
///
/// The system prompt is the top-level `system`; `max_tokens` is required, so the provider's default
/// fills in when the request sets none. Assistant tool calls become `tool_use` blocks, tool results
/// `tool_result` blocks in a user turn; consecutive same-role turns are merged. Tools are
/// `{name, description, input_schema}`.
///
/// Structured output uses a forced tool: a tool named `schema.name` whose `input_schema` is the schema,
/// with `tool_choice: {type: "tool", name}`; its `tool_use.input` is the answer. When the request also
/// has its own tools, `tool_choice` is `{type: "any"}` instead, so the model can either call one of them
/// or answer through the output tool.
enum AnthropicRequestBody {
  static func make(for request: ChatRequest, streaming: Bool, defaultMaxTokens: Int) -> JSONValue {
    var body: [String: JSONValue] = [
      "model": .string(request.model),
      "max_tokens": .int(request.maxTokens ?? defaultMaxTokens),
      "messages": .array(messages(for: request.messages)),
    ]
    if let system = ConversationShape.systemText(of: request) { body["system"] = .string(system) }
    if let temperature = request.temperature { body["temperature"] = .double(temperature) }
    if let stop = request.stop, !stop.isEmpty { body["stop_sequences"] = .array(stop.map(JSONValue.string)) }
    var tools = (request.tools ?? []).map { tool($0.name, $0.description, $0.parameters) }
    if let schema = request.schema {
      tools.append(tool(schema.name, "Respond with the final answer as this tool's input.", schema.schema))
      body["tool_choice"] =
        (request.tools ?? []).isEmpty ? ["type": "tool", "name": .string(schema.name)] : ["type": "any"]
    }
    if !tools.isEmpty { body["tools"] = .array(tools) }
    if streaming { body["stream"] = true }
    return .object(body)
  }

  static func messages(for messages: [ChatMessage]) -> [JSONValue] {
    let turns: [(role: String, parts: [JSONValue])] = messages.compactMap { message in
      switch message.role {
      case .system:
        return nil  // moved to the top-level `system`
      case .user:
        return (role: "user", parts: textBlock(message.content))
      case .assistant:
        let calls = (message.toolCalls ?? []).map { call -> JSONValue in
          [
            "type": "tool_use", "id": .string(call.id), "name": .string(call.name),
            "input": ProviderJSON.argumentsObject(call.arguments),
          ]
        }
        return (role: "assistant", parts: textBlock(message.content) + calls)
      case .tool:
        let result: JSONValue = [
          "type": "tool_result", "tool_use_id": .string(message.toolCallId ?? ""), "content": .string(message.content),
        ]
        return (role: "user", parts: [result])
      }
    }
    return ConversationShape.mergingConsecutiveRoles(turns).map { turn in
      ["role": .string(turn.role), "content": .array(turn.parts)]
    }
  }

  /// The API rejects empty text blocks, so empty text contributes none.
  private static func textBlock(_ text: String) -> [JSONValue] {
    text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
  }

  private static func tool(_ name: String, _ description: String?, _ schema: JSONValue) -> JSONValue {
    var object: [String: JSONValue] = ["name": .string(name), "input_schema": schema]
    if let description { object["description"] = .string(description) }
    return .object(object)
  }
}
