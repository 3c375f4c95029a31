import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator
@testable import Report

/// Pages rendered from journals that a real `Engine` wrote (over fake providers).
@Suite(.timeLimit(.minutes(1)))
struct ReportPageTests {
  /// Plans s1 and s2; s1 answers with `workerOutput`, s2 is refused (400); the synthesis answers.
  static func team(workerOutput: String = "out s1") -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", []), ("s2", "Two", [])]), usage: Usage(inputTokens: 100, outputTokens: 20))
      case .synthesizer: return .text("final answer", usage: Usage(inputTokens: 300, outputTokens: 40))
      default:
        return subtaskId(of: request) == "s2"
          ? .failure(ProviderError(.badRequest, "refused", status: 400))
          : .text(workerOutput, usage: Usage(inputTokens: 50, outputTokens: 7))
      }
    }
  }

  static func runAndRender(
    task: String = "report task", provider: FakeProvider = team(), priced: Bool = false
  ) async throws -> (report: RunReport, page: RenderedPage, directory: String) {
    let directory = ReportFixture.temporaryDirectory()
    let engine = makeEngine([provider]) {
      $0.stateDirectory = directory
      if priced { $0.prices["fake:default"] = ModelPrice(inputPerMTok: 1000, outputPerMTok: 3000) }
    }
    let report = try await engine.run(RunRequest(task: task, concurrency: 1))
    let path = try #require(report.journalPath)
    return (report, RenderedPage(html: try RunReportPage.html(forJournalAt: path)), directory)
  }

  @Test func oneTimelineRowPerStepWithItsStatus() async throws {
    let (report, page, directory) = try await Self.runAndRender()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(report.status == .completed)
    #expect(
      page.rows == [
        .init(state: "completed", kind: "planner", label: "completed"),
        .init(state: "completed", kind: "worker", label: "completed"),
        .init(state: "failed", kind: "worker", label: "failed"),
        .init(state: "completed", kind: "synthesizer", label: "completed"),
      ])
    #expect(page.html.contains("s1 · One"))
    #expect(page.html.contains("s2 · Two"))
    #expect(page.text(ofId: "run-status") == "completed")
    #expect(page.text(ofId: "subtasks") == "1 of 2 completed · 1 failed")
    #expect(page.html.contains(report.runId))
    // Every row that ran has a bar ending in its status colour.
    for index in 1...4 {
      let segments = page.segments(ofRow: index)
      #expect(segments.count == 1)
      #expect(segments.allSatisfy { $0.left >= 0 && $0.left + $0.width <= 100.001 })
    }
    #expect(page.segments(ofRow: 3).first?.state == "failed")
  }

  @Test func eachStepHasItsPromptOutputAndError() async throws {
    let (_, page, directory) = try await Self.runAndRender(task: "a task worth reporting")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // The planner's and workers' system prompts and the task inside their messages.
    #expect(page.html.contains(HTMLText.escape(BuiltInPrompts.plannerSystem)))
    #expect(page.html.contains(HTMLText.escape(BuiltInPrompts.synthesizerSystem)))
    #expect(page.count("a task worth reporting") >= 4)  // header and the prompts
    #expect(page.html.contains("<pre class=\"output-text\">out s1</pre>"))
    #expect(page.html.contains("<pre class=\"output-text\">final answer</pre>"))
    #expect(page.captures(#"<pre class="error">([^<]*)</pre>"#).first?.first?.contains("refused") == true)
    #expect(page.text(ofId: "answer") == "final answer")
    // Inputs and outputs sit inside the rows' <details>, closed until clicked.
    #expect(page.count("<details class=\"step ") == 4)
    #expect(page.count("<details class=\"step completed\" id=\"step-1\" data-kind=\"planner\" data-status=\"completed\" open") == 0)
  }

  @Test func untrustedTextRendersAsText() async throws {
    let hostile = "<script>alert('output')</script><img src=x onerror=alert(1)> \"quoted\" & 'single'"
    let (_, page, directory) = try await Self.runAndRender(
      task: "task </title><script>alert('task')</script>", provider: Self.team(workerOutput: hostile))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(!page.html.contains("<script>alert"))
    #expect(!page.html.contains("<img src=x"))
    #expect(!page.html.contains("</title><script>"))
    #expect(page.html.contains("&lt;script&gt;alert(&#39;output&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
    #expect(page.html.contains("&quot;quoted&quot; &amp; &#39;single&#39;"))
    #expect(page.html.contains("task &lt;/title&gt;&lt;script&gt;alert(&#39;task&#39;)&lt;/script&gt;"))
    // The page's own script is the only one, and only scripts with its nonce may run.
    #expect(page.count("<script") == 1)
    let nonce = try #require(page.captures(#"<script nonce="([a-z0-9]+)">"#).first?.first)
    #expect(page.html.contains("script-src 'nonce-\(nonce)'"))
  }

  @Test func headerTotalsMatchTheSteps() async throws {
    let (report, page, directory) = try await Self.runAndRender(priced: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    // planner 100/20, s1 50/7, s2 nothing (refused), synthesis 300/40.
    #expect(report.usage == Usage(inputTokens: 450, outputTokens: 67))
    #expect(page.text(ofId: "tokens-in") == "450")
    #expect(page.text(ofId: "tokens-out") == "67")
    // $1000 and $3000 per million tokens: 0.45 + 0.201.
    #expect(abs(report.costUSD - 0.651) < 1e-9)
    #expect(page.text(ofId: "cost") == "$0.6510")
    #expect(page.html.contains("<code>fake:default</code> <span class=\"muted\" title=\"steps\">×4</span>"))
    // Per-row tokens.
    #expect(page.html.contains("100 <span class=\"sub\">/</span> 20"))
    #expect(page.html.contains("300 <span class=\"sub\">/</span> 40"))
  }

  @Test func retriedStepShowsEachAttempt() async throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let clock = TestClock()
    let counter = Counter()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", [])]))
      case .synthesizer: return .text("final")
      default:
        return counter.next() <= 2 ? .failure(ProviderError(.serverError, "hiccup", status: 502)) : .text("third time")
      }
    }
    let engine = makeEngine([provider], clock: clock) { $0.stateDirectory = directory }
    let report = try await clock.drive { try await engine.run(RunRequest(task: "t")) }
    let page = RenderedPage(html: try RunReportPage.html(forJournalAt: try #require(report.journalPath)))
    #expect(page.rows.map(\.label) == ["completed", "completed", "completed"])
    #expect(page.segments(ofRow: 2).map(\.state).filter { $0 != "waiting" } == ["retrying", "retrying", "completed"])
    #expect(page.count("<li value=") == 2)
    #expect(page.html.contains("hiccup"))
    #expect(page.html.contains("<span class=\"num\">3</span>"))  // attempts
  }

  @Test func failedPlanningIsOneFailedRowAndTheRunError() async throws {
    let provider = FakeProvider { _, _ in .failure(ProviderError(.authentication, "key <revoked>", status: 401)) }
    let (report, page, directory) = try await Self.runAndRender(provider: provider)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(report.status == .failed)
    #expect(page.rows == [.init(state: "failed", kind: "planner", label: "failed")])
    #expect(page.text(ofId: "run-status") == "failed")
    #expect(page.text(ofId: "run-error")?.hasPrefix("planning failed: ") == true)
    #expect(page.html.contains("key &lt;revoked&gt;"))
    #expect(!page.html.contains("id=\"answer\""))
  }

  @Test func editedPlanShowsTheApprovalAndTheEditedSubtasks() async throws {
    let directory = ReportFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let edited = Plan(
      planId: "ignored", objective: "edited objective",
      subtasks: [Subtask(id: "e1", name: "Edited one", description: "the edited subtask")])
    let engine = makeEngine(
      [Self.team()], configure: { $0.stateDirectory = directory }, approver: PlanApproval { _, _ in .edit(edited) })
    let report = try await engine.run(RunRequest(task: "t", approvePlan: true))
    let page = RenderedPage(html: try RunReportPage.html(forJournalAt: try #require(report.journalPath)))
    #expect(page.rows.map(\.kind) == ["planner", "approval", "worker", "synthesizer"])
    #expect(page.rows.map(\.label) == ["completed", "edited", "completed", "completed"])
    #expect(page.html.contains("e1 · Edited one"))
    // The review ran from the first plan to the decision, not from the edited plan published after it.
    let path = try #require(report.journalPath)
    let contents = try JournalContents.strict(try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    let approval = try #require(RunTimeline(contents: contents).rows.first { $0.kind == .approval })
    #expect(try #require(approval.start) <= (try #require(approval.end)))
    #expect(try #require(approval.durationMs) >= 0)
  }

  @Test func pageIsSelfContainedAndCarriesNoSecrets() async throws {
    let key = "sk-proj-" + String(repeating: "A1b2", count: 8)
    let (_, page, directory) = try await Self.runAndRender(
      task: "use \(key) and Authorization: Bearer abcdefghijklmnop1234",
      provider: Self.team(workerOutput: "x-api-key: secret-value-123\napi_key=\"ZZZZZZZZZZZZZZZZZZ\""))
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(!page.html.contains(key))
    #expect(!page.html.contains("abcdefghijklmnop1234"))
    #expect(!page.html.contains("secret-value-123"))
    #expect(!page.html.contains("ZZZZZZZZZZZZZZZZZZ"))
    #expect(page.html.contains("[REDACTED]"))
    // Nothing is fetched: no links, sources or URLs in attributes, and a policy that forbids loading.
    #expect(page.captures(#"<[a-zA-Z]+[^>]*\s(?:src|href|action|srcset)\s*="#).isEmpty)
    #expect(!page.html.contains("<link"))
    #expect(!page.html.contains("url("))
    #expect(page.html.contains("default-src 'none'"))
  }
}
