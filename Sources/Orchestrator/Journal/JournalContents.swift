import Foundation
import LLM

/// A run journal read once, top to bottom, into what the run was: its request, its plan as it ran (edits
/// applied), the approval, the steps and kept events, the final report and `end` record when the run got
/// that far, and its totals, worked out here and nowhere else.
///
/// `runs/get` rebuilds an interrupted run's report from it and `baton report` draws its timeline from it, so
/// the two cannot disagree about a journal. `lenient(_:)` and `strict(_:path:)` turn bytes into one.
package struct JournalContents: Sendable {
  /// Every record read, in the order it was journaled (the timeline needs steps and events interleaved).
  package var records: [JournalRecord]
  /// The `run` record: the first line, as the engine writes it.
  package var header: JournalRecord?
  /// The plan the workers ran: the last one journaled, or the approver's edit of it.
  package var plan: Plan?
  package var approval: JournalApproval?
  package var steps: [JournalStep]
  /// The events worth keeping (retries, skips), as journaled.
  package var events: [RunEvent]
  /// The final report, written when the run ended; nil for a run whose process stopped first.
  package var report: RunReport?
  /// When the report was journaled.
  package var reportAt: Double?
  package var end: JournalRecord?
  /// The latest time on any record, seconds since 1970.
  package var lastAt: Double
  package var totals: JournalTotals
  /// 1-based numbers of lines set aside: a last line cut short by a crash, or (read leniently) any line
  /// that is not a record.
  package var skippedLines: [Int]

  package init(records: [JournalRecord], skippedLines: [Int] = []) {
    self.records = records
    self.skippedLines = skippedLines
    header = nil
    plan = nil
    approval = nil
    steps = []
    events = []
    report = nil
    reportAt = nil
    end = nil
    lastAt = records.first?.at ?? 0
    var planAt: Double?
    for record in records {
      lastAt = max(lastAt, record.at)
      switch record.kind {
      case .run:
        if header == nil { header = record }
      case .plan:
        guard let recordPlan = record.plan else { continue }
        plan = recordPlan
        // An edited plan is published again after the approval; the review started with the first.
        if approval == nil { planAt = record.at }
      case .approval:
        guard let decision = record.decision else { continue }
        approval = JournalApproval(decision: decision, at: record.at, planAt: planAt)
        if case .edit(let edited) = decision { plan = edited }
      case .step:
        if let step = record.step { steps.append(step) }
      case .event:
        if let event = record.event { events.append(event) }
      case .report:
        if report == nil, let recordReport = record.report { (report, reportAt) = (recordReport, record.at) }
      case .end:
        end = record
      }
    }
    totals = JournalTotals(report: report, steps: steps, startedAt: header?.at, lastAt: lastAt)
  }

  package var request: RunRequest? { header?.request }

  /// Whether the run got as far as its report or `end` record.
  package var isFinished: Bool { end != nil || report != nil }

  /// The status the run ended with; `interrupted` when the journal stops before it ended.
  package var status: RunStatus { end?.status ?? report?.status ?? .interrupted }
}

/// The approver's decision on a plan, and how long the review took.
package struct JournalApproval: Sendable {
  package var decision: PlanDecision
  package var at: Double
  /// When the plan under review was journaled; nil if no plan record came before the decision.
  package var planAt: Double?
}
