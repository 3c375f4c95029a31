import Foundation
import LLM

/// Reads run journals written by this or an earlier process.
package struct JournalReader: Sendable {
  package let directory: String

  package init(stateDirectory: String) {
    directory = (stateDirectory as NSString).expandingTildeInPath + "/runs"
  }

  package func path(of runId: String) -> String { "\(directory)/\(runId).jsonl" }

  /// The report of `runId`: the journal's final report, or one rebuilt from its steps when the process that
  /// wrote it stopped before the run ended (status `interrupted`). Nil when there is no such journal.
  func report(runId: String) throws -> RunReport? {
    guard Identifiers.isSafe(runId), let data = FileManager.default.contents(atPath: path(of: runId)) else {
      return nil
    }
    let decoder = JSONDecoder()
    var header: JournalRecord?
    var plan: Plan?
    var steps: [JournalStep] = []
    var skipped: [SubtaskOutcome] = []
    var lastAt = 0.0
    for line in data.split(separator: 0x0a) where !line.isEmpty {
      // A line cut short by a crash is the last one; what came before still tells the story.
      guard let record = try? decoder.decode(JournalRecord.self, from: line) else { continue }
      lastAt = record.at
      switch record.kind {
      case .report:
        if let report = record.report { return report }
      case .run: header = record
      case .plan: plan = record.plan ?? plan
      case .approval:
        if case .edit(let edited) = record.decision { plan = edited }
      case .step: if let step = record.step { steps.append(step) }
      case .event:
        if case .subtaskSkipped(let outcome, _) = record.event?.payload { skipped.append(outcome) }
      case .end: break
      }
    }
    guard let header else { return nil }
    return rebuild(runId: runId, header: header, plan: plan, steps: steps, skipped: skipped, lastAt: lastAt)
  }

  /// One summary per journal on disk, newest first.
  package func summaries() -> [RunSummary] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    var summaries: [RunSummary] = []
    for name in names where name.hasSuffix(".jsonl") {
      let runId = String(name.dropLast(".jsonl".count))
      guard Identifiers.isSafe(runId), let summary = summary(runId: runId) else { continue }
      summaries.append(summary)
    }
    return summaries.sorted { $0.startedAt > $1.startedAt }
  }

  /// Reads the first line (the request) and the last (the `end` record), not what lies between.
  func summary(runId: String) -> RunSummary? {
    guard let handle = FileHandle(forReadingAtPath: path(of: runId)) else { return nil }
    defer { try? handle.close() }
    let decoder = JSONDecoder()
    var head = Data()
    while !head.contains(0x0a), let chunk = try? handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
      head.append(chunk)
      if head.count > 16 * 1024 * 1024 { return nil }
    }
    guard let firstLine = head.split(separator: 0x0a).first,
      let first = try? decoder.decode(JournalRecord.self, from: firstLine), first.kind == .run
    else { return nil }
    let started = Self.timestamp(first.at)
    var summary = RunSummary(runId: runId, status: .interrupted, task: first.request?.task ?? "", startedAt: started)

    guard let size = try? handle.seekToEnd() else { return summary }
    let tailLength = min(size, 4096)
    try? handle.seek(toOffset: size - tailLength)
    if let tail = try? handle.readToEnd(), let lastLine = tail.split(separator: 0x0a).last,
      let last = try? decoder.decode(JournalRecord.self, from: lastLine), last.kind == .end
    {
      summary.status = last.status ?? .interrupted
      summary.finishedAt = Self.timestamp(last.at)
      summary.costUSD = last.costUSD
      summary.subtasks = last.subtasks
    }
    return summary
  }

  private func rebuild(
    runId: String, header: JournalRecord, plan: Plan?, steps: [JournalStep], skipped: [SubtaskOutcome], lastAt: Double
  ) -> RunReport {
    var byId: [String: SubtaskOutcome] = [:]
    for outcome in skipped { byId[outcome.subtaskId] = outcome }
    var usage = Usage()
    var cost = 0.0
    var planning: CallStatistics?
    for step in steps {
      usage += step.usage
      cost += step.costUSD ?? 0
      let summary = CallStatistics(
        model: step.model ?? "", usage: step.usage, costUSD: step.costUSD, attempts: step.attempts,
        durationMs: step.durationMs)
      switch step.role {
      case .planner: planning = summary
      case .worker, .router:
        guard let id = step.subtaskId else { continue }
        byId[id] = SubtaskOutcome(
          subtaskId: id, status: step.status, output: step.output, error: step.error, usage: step.usage,
          costUSD: step.costUSD, attempts: step.attempts, durationMs: step.durationMs, model: step.model,
          finishReason: step.finishReason)
      case .synthesizer: break
      }
    }
    let results = (plan?.subtasks ?? []).map {
      byId[$0.id]
        ?? SubtaskOutcome(subtaskId: $0.id, status: .pending, error: "no record of this subtask in the journal")
    }
    return RunReport(
      runId: runId, status: .interrupted, task: header.request?.task ?? "", plan: plan, results: results,
      error: "the process that ran this run stopped before it finished", usage: usage, costUSD: cost,
      planning: planning, startedAt: Self.timestamp(header.at), durationMs: max(0, lastAt - header.at) * 1000)
  }

  static func timestamp(_ secondsSince1970: Double) -> String {
    Date(timeIntervalSince1970: secondsSince1970).formatted(.iso8601)
  }
}
