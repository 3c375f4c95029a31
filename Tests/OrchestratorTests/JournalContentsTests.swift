import Foundation
import Testing
@testable import JSON
@testable import LLM
@testable import Orchestrator

/// The one journal reader: hand-written journals with exact times, read leniently (`runs/get`, `runs/list`)
/// and strictly (`baton report`).
@Suite(.timeLimit(.minutes(1)))
struct JournalContentsTests {
  static let origin = 1_700_000_000.0

  static func record(_ kind: JournalRecord.Kind, at offset: Double, _ fill: (inout JournalRecord) -> Void = { _ in })
    -> JournalRecord
  {
    var record = JournalRecord(kind)
    record.at = origin + offset
    fill(&record)
    return record
  }

  static func header() -> JournalRecord {
    record(.run, at: 0) {
      $0.runId = "run-contents"
      $0.request = RunRequest(task: "the task")
    }
  }

  static func plan(_ ids: [String], at offset: Double, objective: String = "the objective") -> JournalRecord {
    record(.plan, at: offset) {
      $0.plan = Plan(
        planId: "plan-1", objective: objective, subtasks: ids.map { Subtask(id: $0, name: $0, description: "do \($0)") })
    }
  }

  static func step(
    _ role: ModelRole, _ subtaskId: String? = nil, at offset: Double, usage: Usage, costUSD: Double?,
    model: String = "p:m"
  ) -> JournalRecord {
    record(.step, at: offset) {
      $0.step = JournalStep(
        role: role, subtaskId: subtaskId, status: .completed, system: nil, messages: [.user("go")],
        output: "out \(subtaskId ?? role.rawValue)",
        statistics: CallStatistics(model: model, usage: usage, costUSD: costUSD, attempts: 1, durationMs: 250))
    }
  }

  static func skip(_ subtaskId: String, at offset: Double) -> JournalRecord {
    record(.event, at: offset) {
      $0.event = RunEvent(
        runId: "run-contents", seq: 5,
        payload: .subtaskSkipped(
          SubtaskOutcome(subtaskId: subtaskId, status: .skipped, error: "the budget is exhausted"),
          progress: RunProgress(completed: 1, total: 3)))
    }
  }

  /// A run stopped after s1 ran and s2 was skipped: s3 never started, no report, no `end`.
  static func interrupted() -> [JournalRecord] {
    [
      header(),
      step(.planner, at: 1, usage: Usage(inputTokens: 100, outputTokens: 20), costUSD: 0.25),
      plan(["s1", "s2", "s3"], at: 1),
      step(.worker, "s1", at: 2, usage: Usage(inputTokens: 50, outputTokens: 7), costUSD: 0.125),
      skip("s2", at: 2.5),
      step(.worker, "s3", at: 4, usage: Usage(inputTokens: 5, outputTokens: 1), costUSD: nil, model: "p:free"),
    ]
  }

  static func bytes(_ records: [JournalRecord]) throws -> Data {
    var data = Data()
    for record in records {
      data.append(contentsOf: try JSONCoding.encode(record))
      data.append(0x0a)
    }
    return data
  }

  /// Writes `data` as the journal of run-contents in a fresh state directory, which is returned.
  static func stateDirectory(with data: Data) throws -> String {
    let directory = JournalTests.temporaryDirectory()
    try FileManager.default.createDirectory(atPath: "\(directory)/runs", withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: "\(directory)/runs/run-contents.jsonl"))
    return directory
  }

  @Test func tornLastLineIsSetAsideInBothReadings() throws {
    var data = try Self.bytes(Self.interrupted())
    let full = try Self.bytes([Self.record(.end, at: 5) { $0.status = .completed }])
    data.append(full.prefix(full.count / 2))
    let lastLine = Self.interrupted().count + 1

    let lenient = JournalContents.lenient(data)
    #expect(lenient.records.count == Self.interrupted().count)
    #expect(lenient.skippedLines == [lastLine])
    #expect(lenient.end == nil)
    #expect(lenient.status == .interrupted)
    #expect(!lenient.isFinished)

    let strict = try JournalContents.strict(data, path: "j.jsonl")
    #expect(strict.records.count == lenient.records.count)
    #expect(strict.skippedLines == [lastLine])

    let directory = try Self.stateDirectory(with: data)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let reader = JournalReader(stateDirectory: directory)
    #expect(try reader.report(runId: "run-contents")?.status == .interrupted)
    // The torn last line is not an `end` record: the summary says the run was interrupted.
    #expect(reader.summaries().map(\.status) == [.interrupted])
  }

  @Test func corruptMiddleLineIsSkippedLenientlyAndNamedStrictly() throws {
    var lines = try Self.bytes(Self.interrupted()).split(separator: 0x0a).map { Data($0) }
    lines[2] = Data("not json at all".utf8)
    let data = Data(lines.joined(separator: [0x0a])) + Data([0x0a])

    let lenient = JournalContents.lenient(data)
    #expect(lenient.skippedLines == [3])
    #expect(lenient.plan == nil)
    #expect(lenient.steps.count == 3)

    #expect(throws: JournalReadError(.corrupt, path: "j.jsonl", line: 3, "not a journal record: not valid JSON")) {
      try JournalContents.strict(data, path: "j.jsonl")
    }
    lines[2] = Data(#"{"kind": "plan", "at": "yesterday"}"#.utf8)
    let mistyped = #expect(throws: JournalReadError.self) {
      try JournalContents.strict(Data(lines.joined(separator: [0x0a])), path: "j.jsonl")
    }
    #expect(mistyped?.description == "j.jsonl:3: not a journal record: expected a number, got string at at")
  }

  @Test func strictReadingWantsARunJournal() throws {
    #expect(throws: JournalReadError(.notAJournal, path: "j", "the file is empty, not a run journal")) {
      try JournalContents.strict(Data("\n  \n".utf8), path: "j")
    }
    let torn = try Self.bytes([Self.header()]).dropLast(3)
    let onlyLine = #expect(throws: JournalReadError.self) { try JournalContents.strict(Data(torn), path: "j") }
    #expect(onlyLine?.line == 1)
    #expect(onlyLine?.kind == .notAJournal)
    let headless = #expect(throws: JournalReadError.self) {
      try JournalContents.strict(try Self.bytes(Array(Self.interrupted().dropFirst())), path: "j")
    }
    #expect(headless?.description == "j:1: a run journal starts with a \"run\" record, this one with \"step\"")
  }

  @Test func interruptedRunIsRebuiltWithItsTotals() throws {
    let contents = JournalContents.lenient(try Self.bytes(Self.interrupted()))
    // Summed once from the steps: 0.25 + 0.125 priced, p:free used tokens without a price.
    #expect(contents.totals.usage == Usage(inputTokens: 155, outputTokens: 28))
    #expect(contents.totals.costUSD == 0.375)
    #expect(contents.totals.unpricedModels == ["p:free"])
    #expect(contents.totals.durationMs == 4000)

    let directory = try Self.stateDirectory(with: try Self.bytes(Self.interrupted()))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let report = try #require(try JournalReader(stateDirectory: directory).report(runId: "run-contents"))
    #expect(report.status == .interrupted)
    #expect(report.task == "the task")
    #expect(report.usage == contents.totals.usage)
    #expect(report.costUSD == 0.375)
    #expect(report.durationMs == 4000)
    #expect(report.planning?.usage == Usage(inputTokens: 100, outputTokens: 20))
    #expect(report.results.map(\.status) == [.completed, .skipped, .completed])
    #expect(report.results[0].output == "out s1")
    #expect(report.results[1].error == "the budget is exhausted")
    #expect(report.startedAt == JournalReader.timestamp(Self.origin))

    // Without s3's step it is pending: the journal has no record of it.
    let stopped = JournalContents.lenient(try Self.bytes(Array(Self.interrupted().dropLast())))
    let partial = try #require(stopped.interruptedReport(runId: "run-contents"))
    #expect(partial.results.map(\.status) == [.completed, .skipped, .pending])
    #expect(partial.durationMs == 2500)
  }

  @Test func finishedRunTakesItsTotalsFromTheReport() throws {
    let final = RunReport(
      runId: "run-contents", status: .completed, task: "the task", usage: Usage(inputTokens: 1, outputTokens: 2),
      costUSD: 9, unpricedModels: ["x:y"], startedAt: "then", durationMs: 1234)
    let records =
      Self.interrupted() + [
        Self.record(.report, at: 6) { $0.report = final },
        Self.record(.end, at: 6) {
          $0.status = .completed
          $0.costUSD = 9
          $0.subtasks = 3
        },
      ]
    let contents = JournalContents.lenient(try Self.bytes(records))
    #expect(contents.report == final)
    #expect(contents.reportAt == Self.origin + 6)
    #expect(contents.totals == JournalTotals(report: final, steps: [], startedAt: nil, lastAt: 0))
    #expect(contents.totals.durationMs == 1234)
    #expect(contents.status == .completed)

    let directory = try Self.stateDirectory(with: try Self.bytes(records))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let reader = JournalReader(stateDirectory: directory)
    #expect(try reader.report(runId: "run-contents") == final)
    let summary = try #require(reader.summaries().first)
    #expect(summary == contents.summary(runId: "run-contents"))
    #expect(summary.status == .completed)
    #expect(summary.costUSD == 9)
    #expect(summary.subtasks == 3)
    #expect(summary.finishedAt == JournalReader.timestamp(Self.origin + 6))
  }

  @Test func editedPlanIsThePlanTheWorkersRan() throws {
    let edited = Plan(
      planId: "plan-1", objective: "edited", subtasks: [Subtask(id: "e1", name: "e1", description: "edited one")])
    let records = [
      Self.header(),
      Self.step(.planner, at: 1, usage: Usage(inputTokens: 10, outputTokens: 5), costUSD: nil),
      Self.plan(["s1", "s2"], at: 1),
      Self.record(.approval, at: 4) { $0.decision = .edit(edited) },
      // The engine publishes the edited plan again after the decision.
      Self.record(.plan, at: 4) { $0.plan = edited },
      Self.step(.worker, "e1", at: 5, usage: Usage(inputTokens: 3, outputTokens: 3), costUSD: nil),
    ]
    let contents = JournalContents.lenient(try Self.bytes(records))
    #expect(contents.plan == edited)
    #expect(contents.approval?.planAt == Self.origin + 1)  // the review began with the first plan
    #expect(contents.approval?.at == Self.origin + 4)
    let report = try #require(contents.interruptedReport(runId: "run-contents"))
    #expect(report.plan == edited)
    #expect(report.results.map(\.subtaskId) == ["e1"])
    #expect(report.results.map(\.status) == [.completed])

    // Edited in the approval alone (no plan record after it): the edit still wins.
    let withoutRepublish = JournalContents(records: Array(records.prefix(4)))
    #expect(withoutRepublish.plan == edited)
  }

  @Test func fastStepLinesReadBackLikeCodableOnes() throws {
    let step = JournalStep(
      role: .worker, subtaskId: "s1", status: .failed, system: "sys \"quoted\"",
      messages: [.user("line1\nline2\t\u{1}\\ é 🚀 </input>"), .assistant("ok")], output: nil,
      json: ["b": [1, 2.5, nil], "a": "x"],
      statistics: CallStatistics(
        model: "p:m", usage: Usage(inputTokens: 3, outputTokens: 4), costUSD: 0.000125, attempts: 2,
        durationMs: 12.75, finishReason: .length),
      error: "HTTP 500")
    let record = JournalRecord.step(step)
    let fast = try JournalContents.record(line: Data(try #require(record.fastLine())))
    let general = try JournalContents.record(line: Data(try JSONCoding.encode(record)))
    #expect(fast.at == record.at)
    #expect(try JSONCoding.jsonValue(fast) == (try JSONCoding.jsonValue(general)))
    #expect(fast.step?.messages[0].content == step.messages[0].content)
    #expect(fast.step?.json == step.json)
    // Records other than steps take the general path.
    #expect(JournalRecord(.end).fastLine() == nil)
  }
}
