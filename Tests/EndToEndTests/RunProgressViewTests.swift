import Foundation
import Synchronization
import Testing
import LLM
import Orchestrator
@testable import baton

/// What the progress view writes, captured.
private final class Transcript: Sendable {
  private let text = Mutex("")
  func append(_ more: String) { text.withLock { $0 += more } }
  var value: String { text.withLock { $0 } }
}

@Suite("run progress view")
struct RunProgressViewTests {
  static let plan = Plan(
    planId: "p1", objective: "picnic",
    subtasks: [Subtask(id: "s1", name: "Pick a place", description: "d"), Subtask(id: "s2", name: "Food", description: "d")])

  static func events() -> [RunEvent] {
    let done = SubtaskOutcome(
      subtaskId: "s1", status: .completed, output: "park", usage: Usage(inputTokens: 30, outputTokens: 12), attempts: 1,
      durationMs: 1200, model: "mock:m")
    return [
      RunEvent(runId: "r1", seq: 1, payload: .planReady(plan)),
      RunEvent(runId: "r1", seq: 2, payload: .subtaskStarted(subtaskId: "s1", name: "Pick a place", model: "mock:m")),
      RunEvent(
        runId: "r1", seq: 3,
        payload: .retrying(subtaskId: "s1", role: .worker, attempt: 1, reason: "HTTP 429", delaySeconds: 1.5, model: "mock:m")),
      RunEvent(runId: "r1", seq: 4, payload: .subtaskCompleted(done, progress: RunProgress(completed: 1, total: 2))),
      RunEvent(runId: "r1", seq: 5, payload: .usage(Usage(inputTokens: 30, outputTokens: 12), costUSD: 0.0012)),
      RunEvent(runId: "r1", seq: 6, payload: .runCompleted(status: .completed, error: nil)),
    ]
  }

  @Test func plainOutputIsOneLinePerEvent() {
    let transcript = Transcript()
    let view = RunProgressView(task: "Plan a picnic", interactive: false, output: transcript.append)
    for event in Self.events() { view.observe(event) }
    view.finish()
    let lines = transcript.value.split(separator: "\n").map(String.init)
    #expect(lines.first == "baton: Plan a picnic")
    #expect(lines.contains("plan ready: 2 subtasks (Pick a place; Food)"))
    #expect(lines.contains { $0.hasPrefix("[s1] attempt 1 failed (HTTP 429); retrying in 1.5s") })
    #expect(lines.contains { $0.hasPrefix("[s1] completed (1.2s, 42 tokens)") })
    #expect(lines.last?.hasPrefix("run completed") == true)
    #expect(!transcript.value.contains("\u{1B}["))
  }

  @Test func terminalOutputRedrawsATreeInPlace() {
    let transcript = Transcript()
    let view = RunProgressView(task: "Plan a picnic", interactive: true, output: transcript.append)
    for event in Self.events() { view.observe(event) }
    view.finish()
    let text = transcript.value
    #expect(text.contains("\u{1B}[J"))  // frames after the first clear the previous one
    let lastFrame = text.components(separatedBy: "\u{1B}[J").last ?? ""
    #expect(lastFrame.contains("✔ s1"))
    #expect(lastFrame.contains("Pick a place"))
    #expect(lastFrame.contains("42 tok"))
    #expect(lastFrame.contains("· s2"))
    #expect(lastFrame.contains("tokens 30 in / 12 out · $0.0012"))
  }
}
