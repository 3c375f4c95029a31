import Foundation
import Synchronization
import LLM

/// What a run has spent and may still spend.
///
/// Calls reserve their estimated cost before they start (prompt bytes / 4 + the output cap, at the model's
/// price) and settle to the actual usage after, so parallel calls cannot overshoot a budget together.
/// A model without a known price is held to the token budget only, and listed in the report.
final class RunLedger: Sendable {
  struct Reservation: Sendable {
    fileprivate let tokens: Int
    fileprivate let cost: Double
  }

  let budget: Budget
  private let state = Mutex(State())

  private struct State {
    var usage = Usage()
    var cost = 0.0
    var reservedTokens = 0
    var reservedCost = 0.0
    var unpriced: Set<String> = []
    var exceeded: String?
  }

  init(budget: Budget?) {
    self.budget = budget ?? Budget()
  }

  /// Reserves room for a call, or throws `EngineError(.budgetExceeded)` (and remembers why) when it would
  /// not fit.
  func reserve(tokens: Int, cost: Double?, model: String) throws -> Reservation {
    try state.withLock { state in
      if let maxTokens = budget.maxTokens,
        state.usage.totalTokens.adding(saturating: state.reservedTokens).adding(saturating: tokens) > maxTokens
      {
        let reason =
          "the next \(model) call (about \(tokens) tokens) would take the run past its budget of \(maxTokens) tokens "
          + "(\(state.usage.totalTokens) spent, \(state.reservedTokens) reserved by calls in flight)"
        state.exceeded = state.exceeded ?? reason
        throw EngineError(.budgetExceeded, reason)
      }
      if cost == nil { state.unpriced.insert(model) }
      if let maxCost = budget.maxCostUSD, let cost, state.cost + state.reservedCost + cost > maxCost {
        let reason =
          "the next \(model) call (about $\(Self.dollars(cost))) would take the run past its budget of "
          + "$\(Self.dollars(maxCost)) ($\(Self.dollars(state.cost)) spent, "
          + "$\(Self.dollars(state.reservedCost)) reserved)"
        state.exceeded = state.exceeded ?? reason
        throw EngineError(.budgetExceeded, reason)
      }
      state.reservedTokens = state.reservedTokens.adding(saturating: tokens)
      state.reservedCost += cost ?? 0
      return Reservation(tokens: tokens, cost: cost ?? 0)
    }
  }

  /// Replaces a reservation by what the call actually used (nothing, when it failed).
  func settle(_ reservation: Reservation, usage: Usage, cost: Double?) {
    state.withLock { state in
      state.reservedTokens -= reservation.tokens
      state.reservedCost -= reservation.cost
      state.usage += usage
      state.cost += cost ?? 0
    }
  }

  var totals: (usage: Usage, costUSD: Double) { state.withLock { ($0.usage, $0.cost) } }
  var unpricedModels: [String] { state.withLock { $0.unpriced.sorted() } }
  /// Why a call was refused, once one was.
  var exceededReason: String? { state.withLock { $0.exceeded } }

  private static func dollars(_ value: Double) -> String { String(format: "%.4f", value) }
}
