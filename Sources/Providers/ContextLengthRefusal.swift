import Foundation
import JSON
import LLM

/// Recognises a provider saying that the prompt does not fit the model's context window, which
/// becomes `ProviderError.Kind.contextLengthExceeded` instead of a plain `.badRequest`:
/// - OpenAI: 400, `error.code == "context_length_exceeded"`;
/// - Anthropic: 400 `invalid_request_error`, "prompt is too long: 208310 tokens > 200000 maximum";
/// - llama.cpp's OpenAI-compatible server: 400, `error.type == "exceed_context_size_error"`, with
///   `n_prompt_tokens` and `n_ctx` in the body;
/// - Gemini: 400 `INVALID_ARGUMENT`, "The input token count (N) exceeds the maximum number of tokens
///   allowed (M)";
/// - Bedrock: `ValidationException`, "Input is too long for requested model", "prompt is too long",
///   "maximum context length".
enum ContextLengthRefusal {
  static let explanation = "the prompt does not fit the model's context window"

  /// The message for an error response that is a context-length refusal; nil when it is not one.
  /// `detail` is the provider's own message, `exception` Bedrock's exception name.
  static func message(status: Int, body: JSONValue?, exception: String?, detail: String?) -> String? {
    guard status == 400 else { return nil }
    let error = body?["error"]
    let candidates = [error?["code"]?.stringValue, error?["type"]?.stringValue, error?["status"]?.stringValue, exception]
    guard candidates.contains(where: { matches(type: $0, message: detail) }) else { return nil }
    if error?["type"]?.stringValue == "exceed_context_size_error", let prompt = error?["n_prompt_tokens"]?.intValue,
      let window = error?["n_ctx"]?.intValue
    {
      return "the prompt has \(prompt) tokens but the context window is \(window)"
    }
    return message(detail: detail)
  }

  /// Whether an error type (or code, or exception name) with its message is a context-length refusal.
  static func matches(type: String?, message: String?) -> Bool {
    guard let type else { return false }
    let text = message?.lowercased() ?? ""
    switch type.lowercased() {
    case "context_length_exceeded", "exceed_context_size_error":
      return true
    case "invalid_request_error":
      return text.contains("prompt is too long")
    case "invalid_argument":
      return text.contains("input token count") && text.contains("exceeds the maximum")
    case "validationexception":
      return text.contains("too long") || text.contains("maximum context length")
    default:
      return false
    }
  }

  /// The provider's message followed by what it means; the explanation survives any cut.
  static func message(detail: String?) -> String {
    var text = detail?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    while text.hasSuffix(".") { text.removeLast() }
    guard !text.isEmpty else { return explanation }
    let room = ProviderErrorClassifier.maxMessageLength - explanation.count - 3
    if text.count > room { text = String(text.prefix(room)) + "…" }
    return "\(text): \(explanation)"
  }
}
