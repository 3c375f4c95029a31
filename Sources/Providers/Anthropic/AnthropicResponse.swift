import Foundation
import JSON
import LLM

/// The documented Messages API response (`type: "message"`), also the `message` of `message_start`.
struct AnthropicMessage: Decodable {
  var id: String?
  var model: String?
  var content: [ContentBlock]?
  var stopReason: String?
  var usage: AnthropicUsage?

  enum CodingKeys: String, CodingKey {
    case id, model, content, usage
    case stopReason = "stop_reason"
  }

  struct ContentBlock: Decodable {
    var type: String
    var text: String?
    var id: String?
    var name: String?
    var input: JSONValue?
  }

  static func finishReason(_ stopReason: String?) -> FinishReason {
    switch stopReason {
    case "end_turn", "stop_sequence": return .stop
    case "max_tokens", "model_context_window_exceeded": return .length
    case "tool_use": return .toolCalls
    case "refusal": return .contentFilter
    default: return .other  // pause_turn, and anything newer
    }
  }
}

/// Token counts. Cached prompt tokens are reported apart from `input_tokens`; they are still input,
/// so `inputTokens` is the sum of all three.
struct AnthropicUsage: Decodable {
  var inputTokens: Int?
  var outputTokens: Int?
  var cacheCreationInputTokens: Int?
  var cacheReadInputTokens: Int?

  enum CodingKeys: String, CodingKey {
    case inputTokens = "input_tokens"
    case outputTokens = "output_tokens"
    case cacheCreationInputTokens = "cache_creation_input_tokens"
    case cacheReadInputTokens = "cache_read_input_tokens"
  }

  /// All input tokens, or nil when this usage carried no input counts (`message_delta` usually doesn't).
  var totalInputTokens: Int? {
    guard inputTokens != nil || cacheCreationInputTokens != nil || cacheReadInputTokens != nil else { return nil }
    return (inputTokens ?? 0).adding(saturating: cacheCreationInputTokens ?? 0).adding(saturating: cacheReadInputTokens ?? 0)
  }
}

/// One streaming event's data: `message_start`, `content_block_start`, `content_block_delta`,
/// `content_block_stop`, `message_delta`, `message_stop`, `ping`, `error`.
struct AnthropicStreamEvent: Decodable {
  var type: String
  var message: AnthropicMessage?
  var index: Int?
  var contentBlock: AnthropicMessage.ContentBlock?
  var delta: Delta?
  var usage: AnthropicUsage?
  var error: ErrorBody?

  enum CodingKeys: String, CodingKey {
    case type, message, index, delta, usage, error
    case contentBlock = "content_block"
  }

  /// `content_block_delta` carries `text_delta {text}` or `input_json_delta {partial_json}`;
  /// `message_delta` carries `{stop_reason, stop_sequence}`.
  struct Delta: Decodable {
    var type: String?
    var text: String?
    var partialJSON: String?
    var stopReason: String?

    enum CodingKeys: String, CodingKey {
      case type, text
      case partialJSON = "partial_json"
      case stopReason = "stop_reason"
    }
  }

  struct ErrorBody: Decodable {
    var type: String?
    var message: String?
  }
}

/// `GET /v1/models`: `{"data": [{"id": ...}], "has_more": bool, "last_id": ...}`.
struct AnthropicModelList: Decodable {
  var data: [Model]
  var hasMore: Bool?
  var lastId: String?

  enum CodingKeys: String, CodingKey {
    case data
    case hasMore = "has_more"
    case lastId = "last_id"
  }

  struct Model: Decodable {
    var id: String
  }
}
