import LLM

/// A run's totals as its journal tells them.
///
/// A run that ended wrote them in its report, and those are the run's own figures. A run whose process
/// stopped first has only its steps, each with its own usage and cost: the totals are their sums, and the
/// duration runs from the `run` record to the latest record.
package struct JournalTotals: Sendable, Equatable {
  package var usage = Usage()
  package var costUSD = 0.0
  /// Models that used tokens without a known price, so `costUSD` leaves them out; sorted.
  package var unpricedModels: [String] = []
  package var durationMs = 0.0

  init(report: RunReport?, steps: [JournalStep], startedAt: Double?, lastAt: Double) {
    if let report {
      usage = report.usage
      costUSD = report.costUSD
      unpricedModels = report.unpricedModels ?? []
      durationMs = report.durationMs
      return
    }
    var unpriced = Set<String>()
    for step in steps {
      usage += step.usage
      costUSD += step.costUSD ?? 0
      if step.costUSD == nil, step.usage.totalTokens > 0, let model = step.model { unpriced.insert(model) }
    }
    unpricedModels = unpriced.sorted()
    durationMs = startedAt.map { max(0, lastAt - $0) * 1000 } ?? 0
  }
}
