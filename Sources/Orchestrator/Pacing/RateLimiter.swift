import Foundation
import Synchronization
import LLM

/// Paces calls per provider, shared by every run of an engine so concurrent runs do not starve each other's
/// allowance. The policy lives in `ProviderPacing`; this type adds the lock and the waiting.
final class RateLimiter: Sendable {
  /// A call let through; hand it back with the outcome so the limiter can learn from it.
  struct Ticket: Sendable {
    let provider: String
    let permit: ProviderPacing.Permit
  }

  /// What the limiter currently believes about a provider (for events, tests and diagnostics).
  struct Status: Sendable, Equatable {
    var requestsPerSecond: Double
    var burst: Double
    var coolDownUntil: Double?
    var learned: Bool
  }

  private struct Reservation {
    var start: Double
    var generation: Int
    var permit: ProviderPacing.Permit?
  }

  private let providers: Mutex<[String: ProviderPacing]>
  private let configured: [String: RateLimit]
  private let clock: EngineClock

  init(configured: [String: RateLimit], clock: EngineClock) {
    self.configured = configured
    self.clock = clock
    providers = Mutex([:])
  }

  /// Waits (on the engine's clock) until a request of about `tokenCost` tokens may be sent to `provider`.
  /// A waiter whose slot was invalidated by a 429 meanwhile queues again. Cancellation returns the slot.
  func acquire(provider: String, tokenCost: Double) async throws -> Ticket {
    var waited = false
    while true {
      let now = clock.now
      let attempt: Reservation = providers.withLock { table in
        let reservation = table[provider, default: makePacing(provider, now)].reserve(tokenCost: tokenCost, now: now)
        guard reservation.start <= now else {
          return Reservation(start: reservation.start, generation: reservation.generation, permit: nil)
        }
        let permit = table[provider]!.send(
          generation: reservation.generation, tokenCost: tokenCost, now: now, waited: waited)
        return Reservation(start: reservation.start, generation: reservation.generation, permit: permit)
      }
      let (start, generation, permit) = (attempt.start, attempt.generation, attempt.permit)
      if let permit { return Ticket(provider: provider, permit: permit) }

      do {
        try await clock.sleep(until: start)
      } catch {
        providers.withLock { $0[provider]?.abandon(generation: generation, tokenCost: tokenCost) }
        throw error
      }
      waited = true
      let sentAt = clock.now
      let sent = providers.withLock {
        $0[provider]?.send(generation: generation, tokenCost: tokenCost, now: sentAt, waited: true)
      }
      if let sent { return Ticket(provider: provider, permit: sent) }
    }
  }

  func succeeded(_ ticket: Ticket, usage: Usage, snapshot: RateLimitSnapshot?) {
    let now = clock.now
    providers.withLock {
      $0[ticket.provider]?.succeeded(ticket.permit, actualTokens: usage.totalTokens, snapshot: snapshot, now: now)
    }
  }

  func rateLimited(_ ticket: Ticket, retryAfter: Double?, snapshot: RateLimitSnapshot?) {
    let now = clock.now
    providers.withLock {
      $0[ticket.provider]?.rateLimited(ticket.permit, retryAfter: retryAfter, snapshot: snapshot, now: now)
    }
  }

  func failed(_ ticket: Ticket, snapshot: RateLimitSnapshot?) {
    let now = clock.now
    providers.withLock { $0[ticket.provider]?.failed(ticket.permit, snapshot: snapshot, now: now) }
  }

  func status(of provider: String) -> Status? {
    let now = clock.now
    return providers.withLock { table in
      guard let pacing = table[provider] else { return nil }
      return Status(
        requestsPerSecond: pacing.requestRate, burst: pacing.requests.capacity,
        coolDownUntil: pacing.requests.time > now ? pacing.requests.time : nil, learned: pacing.isLimitKnown)
    }
  }

  private func makePacing(_ provider: String, _ now: Double) -> ProviderPacing {
    ProviderPacing(configured: configured[provider], now: now)
  }
}
