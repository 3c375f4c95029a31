import Foundation
import JSON
import LLM

/// The documented shapes of Chat Completions responses: `chat.completion` (whole) and
/// `chat.completion.chunk` (streamed) share these types; fields one of them lacks are optional.
struct OpenAIChatCompletion: Decodable {
  var id: String?
  var model: String?
  var choices: [Choice]?
  var usage: Usage?
  /// Some compatible servers (llama.cpp, vLLM, OpenRouter) report a failure inside a 200 stream.
  var error: StreamError?

  struct Choice: Decodable {
    var index: Int?
    var message: Message?
    var delta: Message?
    var finishReason: String?

    enum CodingKeys: String, CodingKey {
      case index, message, delta
      case finishReason = "finish_reason"
    }
  }

  struct Message: Decodable {
    var content: String?
    /// Set instead of `content` when the model refuses under structured outputs.
    var refusal: String?
    var toolCalls: [ToolCallPayload]?

    enum CodingKeys: String, CodingKey {
      case content, refusal
      case toolCalls = "tool_calls"
    }
  }

  struct ToolCallPayload: Decodable {
    /// Present in streamed fragments: which call a fragment continues.
    var index: Int?
    var id: String?
    var function: Function?
  }

  struct Function: Decodable {
    var name: String?
    /// JSON text per the API; a few servers send an object, which `JSONValue` also accepts.
    var arguments: JSONValue?
  }

  struct Usage: Decodable {
    var promptTokens: Int?
    var completionTokens: Int?

    enum CodingKeys: String, CodingKey {
      case promptTokens = "prompt_tokens"
      case completionTokens = "completion_tokens"
    }

    var usage: LLM.Usage {
      LLM.Usage(inputTokens: promptTokens ?? 0, outputTokens: completionTokens ?? 0)
    }
  }

  struct StreamError: Decodable {
    var message: String?
    var type: String?
    /// A number (OpenRouter: the HTTP status) or a string code.
    var code: JSONValue?
  }

  static func finishReason(_ text: String?) -> FinishReason {
    switch text {
    case "stop": return .stop
    case "length": return .length
    case "tool_calls", "function_call": return .toolCalls
    case "content_filter": return .contentFilter
    default: return .other
    }
  }

  /// The tool call arguments as JSON, from the string form the API uses.
  static func arguments(_ value: JSONValue?) -> JSONValue {
    switch value {
    case .none, .null: return .object([:])
    case .string(let text): return ProviderJSON.toolArguments(fromText: text)
    case .some(let other): return other
    }
  }
}

/// The model list (`GET /models`): `{"object": "list", "data": [{"id": ...}]}`.
struct OpenAIModelList: Decodable {
  var data: [Model]

  struct Model: Decodable {
    var id: String
  }
}
