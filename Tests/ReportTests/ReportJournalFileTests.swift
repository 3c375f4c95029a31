import Foundation
import Testing
@testable import Orchestrator
@testable import Report

/// Finding, reading and decoding journal files: clear errors, and journals cut short still render.
@Suite(.timeLimit(.minutes(1)))
struct ReportJournalFileTests {
  static func completeRun() -> [JournalRecord] {
    [
      ReportFixture.header(),
      ReportFixture.step(.planner, at: 1, durationMs: 1000),
      ReportFixture.plan(["s1", "s2"], at: 1),
      ReportFixture.step(.worker, "s1", at: 2, durationMs: 1000),
      ReportFixture.step(.worker, "s2", at: 2.5, durationMs: 1500),
      ReportFixture.step(.synthesizer, at: 3, durationMs: 500),
      ReportFixture.end(.completed, at: 3),
    ]
  }

  @Test func journalCutMidLineRendersWhatIsThere() throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = "\(directory)/runs/run-test.jsonl"
    try ReportFixture.write(Array(Self.completeRun().prefix(5)), to: path)
    // A crash in the middle of the fifth record's write: half a line, no newline.
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    let lines = data.split(separator: 0x0a)
    data = Data(lines.prefix(4).joined(separator: [0x0a])) + Data([0x0a]) + Data(lines[4].prefix(lines[4].count / 2))
    try data.write(to: URL(fileURLWithPath: path))

    let page = RenderedPage(html: try RunReportPage.html(forJournalAt: path))
    #expect(page.text(ofId: "run-status") == "interrupted")
    #expect(page.html.contains("Line 5 of the journal is cut short"))
    #expect(page.html.contains("The journal has no report"))
    #expect(page.rows.map(\.label) == ["completed", "completed", "no record"])
    #expect(page.text(ofId: "tokens-in") == "20")  // summed from the two steps journaled
    #expect(page.text(ofId: "cost") == "unknown")  // their model has no price (costUSD nil)
  }

  @Test func corruptLineIsAnErrorNamingFileAndLine() throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = "\(directory)/runs/run-test.jsonl"
    try ReportFixture.write(Self.completeRun(), to: path)
    var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[2] = "{\"kind\": \"plan\", \"at\": \"yesterday\"}"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

    let error = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: path) }
    #expect(error?.kind == .corrupt)
    #expect(error?.line == 3)
    #expect(error?.description.hasPrefix("\(path):3: not a journal record") == true)
    #expect(error?.description.contains("at") == true)

    lines[2] = "not json at all"
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let garbage = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: path) }
    #expect(garbage?.description == "\(path):3: not a journal record: not valid JSON")
  }

  @Test func filesThatAreNotJournalsAreClearErrors() throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

    let missing = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: "\(directory)/nope.jsonl") }
    #expect(missing?.kind == .notFound)
    #expect(missing?.description == "\(directory)/nope.jsonl: no such journal")

    let empty = "\(directory)/empty.jsonl"
    try Data().write(to: URL(fileURLWithPath: empty))
    #expect(throws: ReportPageError(.notAJournal, path: empty, "the file is empty, not a run journal")) {
      try RunReportPage.html(forJournalAt: empty)
    }

    let headless = "\(directory)/headless.jsonl"
    try ReportFixture.write(Array(Self.completeRun().dropFirst()), to: headless)
    let noHeader = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: headless) }
    #expect(noHeader?.kind == .notAJournal)
    #expect(noHeader?.line == 1)

    let folder = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: directory) }
    #expect(folder?.kind == .unreadable)

    if getuid() != 0 {  // root reads anything
      let locked = "\(directory)/locked.jsonl"
      try ReportFixture.write(Self.completeRun(), to: locked)
      chmod(locked, 0)
      let unreadable = #expect(throws: ReportPageError.self) { try RunReportPage.html(forJournalAt: locked) }
      #expect(unreadable?.kind == .unreadable)
    }
  }

  @Test func journalsAreFoundByRunIdPrefixOrLatest() throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for (id, start) in [("run-20260101T100000-aaaa", 0.0), ("run-20260101T110000-bbbb", 10), ("run-20260101T110000-cccc", 5)] {
      var records = Self.completeRun()
      records[0].runId = id
      records[0].at = 1_700_000_000 + start
      try ReportFixture.write(records, to: "\(directory)/runs/\(id).jsonl")
    }
    let runs = "\(directory)/runs"
    #expect(try RunReportPage.journalPath(runId: "run-20260101T100000-aaaa", stateDirectory: directory)
      == "\(runs)/run-20260101T100000-aaaa.jsonl")
    #expect(try RunReportPage.journalPath(runId: "run-20260101T10", stateDirectory: directory)
      == "\(runs)/run-20260101T100000-aaaa.jsonl")
    #expect(try RunReportPage.journalPath(runId: "latest", stateDirectory: directory)
      == "\(runs)/run-20260101T110000-bbbb.jsonl")

    let ambiguous = #expect(throws: ReportPageError.self) {
      try RunReportPage.journalPath(runId: "run-20260101T11", stateDirectory: directory)
    }
    #expect(ambiguous?.kind == .invalidRunId)
    #expect(ambiguous?.message.contains("matches 2 runs") == true)
    let unknown = #expect(throws: ReportPageError.self) {
      try RunReportPage.journalPath(runId: "run-2027", stateDirectory: directory)
    }
    #expect(unknown?.kind == .notFound)
    #expect(unknown?.description == "\(runs): no journal for run \"run-2027\"")
    let traversal = #expect(throws: ReportPageError.self) {
      try RunReportPage.journalPath(runId: "../../etc/passwd", stateDirectory: directory)
    }
    #expect(traversal?.kind == .invalidRunId)
    let nowhere = #expect(throws: ReportPageError.self) {
      try RunReportPage.journalPath(runId: "latest", stateDirectory: "\(directory)/elsewhere")
    }
    #expect(nowhere?.kind == .notFound)

    let html = try RunReportPage.html(runId: "run-20260101T100000-aaaa", stateDirectory: directory)
    #expect(html.contains("run-20260101T100000-aaaa"))
  }
}
