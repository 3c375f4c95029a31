/// The request field that carries the output token limit for an OpenAI-compatible server.
/// OpenAI deprecated `max_tokens` for `max_completion_tokens`, and its reasoning models (o-series,
/// GPT-5) reject `max_tokens`; most compatible servers (llama.cpp, Ollama, vLLM, Together) know only
/// `max_tokens`. The built-in `openai` provider uses `max_completion_tokens`; everything else
/// defaults to `max_tokens`.
public enum OpenAITokenLimitField: String, Sendable, Codable, CaseIterable {
  case maxTokens = "max_tokens"
  case maxCompletionTokens = "max_completion_tokens"
}
