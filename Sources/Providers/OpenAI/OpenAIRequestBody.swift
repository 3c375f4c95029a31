import Foundation
import JSON
import LLM

/// Builds the Chat Completions request body (`POST /chat/completions`).
///
/// `request.system` goes first as a `system` message; tool calls become `tool_calls` with arguments as
/// JSON text; tool results become `tool` messages with `tool_call_id`. A schema becomes
/// `response_format: {type: "json_schema", json_schema: {name, schema, strict: true}}` (strict mode
/// needs `additionalProperties: false` and every property `required`, which is the caller's schema's
/// business). Streaming asks for `stream_options.include_usage` so the last chunk carries usage.
enum OpenAIRequestBody {
  static func make(
    for request: ChatRequest, streaming: Bool, tokenLimitField: OpenAITokenLimitField
  ) -> JSONValue {
    var body: [String: JSONValue] = [
      "model": .string(request.model),
      "messages": .array(messages(for: request)),
    ]
    if let temperature = request.temperature { body["temperature"] = .double(temperature) }
    if let maxTokens = request.maxTokens { body[tokenLimitField.rawValue] = .int(maxTokens) }
    if let stop = request.stop, !stop.isEmpty { body["stop"] = .array(stop.map(JSONValue.string)) }
    if let schema = request.schema {
      body["response_format"] = [
        "type": "json_schema",
        "json_schema": ["name": .string(schema.name), "schema": schema.schema, "strict": true],
      ]
    }
    if let tools = request.tools, !tools.isEmpty {
      body["tools"] = .array(tools.map(tool))
    }
    if streaming {
      body["stream"] = true
      body["stream_options"] = ["include_usage": true]
    }
    return .object(body)
  }

  static func messages(for request: ChatRequest) -> [JSONValue] {
    var messages: [JSONValue] = []
    if let system = request.system, !system.isEmpty {
      messages.append(["role": "system", "content": .string(system)])
    }
    for message in request.messages {
      messages.append(self.message(message))
    }
    return messages
  }

  static func message(_ message: ChatMessage) -> JSONValue {
    var object: [String: JSONValue] = ["role": .string(message.role.rawValue)]
    switch message.role {
    case .assistant:
      let calls = message.toolCalls ?? []
      object["content"] = message.content.isEmpty && !calls.isEmpty ? .null : .string(message.content)
      if !calls.isEmpty { object["tool_calls"] = .array(calls.map(toolCall)) }
    case .tool:
      object["content"] = .string(message.content)
      object["tool_call_id"] = .string(message.toolCallId ?? "")
    case .system, .user:
      object["content"] = .string(message.content)
    }
    return .object(object)
  }

  static func toolCall(_ call: ToolCall) -> JSONValue {
    let arguments: String
    if case .string(let raw) = call.arguments {
      arguments = raw  // kept verbatim when the model's text was not JSON
    } else {
      arguments = ProviderJSON.text(call.arguments)
    }
    return [
      "id": .string(call.id), "type": "function",
      "function": ["name": .string(call.name), "arguments": .string(arguments)],
    ]
  }

  static func tool(_ tool: ToolDefinition) -> JSONValue {
    var function: [String: JSONValue] = ["name": .string(tool.name), "parameters": tool.parameters]
    if let description = tool.description { function["description"] = .string(description) }
    return ["type": "function", "function": .object(function)]
  }
}
