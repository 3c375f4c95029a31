import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator
@testable import Report

/// The timeline worked out from hand-written journals with exact times, and how the page words it.
@Suite struct ReportTimelineTests {
  typealias F = ReportFixture

  @Test func barsSitOnTheSharedAxisAtTheirSteps() {
    let records = ReportJournalFileTests.completeRun()
    let timeline = RunTimeline(contents: JournalContents(records: records))
    #expect(timeline.rows.map(\.title) == ["Plan", "s1 · name s1", "s2 · name s2", "Synthesis"])
    #expect(timeline.rows.map(\.start) == [0, 1, 1, 2.5])
    #expect(timeline.rows.map(\.end) == [1, 2, 2.5, 3])
    #expect(timeline.span == 3)

    let page = RenderedPage(html: RunReportPage.html(contents: JournalContents(records: records)))
    // Axis of 3 s in steps of 0.5 s: s2 runs from 1 s to 2.5 s.
    #expect(page.segments(ofRow: 3).first?.left == 33.333)
    #expect(page.segments(ofRow: 3).first?.width == 50)
    #expect(page.html.contains("<span style=\"left: 100.000%\">3 s</span>"))
    #expect(page.html.contains("--tick: 16.667%"))
  }

  @Test func retriesSplitABarIntoAttemptsAndWaits() throws {
    let records = [
      F.header(), F.step(.planner, at: 1, durationMs: 1000), F.plan(["s1"], at: 1),
      F.retry("s1", attempt: 1, at: 1.2, delay: 0.3), F.retry("s1", attempt: 2, at: 1.8, delay: 0.2),
      F.step(.worker, "s1", at: 2.5, durationMs: 1500, attempts: 3), F.end(.completed, at: 2.5),
    ]
    let row = try #require(RunTimeline(contents: JournalContents(records: records)).rows.last)
    #expect(row.retries.map(\.attempt) == [1, 2])
    let segments = row.segments.map { ($0.state, ($0.start * 10).rounded() / 10, ($0.end * 10).rounded() / 10) }
    #expect(segments.map(\.0) == [.retrying, .waiting, .retrying, .waiting, .completed])
    #expect(segments.map(\.1) == [1.0, 1.2, 1.5, 1.8, 2.0])
    #expect(segments.map(\.2) == [1.2, 1.5, 1.8, 2.0, 2.5])
    // A planner retry (no subtask id) belongs to the planner's step.
    let plannerRetry = [
      F.header(), F.retry(nil, role: .planner, attempt: 1, at: 0.5, delay: 0.1), F.step(.planner, at: 1, durationMs: 1000),
    ]
    #expect(RunTimeline(contents: JournalContents(records: plannerRetry)).rows.first?.retries.count == 1)
  }

  @Test func skippedCancelledAndUnrunSubtasksEachGetARow() {
    let records = [
      F.header(), F.step(.planner, at: 1, durationMs: 1000), F.plan(["s1", "s2", "s3", "s4"], at: 1),
      F.step(.worker, "s1", status: .cancelled, at: 2, durationMs: 500, usage: Usage(), output: nil,
        error: "cancelled"),
      F.record(.event, at: 2) {
        $0.event = RunEvent(
          runId: "run-test", seq: 3,
          payload: .subtaskSkipped(
            SubtaskOutcome(subtaskId: "s2", status: .skipped, error: "the budget is exhausted"),
            progress: RunProgress(completed: 2, total: 4)))
      },
      F.record(.event, at: 2) {
        $0.event = RunEvent(
          runId: "run-test", seq: 4,
          payload: .subtaskSkipped(
            SubtaskOutcome(subtaskId: "s3", status: .cancelled, error: "not started: the run was cancelled"),
            progress: RunProgress(completed: 3, total: 4)))
      },
      F.end(.cancelled, at: 2),
    ]
    let page = RenderedPage(html: RunReportPage.html(contents: JournalContents(records: records)))
    #expect(page.rows.map(\.state) == ["completed", "cancelled", "skipped", "cancelled", "pending"])
    #expect(page.rows.map(\.label) == ["completed", "cancelled", "skipped", "cancelled", "not run"])
    #expect(page.count("seg marker") == 2)  // s2 and s3 never ran: a marker where they were settled
    #expect(page.html.contains("the budget is exhausted"))
    #expect(page.text(ofId: "run-status") == "cancelled")
  }

  @Test func retriesWithNoStepAfterThemAreAnUnfinishedCall() {
    let records = [
      F.header(), F.step(.planner, at: 1, durationMs: 1000), F.plan(["s1"], at: 1),
      F.retry("s1", attempt: 1, at: 2, delay: 1), F.record(.event, at: 4) { _ in },
    ]
    let timeline = RunTimeline(contents: JournalContents(records: records))
    #expect(timeline.status == .interrupted)
    #expect(timeline.rows.map(\.state) == [.completed, .unfinished])
    #expect(timeline.rows.last?.end == 4)
  }

  @Test func approvalIsARowBetweenPlanAndWorkers() {
    let approved = [
      F.header(), F.step(.planner, at: 1, durationMs: 1000), F.plan(["s1"], at: 1),
      F.record(.approval, at: 5) { $0.decision = .approve }, F.step(.worker, "s1", at: 6, durationMs: 1000),
    ]
    let timeline = RunTimeline(contents: JournalContents(records: approved))
    #expect(timeline.rows.map(\.kind) == [.planner, .approval, .worker])
    #expect(timeline.rows[1].durationMs == 4000)
    let rejected = [
      F.header(), F.step(.planner, at: 1, durationMs: 1000), F.plan(["s1"], at: 1),
      F.record(.approval, at: 2) { $0.decision = .reject(reason: "too <b>vague</b>") }, F.end(.rejected, at: 2),
    ]
    let page = RenderedPage(html: RunReportPage.html(contents: JournalContents(records: rejected)))
    #expect(page.rows.map(\.label) == ["completed", "rejected", "not run"])
    #expect(page.html.contains("rejected: too &lt;b&gt;vague&lt;/b&gt;"))
  }

  @Test func axisStepsAreRound() {
    #expect(TimelineAxis(span: 0.483).step == 0.1)
    #expect(TimelineAxis(span: 0.483).length == 0.5)
    #expect(TimelineAxis(span: 8.8).step == 2)
    #expect(TimelineAxis(span: 8.8).length == 10)
    #expect(TimelineAxis(span: 3).ticks == [0, 0.5, 1, 1.5, 2, 2.5, 3])
    #expect(TimelineAxis(span: 0).length > 0)
    #expect(TimelineAxis(span: 3600).step == 600)
    #expect(TimelineAxis(span: 100_000_000).ticks.count <= 9)
  }

  @Test func numbersAndTimesAreWordedShortly() {
    #expect(ReportFormat.duration(milliseconds: 0.42) == "0.4 ms")
    #expect(ReportFormat.duration(milliseconds: 153.4) == "153 ms")
    #expect(ReportFormat.duration(milliseconds: 1534) == "1.53 s")
    #expect(ReportFormat.duration(milliseconds: 125_000) == "2 min 05 s")
    #expect(ReportFormat.duration(milliseconds: 3_720_000) == "1 h 02 min")
    #expect(ReportFormat.count(1_234_567) == "1,234,567")
    #expect(ReportFormat.count(999) == "999")
    #expect(ReportFormat.cost(nil) == "—")
    #expect(ReportFormat.cost(0.000123) == "$0.000123")
    #expect(ReportFormat.cost(0.0421) == "$0.0421")
    #expect(ReportFormat.cost(12.4) == "$12.40")
    #expect(ReportFormat.timestamp(1_700_000_000.9) == "2023-11-14 22:13:20 UTC")
    #expect(ReportFormat.tick(seconds: 0.25, length: 0.5) == "250")
    #expect(ReportFormat.tick(seconds: 1.5, length: 3) == "1.5")
    #expect(ReportFormat.tick(seconds: 600, length: 1800) == "10")
  }

  @Test func escapingAndRedaction() {
    #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(HTMLText.escape("bell\u{07} tab\t") == "bell\\u{7} tab\t")
    #expect(ReportRedaction.redact("key sk-ant-api03-abcdefghijklmnopqrstuvwxyz ok") == "key [REDACTED] ok")
    #expect(ReportRedaction.redact("AKIAABCDEFGHIJKLMNOP") == "[REDACTED]")
    #expect(ReportRedaction.redact("Authorization: Bearer abc.def.ghi\nnext") == "Authorization: [REDACTED]\nnext")
    #expect(ReportRedaction.redact("{\"api_key\": \"0123456789abcdef\"}") == "{\"api_key\": \"[REDACTED]\"}")
    #expect(ReportRedaction.redact("a skeleton key, a token gesture") == "a skeleton key, a token gesture")
  }
}
