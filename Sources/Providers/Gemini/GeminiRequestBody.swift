import Foundation
import JSON
import LLM

/// Builds the Gemini API `GenerateContentRequest` body.
///
/// Roles are `user` and `model`; the system prompt is `systemInstruction`; tool calls become
/// `functionCall` parts and tool results `functionResponse` parts (in a user turn) that name the function,
/// found through the call id in earlier assistant messages. `response` must be an object, so a result
/// that is not a JSON object is wrapped as `{"result": ...}`. A schema sets `responseMimeType:
/// "application/json"` and a sanitized `responseSchema`; tools are one `functionDeclarations` list.
enum GeminiRequestBody {
  static func make(for request: ChatRequest) -> JSONValue {
    var body: [String: JSONValue] = ["contents": .array(contents(for: request.messages))]
    if let system = ConversationShape.systemText(of: request) {
      body["systemInstruction"] = ["parts": [["text": .string(system)]]]
    }
    var generation: [String: JSONValue] = [:]
    if let temperature = request.temperature { generation["temperature"] = .double(temperature) }
    if let maxTokens = request.maxTokens { generation["maxOutputTokens"] = .int(maxTokens) }
    if let stop = request.stop, !stop.isEmpty { generation["stopSequences"] = .array(stop.map(JSONValue.string)) }
    if let schema = request.schema {
      generation["responseMimeType"] = "application/json"
      generation["responseSchema"] = GeminiSchemaSanitizer.sanitize(schema.schema)
    }
    if !generation.isEmpty { body["generationConfig"] = .object(generation) }
    if let tools = request.tools, !tools.isEmpty {
      let declarations = tools.map { tool -> JSONValue in
        var declaration: [String: JSONValue] = ["name": .string(tool.name)]
        let parameters = GeminiSchemaSanitizer.sanitize(tool.parameters)
        if !isEmptyObjectSchema(parameters) { declaration["parameters"] = parameters }
        if let description = tool.description { declaration["description"] = .string(description) }
        return .object(declaration)
      }
      body["tools"] = [["functionDeclarations": .array(declarations)]]
    }
    return .object(body)
  }

  static func contents(for messages: [ChatMessage]) -> [JSONValue] {
    let toolNames = ConversationShape.toolNames(in: messages)
    let turns: [(role: String, parts: [JSONValue])] = messages.compactMap { message in
      switch message.role {
      case .system:
        return nil  // moved to `systemInstruction`
      case .user:
        return (role: "user", parts: textPart(message.content))
      case .assistant:
        let calls = (message.toolCalls ?? []).map { call -> JSONValue in
          ["functionCall": ["name": .string(call.name), "args": ProviderJSON.argumentsObject(call.arguments)]]
        }
        return (role: "model", parts: textPart(message.content) + calls)
      case .tool:
        let id = message.toolCallId ?? ""
        let response: JSONValue
        if let parsed = ProviderJSON.value(parsing: message.content), case .object = parsed {
          response = parsed
        } else {
          response = ["result": ProviderJSON.value(parsing: message.content) ?? .string(message.content)]
        }
        let part: JSONValue = ["functionResponse": ["name": .string(toolNames[id] ?? id), "response": response]]
        return (role: "user", parts: [part])
      }
    }
    return ConversationShape.mergingConsecutiveRoles(turns).map { turn in
      ["role": .string(turn.role), "parts": .array(turn.parts)]
    }
  }

  /// Gemini rejects an OBJECT schema without properties ("should be non-empty for OBJECT type"), so an
  /// argument-less tool is declared without `parameters`.
  private static func isEmptyObjectSchema(_ schema: JSONValue) -> Bool {
    schema["type"]?.stringValue == "OBJECT" && (schema["properties"]?.objectValue ?? [:]).isEmpty
  }

  private static func textPart(_ text: String) -> [JSONValue] {
    text.isEmpty ? [] : [["text": .string(text)]]
  }
}
