import Foundation
import LLM

/// The engine's long-lived collaborators, bundled so the run machinery needs no access to the actor.
struct EngineServices: Sendable {
  let configuration: EngineConfiguration
  let models: any ModelResolving
  let clock: EngineClock
  let random: any RandomSource
  let limiter: RateLimiter
  let timeouts: AttemptTimeouts
  let prices: PriceTable

  func callContext(ledger: RunLedger, events: RunEventEmitter? = nil, deadline: Double? = nil) -> CallContext {
    CallContext(
      models: models, limiter: limiter, timeouts: timeouts, clock: clock, random: random, retry: configuration.retry,
      prices: prices,
      ledger: ledger, events: events, deadline: deadline)
  }
}

extension EngineServices {
  /// The model a call will try first, by name (the resolver's default when the configuration names none).
  func primaryModel(for role: ModelRole, requested: String?, subtaskType: String? = nil) -> String {
    configuration.candidates(for: role, requested: requested, subtaskType: subtaskType).first.flatMap { $0 }
      ?? models.defaultModel.description
  }
}
