/// Where a run's record is announced: its event stream and its journal. Only a run has outlets (a plan
/// made by the `plan` method does not), and they close when the run ends.
struct RunOutlets: Sendable {
  let emitter: RunEventEmitter
  let journal: RunJournal?
  /// Why the journal could not be opened (the run goes on without it).
  let journalError: String?
  let clock: EngineClock

  /// The running totals, at most every `RunEventEmitter.usageInterval` unless `force`d.
  func emitUsage(_ ledger: RunLedger, force: Bool) {
    let (usage, cost) = ledger.totals
    emitter.emitUsage(usage, costUSD: cost, now: clock.now, force: force)
  }
}
