/// Which wire protocol a provider speaks. Many services share one (Groq, Ollama, llama.cpp, vLLM,
/// OpenRouter and Together all speak OpenAI's Chat Completions), so this is not the provider's name.
public enum ProviderKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
  /// OpenAI Chat Completions (`POST {baseURL}/chat/completions`).
  case openAI = "openai"
  /// Anthropic Messages (`POST {baseURL}/v1/messages`).
  case anthropic
  /// Google Gemini API (`POST {baseURL}/v1beta/models/{model}:generateContent`).
  case gemini
  /// Amazon Bedrock Converse (`POST {baseURL}/model/{modelId}/converse`).
  case bedrock

  public var description: String { rawValue }
}
