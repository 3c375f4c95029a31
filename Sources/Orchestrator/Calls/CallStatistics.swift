import LLM

/// What one model call came to: who answered, what it used and cost, how many tries it took, how long, and
/// why it stopped. Every result that reports a call (a subtask's outcome, a worker's result, the planning and
/// synthesis summaries, a journal step) embeds this one value, so the six figures are named, priced and
/// encoded in one place.
///
/// It encodes flat, into the object of the result that carries it: `{"subtaskId": ..., "model": ..., ...}`.
public struct CallStatistics: Codable, Sendable, Equatable {
  /// `provider:model` of the model that answered, or the last one tried when the call failed.
  public var model: String?
  public var usage: Usage
  /// Nil when the model has no known price.
  public var costUSD: Double?
  public var attempts: Int
  public var durationMs: Double
  /// `length` means the output hit the token limit and is incomplete.
  public var finishReason: FinishReason?

  public init(
    model: String? = nil, usage: Usage = Usage(), costUSD: Double? = nil, attempts: Int = 0, durationMs: Double = 0,
    finishReason: FinishReason? = nil
  ) {
    self.model = model
    self.usage = usage
    self.costUSD = costUSD
    self.attempts = attempts
    self.durationMs = durationMs
    self.finishReason = finishReason
  }

  private enum CodingKeys: String, CodingKey {
    case model, usage, costUSD, attempts, durationMs, finishReason
  }

  /// Absent figures read as none (a step that never reached a model has no usage and no attempts).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    model = try container.decodeIfPresent(String.self, forKey: .model)
    usage = try container.decodeIfPresent(Usage.self, forKey: .usage) ?? Usage()
    costUSD = try container.decodeIfPresent(Double.self, forKey: .costUSD)
    attempts = try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 0
    durationMs = try container.decodeIfPresent(Double.self, forKey: .durationMs) ?? 0
    finishReason = try container.decodeIfPresent(FinishReason.self, forKey: .finishReason)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(model, forKey: .model)
    try container.encode(usage, forKey: .usage)
    try container.encodeIfPresent(costUSD, forKey: .costUSD)
    try container.encode(attempts, forKey: .attempts)
    try container.encode(durationMs, forKey: .durationMs)
    try container.encodeIfPresent(finishReason, forKey: .finishReason)
  }
}

/// A result that embeds one call's statistics and reads them as its own fields: `outcome.usage`,
/// `result.model`.
@dynamicMemberLookup
public protocol CarriesCallStatistics {
  var statistics: CallStatistics { get set }
}

extension CarriesCallStatistics {
  public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CallStatistics, Value>) -> Value {
    get { statistics[keyPath: keyPath] }
    set { statistics[keyPath: keyPath] = newValue }
  }
}
