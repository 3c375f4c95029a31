import Foundation
import JSON
import LLM

/// Builds the Bedrock Converse request body (the same for `converse` and `converse-stream`; the model
/// id is in the path).
///
/// `{messages: [{role, content: [{text} | {toolUse} | {toolResult}]}], system: [{text}],
/// inferenceConfig: {maxTokens, temperature, stopSequences}, toolConfig: {tools: [{toolSpec: {name,
/// description, inputSchema: {json}}}], toolChoice}}`. Converse wants alternating roles, so consecutive
/// same-role turns are merged. Structured output is a forced tool as with Anthropic:
/// `toolChoice: {tool: {name}}`, or `{any: {}}` when the request has its own tools too.
enum BedrockRequestBody {
  static func make(for request: ChatRequest) -> JSONValue {
    var body: [String: JSONValue] = ["messages": .array(messages(for: request.messages))]
    if let system = ConversationShape.systemText(of: request) { body["system"] = [["text": .string(system)]] }
    var inference: [String: JSONValue] = [:]
    if let maxTokens = request.maxTokens { inference["maxTokens"] = .int(maxTokens) }
    if let temperature = request.temperature { inference["temperature"] = .double(temperature) }
    if let stop = request.stop, !stop.isEmpty { inference["stopSequences"] = .array(stop.map(JSONValue.string)) }
    if !inference.isEmpty { body["inferenceConfig"] = .object(inference) }

    var tools = (request.tools ?? []).map { toolSpec($0.name, $0.description, $0.parameters) }
    var toolConfig: [String: JSONValue] = [:]
    if let schema = request.schema {
      tools.append(toolSpec(schema.name, "Respond with the final answer as this tool's input.", schema.schema))
      toolConfig["toolChoice"] =
        (request.tools ?? []).isEmpty ? ["tool": ["name": .string(schema.name)]] : ["any": .object([:])]
    }
    if !tools.isEmpty {
      toolConfig["tools"] = .array(tools)
      body["toolConfig"] = .object(toolConfig)
    }
    return .object(body)
  }

  static func messages(for messages: [ChatMessage]) -> [JSONValue] {
    let turns: [(role: String, parts: [JSONValue])] = messages.compactMap { message in
      switch message.role {
      case .system:
        return nil  // moved to `system`
      case .user:
        return (role: "user", parts: textBlock(message.content))
      case .assistant:
        let calls = (message.toolCalls ?? []).map { call -> JSONValue in
          [
            "toolUse": [
              "toolUseId": .string(call.id), "name": .string(call.name),
              "input": ProviderJSON.argumentsObject(call.arguments),
            ]
          ]
        }
        return (role: "assistant", parts: textBlock(message.content) + calls)
      case .tool:
        let result: JSONValue = [
          "toolResult": ["toolUseId": .string(message.toolCallId ?? ""), "content": [["text": .string(message.content)]]]
        ]
        return (role: "user", parts: [result])
      }
    }
    return ConversationShape.mergingConsecutiveRoles(turns).map { turn in
      ["role": .string(turn.role), "content": .array(turn.parts)]
    }
  }

  /// Converse rejects blank text blocks.
  private static func textBlock(_ text: String) -> [JSONValue] {
    text.isEmpty ? [] : [["text": .string(text)]]
  }

  private static func toolSpec(_ name: String, _ description: String?, _ schema: JSONValue) -> JSONValue {
    var spec: [String: JSONValue] = ["name": .string(name), "inputSchema": ["json": schema]]
    if let description { spec["description"] = .string(description) }
    return ["toolSpec": .object(spec)]
  }
}
