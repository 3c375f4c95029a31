import LLM

/// What `runs/get` and `runs/list` answer from a journal.
extension JournalContents {
  /// The report of a run whose process stopped before writing one (status `interrupted`), rebuilt from its
  /// steps: each subtask of the plan as its last step or skip left it, `pending` when neither was journaled.
  /// Nil without a `run` record to say what the run was.
  func interruptedReport(runId: String) -> RunReport? {
    guard let header else { return nil }
    var byId: [String: SubtaskOutcome] = [:]
    for event in events {
      if case .subtaskSkipped(let outcome, _) = event.payload { byId[outcome.subtaskId] = outcome }
    }
    var planning: CallStatistics?
    for step in steps {
      switch step.role {
      case .planner:
        planning = step.statistics
      case .worker, .router:
        guard let id = step.subtaskId else { continue }
        byId[id] = SubtaskOutcome(
          subtaskId: id, status: step.status, output: step.output, error: step.error, statistics: step.statistics)
      case .synthesizer: break
      }
    }
    let results = (plan?.subtasks ?? []).map {
      byId[$0.id]
        ?? SubtaskOutcome(subtaskId: $0.id, status: .pending, error: "no record of this subtask in the journal")
    }
    return RunReport(
      runId: runId, status: .interrupted, task: request?.task ?? "", plan: plan, results: results,
      error: "the process that ran this run stopped before it finished", usage: totals.usage,
      costUSD: totals.costUSD, planning: planning, startedAt: JournalReader.timestamp(header.at),
      durationMs: totals.durationMs)
  }

  /// The run's line in `runs/list`. `JournalReader` builds this from the first and last lines alone (the
  /// `run` and `end` records), which is all it needs.
  func summary(runId: String) -> RunSummary? {
    guard let header else { return nil }
    var summary = RunSummary(
      runId: runId, status: status, task: request?.task ?? "", startedAt: JournalReader.timestamp(header.at))
    if let end {
      summary.finishedAt = JournalReader.timestamp(end.at)
      summary.costUSD = end.costUSD
      summary.subtasks = end.subtasks
    }
    return summary
  }
}
