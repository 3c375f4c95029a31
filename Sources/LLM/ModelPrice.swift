import Foundation

/// What a model costs, in US dollars per million tokens (`prices` in the configuration file).
public struct ModelPrice: Codable, Sendable, Equatable {
  public var inputPerMTok: Double
  public var outputPerMTok: Double

  public init(inputPerMTok: Double, outputPerMTok: Double) {
    self.inputPerMTok = inputPerMTok
    self.outputPerMTok = outputPerMTok
  }

  /// The cost of `usage` in US dollars.
  public func cost(of usage: Usage) -> Double {
    cost(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens)
  }

  public func cost(inputTokens: Int, outputTokens: Int) -> Double {
    (Double(inputTokens) * inputPerMTok + Double(outputTokens) * outputPerMTok) / 1_000_000
  }

  /// List prices of well-known models (standard tier, short prompts), keyed by the provider's model id.
  /// Dated ids (`gpt-4o-mini-2024-07-18`) match by prefix. Override or extend in the configuration;
  /// local models have no entry, so only token budgets apply to them unless a price is configured.
  public static let defaults: [String: ModelPrice] = [
    "gpt-4o": ModelPrice(inputPerMTok: 2.50, outputPerMTok: 10.00),
    "gpt-4o-mini": ModelPrice(inputPerMTok: 0.15, outputPerMTok: 0.60),
    "gpt-4.1": ModelPrice(inputPerMTok: 2.00, outputPerMTok: 8.00),
    "gpt-4.1-mini": ModelPrice(inputPerMTok: 0.40, outputPerMTok: 1.60),
    "gpt-4.1-nano": ModelPrice(inputPerMTok: 0.10, outputPerMTok: 0.40),
    "claude-opus-4": ModelPrice(inputPerMTok: 15.00, outputPerMTok: 75.00),
    "claude-opus-4-1": ModelPrice(inputPerMTok: 15.00, outputPerMTok: 75.00),
    "claude-opus-4-5": ModelPrice(inputPerMTok: 5.00, outputPerMTok: 25.00),
    "claude-sonnet-4": ModelPrice(inputPerMTok: 3.00, outputPerMTok: 15.00),
    "claude-sonnet-4-5": ModelPrice(inputPerMTok: 3.00, outputPerMTok: 15.00),
    "claude-haiku-4-5": ModelPrice(inputPerMTok: 1.00, outputPerMTok: 5.00),
    "claude-3-5-haiku": ModelPrice(inputPerMTok: 0.80, outputPerMTok: 4.00),
    "gemini-2.0-flash": ModelPrice(inputPerMTok: 0.10, outputPerMTok: 0.40),
    "gemini-2.0-flash-lite": ModelPrice(inputPerMTok: 0.075, outputPerMTok: 0.30),
    "gemini-2.5-flash": ModelPrice(inputPerMTok: 0.30, outputPerMTok: 2.50),
    "gemini-2.5-flash-lite": ModelPrice(inputPerMTok: 0.10, outputPerMTok: 0.40),
    "gemini-2.5-pro": ModelPrice(inputPerMTok: 1.25, outputPerMTok: 10.00),
    "llama-3.3-70b-versatile": ModelPrice(inputPerMTok: 0.59, outputPerMTok: 0.79),
    "llama-3.1-8b-instant": ModelPrice(inputPerMTok: 0.05, outputPerMTok: 0.08),
  ]
}

/// Looks up prices by `provider:model`, then by the model id, then by the longest known prefix of the id
/// (so `claude-sonnet-4-5-20250929` finds `claude-sonnet-4-5`, not `claude-sonnet-4`).
package struct PriceTable: Sendable {
  private let prices: [String: ModelPrice]
  private let byLength: [(String, ModelPrice)]

  package init(_ prices: [String: ModelPrice]) {
    self.prices = prices
    byLength = prices.sorted { $0.key.count > $1.key.count }.map { ($0.key, $0.value) }
  }

  package func price(for reference: ModelReference) -> ModelPrice? {
    if let price = prices[reference.description] ?? prices[reference.model] { return price }
    for (key, price) in byLength where reference.model.hasPrefix(key) || reference.description.hasPrefix(key) {
      // A prefix must end at a separator, so "gpt-4o" does not price "gpt-4o1".
      let model = reference.model.hasPrefix(key) ? reference.model : reference.description
      let rest = model.dropFirst(key.count)
      if rest.isEmpty || rest.first == "-" || rest.first == "@" || rest.first == ":" { return price }
    }
    return nil
  }
}
