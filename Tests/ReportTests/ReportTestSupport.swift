import Foundation
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

/// Helpers for the report page tests: journals written by hand or by a real engine, and a few looks into
/// the rendered HTML.
enum ReportFixture {
  static func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("baton-report-\(UUID().uuidString)").path
  }

  /// A record of `kind` written `offset` seconds after 1 700 000 000 (a fixed origin, so times are exact).
  static func record(_ kind: JournalRecord.Kind, at offset: Double, _ fill: (inout JournalRecord) -> Void = { _ in })
    -> JournalRecord
  {
    var record = JournalRecord(kind)
    record.at = 1_700_000_000 + offset
    fill(&record)
    return record
  }

  static func step(
    _ role: ModelRole, _ subtaskId: String? = nil, status: SubtaskStatus = .completed, at offset: Double,
    durationMs: Double, usage: Usage = Usage(inputTokens: 10, outputTokens: 5), costUSD: Double? = nil,
    attempts: Int = 1, output: String? = "output", error: String? = nil, model: String = "fake:default"
  ) -> JournalRecord {
    record(.step, at: offset) {
      $0.step = JournalStep(
        role: role, subtaskId: subtaskId, status: status, system: "system prompt",
        messages: [.user("prompt for \(subtaskId ?? role.rawValue)")], output: output,
        statistics: CallStatistics(
          model: model, usage: usage, costUSD: costUSD, attempts: attempts, durationMs: durationMs),
        error: error)
    }
  }

  static func plan(_ ids: [String], at offset: Double) -> JournalRecord {
    record(.plan, at: offset) {
      $0.plan = Plan(
        planId: "plan-1", objective: "the objective",
        subtasks: ids.map { Subtask(id: $0, name: "name \($0)", description: "do \($0)") })
    }
  }

  static func retry(_ subtaskId: String?, role: ModelRole = .worker, attempt: Int, at offset: Double, delay: Double)
    -> JournalRecord
  {
    record(.event, at: offset) {
      $0.event = RunEvent(
        runId: "run-test", seq: attempt,
        payload: .retrying(
          subtaskId: subtaskId, role: role, attempt: attempt, reason: "HTTP 503 try \(attempt)", delaySeconds: delay,
          model: "fake:default"))
    }
  }

  static func header(task: String = "the task", at offset: Double = 0) -> JournalRecord {
    record(.run, at: offset) {
      $0.runId = "run-test"
      $0.request = RunRequest(task: task)
    }
  }

  static func end(_ status: RunStatus, at offset: Double) -> JournalRecord {
    record(.end, at: offset) { $0.status = status }
  }

  /// Writes records as a journal file, one JSON line each, the way `RunJournal` does.
  static func write(_ records: [JournalRecord], to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    var data = Data()
    for record in records {
      data.append(try encoder.encode(record))
      data.append(0x0a)
    }
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try data.write(to: URL(fileURLWithPath: path))
  }
}

/// What the tests read back from a rendered page.
struct RenderedPage {
  let html: String

  struct Row: Equatable {
    var state: String
    var kind: String
    var label: String
  }

  /// Every timeline row, in page order.
  var rows: [Row] {
    captures(#"<details class="step (\w+)" id="step-\d+" data-kind="(\w+)" data-status="([^"]*)">"#).map {
      Row(state: $0[0], kind: $0[1], label: $0[2])
    }
  }

  /// The bar segments of row `index` (1-based): (state, left %, width %).
  func segments(ofRow index: Int) -> [(state: String, left: Double, width: Double)] {
    guard let start = html.range(of: "id=\"step-\(index)\""),
      let end = html.range(of: "</summary>", range: start.upperBound..<html.endIndex)
    else { return [] }
    return RenderedPage(html: String(html[start.upperBound..<end.lowerBound])).captures(
      #"<span class="seg (\w+)" style="left: ([0-9.]+)%; width: ([0-9.]+)%""#
    ).map { ($0[0], Double($0[1]) ?? -1, Double($0[2]) ?? -1) }
  }

  /// The text of the element with `id` (up to the next tag).
  func text(ofId id: String) -> String? {
    captures("id=\"\(id)\"[^>]*>([^<]*)<").first?.first
  }

  func count(_ needle: String) -> Int {
    html.components(separatedBy: needle).count - 1
  }

  func captures(_ pattern: String) -> [[String]] {
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
    return expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
      (1..<match.numberOfRanges).map { index in
        Range(match.range(at: index), in: html).map { String(html[$0]) } ?? ""
      }
    }
  }
}
