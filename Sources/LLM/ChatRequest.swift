import Foundation
import JSON

/// Who said a message.
public enum ChatRole: String, Codable, Sendable {
  case system, user, assistant, tool
}

/// One message in a conversation. Assistant messages may carry tool calls; tool messages answer one.
public struct ChatMessage: Codable, Sendable, Equatable {
  public var role: ChatRole
  public var content: String
  public var toolCalls: [ToolCall]?
  public var toolCallId: String?

  public init(role: ChatRole, content: String, toolCalls: [ToolCall]? = nil, toolCallId: String? = nil) {
    self.role = role
    self.content = content
    self.toolCalls = toolCalls
    self.toolCallId = toolCallId
  }

  public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
  public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }
}

/// A tool the model may call. Tools are executed by the client, never by Baton.
public struct ToolDefinition: Codable, Sendable, Equatable {
  public var name: String
  public var description: String?
  /// JSON Schema of the arguments.
  public var parameters: JSONValue

  public init(name: String, description: String? = nil, parameters: JSONValue) {
    self.name = name
    self.description = description
    self.parameters = parameters
  }
}

/// A call the model asked for.
public struct ToolCall: Codable, Sendable, Equatable {
  public var id: String
  public var name: String
  /// The arguments as JSON (parsed from the provider's string form where it sends one).
  public var arguments: JSONValue

  public init(id: String, name: String, arguments: JSONValue) {
    self.id = id
    self.name = name
    self.arguments = arguments
  }
}

/// A JSON Schema the output must satisfy.
public struct OutputSchema: Codable, Sendable, Equatable {
  /// A short identifier some providers require (`response_format.json_schema.name`, the forced tool's name).
  public var name: String
  public var schema: JSONValue

  public init(name: String = "output", schema: JSONValue) {
    self.name = name
    self.schema = schema
  }
}

/// One chat call, provider-neutral. `model` is the provider's own model name (no `provider:` prefix).
public struct ChatRequest: Codable, Sendable, Equatable {
  public var model: String
  public var system: String?
  public var messages: [ChatMessage]
  public var temperature: Double?
  public var maxTokens: Int?
  public var stop: [String]?
  public var schema: OutputSchema?
  public var tools: [ToolDefinition]?

  public init(
    model: String, system: String? = nil, messages: [ChatMessage], temperature: Double? = nil,
    maxTokens: Int? = nil, stop: [String]? = nil, schema: OutputSchema? = nil, tools: [ToolDefinition]? = nil
  ) {
    self.model = model
    self.system = system
    self.messages = messages
    self.temperature = temperature
    self.maxTokens = maxTokens
    self.stop = stop
    self.schema = schema
    self.tools = tools
  }
}
