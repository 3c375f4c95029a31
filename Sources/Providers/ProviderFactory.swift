import Foundation
import HTTP
import LLM

/// Builds the adapter for a provider's wire protocol.
public enum ProviderFactory {
  public static func makeProvider(
    settings: ProviderSettings, http: any HTTPClient, now: @escaping @Sendable () -> Date = { Date() }
  ) -> any LLMProvider {
    switch settings.kind {
    case .openAI: return OpenAICompatibleProvider(settings: settings, http: http, now: now)
    case .anthropic: return AnthropicProvider(settings: settings, http: http, now: now)
    case .gemini: return GeminiProvider(settings: settings, http: http, now: now)
    case .bedrock: return BedrockProvider(settings: settings, http: http, now: now)
    }
  }
}
