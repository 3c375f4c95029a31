import LLM

/// Structured output cut off by the token limit is not valid output, so it must never reach a caller
/// as if it were complete.
///
/// Every adapter reports a cut-off as `finishReason == .length` (OpenAI `length`, Anthropic and
/// Bedrock `max_tokens`, Gemini `MAX_TOKENS`). For a plain text request that result is returned as is
/// and the caller decides. For a request with a `schema`, the adapters throw
/// `ProviderError(.truncated, ...)` instead: from `complete`, and from `stream` after the deltas that
/// did arrive, in place of the `.done` event. `.truncated` is not retryable as is: the caller has to
/// raise `maxTokens` or shorten the output.
enum TruncationCheck {
  static func verify(_ result: ChatResult, for request: ChatRequest, provider: String) throws {
    guard request.schema != nil, result.finishReason == .length else { return }
    let limit = request.maxTokens.map { " of \($0) tokens" } ?? ""
    throw ProviderError(
      .truncated,
      "structured output was cut off by the output token limit\(limit) after \(result.usage.outputTokens) tokens; raise maxTokens",
      provider: provider)
  }
}
