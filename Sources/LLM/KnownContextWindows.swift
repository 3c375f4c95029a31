/// The context windows (in tokens) of the built-in providers' models, by model-id prefix: what
/// `LLMProvider.contextWindow(for:)` answers when the provider itself cannot tell. The longest matching
/// prefix wins, so `gpt-4o-mini` is looked up under `gpt-4o-mini`, not `gpt-4o`. Bedrock's cross-region
/// inference profiles (`us.anthropic.claude-…`, `eu.`, `apac.`, `global.`) are looked up without their
/// region part. Models not in the table give nil: unknown, not unlimited.
public enum KnownContextWindows {
  /// Prefix → window. Order does not matter.
  public static let table: [(prefix: String, tokens: Int)] = [
    // OpenAI
    ("gpt-4o", 128_000),
    ("gpt-4o-mini", 128_000),
    ("gpt-4.1", 1_047_576),
    ("gpt-5", 400_000),
    ("o3", 200_000),
    ("o4-mini", 200_000),
    ("gpt-3.5-turbo", 16_385),
    // Anthropic
    ("claude-", 200_000),
    // Gemini
    ("gemini-1.5-pro", 2_097_152),
    ("gemini-1.5-flash", 1_048_576),
    ("gemini-2.", 1_048_576),
    // Bedrock
    ("anthropic.claude-", 200_000),
    ("amazon.nova-pro", 300_000),
    ("amazon.nova-lite", 300_000),
    ("meta.llama3-1", 128_000),
    ("meta.llama3-2", 128_000),
    ("meta.llama3-3", 128_000),
  ]

  /// Region parts of Bedrock inference-profile ids, dropped before the lookup.
  static let bedrockRegionPrefixes = ["us.", "us-gov.", "eu.", "apac.", "global."]

  /// The window of `model` by its longest matching prefix, or nil when no prefix matches.
  public static func tokens(for model: String) -> Int? {
    if let tokens = longestPrefixMatch(model) { return tokens }
    for region in bedrockRegionPrefixes where model.hasPrefix(region) {
      return longestPrefixMatch(String(model.dropFirst(region.count)))
    }
    return nil
  }

  private static func longestPrefixMatch(_ model: String) -> Int? {
    table.filter { model.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }?.tokens
  }
}
