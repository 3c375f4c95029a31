import Foundation
import JSON
import LLM

/// The documented `GenerateContentResponse`; `streamGenerateContent?alt=sse` sends one per event, each
/// with the new parts only, the last with `finishReason` and the final `usageMetadata`.
struct GeminiResponse: Decodable {
  var candidates: [Candidate]?
  var usageMetadata: UsageMetadata?
  var modelVersion: String?
  var responseId: String?
  var promptFeedback: PromptFeedback?
  /// Errors inside a 200 stream arrive as `{"error": {code, message, status}}`.
  var error: ErrorBody?

  struct Candidate: Decodable {
    var content: Content?
    var finishReason: String?
  }

  struct Content: Decodable {
    var parts: [Part]?
  }

  struct Part: Decodable {
    var text: String?
    /// Thinking models mark their thought summaries; they are not part of the answer.
    var thought: Bool?
    var functionCall: FunctionCall?
  }

  struct FunctionCall: Decodable {
    var id: String?
    var name: String
    var args: JSONValue?
  }

  struct UsageMetadata: Decodable {
    var promptTokenCount: Int?
    var candidatesTokenCount: Int?
    /// Thinking tokens, billed as output.
    var thoughtsTokenCount: Int?

    var usage: Usage {
      Usage(inputTokens: promptTokenCount ?? 0, outputTokens: (candidatesTokenCount ?? 0).adding(saturating: thoughtsTokenCount ?? 0))
    }
  }

  struct PromptFeedback: Decodable {
    var blockReason: String?
  }

  struct ErrorBody: Decodable {
    var code: Int?
    var message: String?
    var status: String?
  }

  static func finishReason(_ text: String?) -> FinishReason {
    switch text {
    case "STOP": return .stop
    case "MAX_TOKENS": return .length
    case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY": return .contentFilter
    default: return .other
    }
  }
}

/// `GET /v1beta/models`: `{"models": [{"name": "models/gemini-2.0-flash", ...}], "nextPageToken": ...}`.
struct GeminiModelList: Decodable {
  var models: [Model]?
  var nextPageToken: String?

  struct Model: Decodable {
    var name: String
  }
}
