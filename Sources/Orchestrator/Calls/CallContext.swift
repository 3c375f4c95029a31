import Foundation
import LLM

/// What every model call of a run (or of one standalone operation) shares.
struct CallContext: Sendable {
  let models: any ModelResolving
  let limiter: RateLimiter
  let timeouts: AttemptTimeouts
  let clock: EngineClock
  let random: any RandomSource
  let retry: RetryPolicy
  let prices: PriceTable
  let ledger: RunLedger
  /// nil for standalone operations, which report retries only through `attempts`.
  let events: RunEventEmitter?
  /// The run's deadline in engine seconds: a retry that would wait past it fails instead.
  let deadline: Double?
}
