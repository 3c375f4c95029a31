import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct EngineRunTests {
  /// A provider that plays planner, worker and synthesizer by recognising the role's system prompt.
  static func scriptedTeam(
    plan: String = planJSON([("s1", "Gather facts", []), ("s2", "Write intro", []), ("s3", "Conclude", ["s1"])]),
    worker: @escaping @Sendable (ChatRequest) -> FakeProvider.Reply = { .text("output of \(subtaskId(of: $0) ?? "?")") }
  ) -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(plan, usage: Usage(inputTokens: 100, outputTokens: 50))
      case .synthesizer: return .text("the final answer", usage: Usage(inputTokens: 300, outputTokens: 40))
      default: return worker(request)
      }
    }
  }

  @Test func runPlansRunsWorkersAndSynthesizes() async throws {
    let provider = Self.scriptedTeam()
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let report = try await engine.run(RunRequest(task: "Write about tea", format: "bullets"), events: recorder.sink)

    #expect(report.status == .completed)
    #expect(report.output == "the final answer")
    #expect(report.plan?.subtasks.map(\.id) == ["s1", "s2", "s3"])
    #expect(report.results.map(\.status) == [.completed, .completed, .completed])
    #expect(report.results.map(\.output) == ["output of s1", "output of s2", "output of s3"])
    #expect(report.results.allSatisfy { $0.model == "fake:default" && $0.attempts == 1 })
    // 100+50 planning, 3 × 15 workers, 300+40 synthesis.
    #expect(report.usage == Usage(inputTokens: 430, outputTokens: 105))
    #expect(report.planning?.usage == Usage(inputTokens: 100, outputTokens: 50))
    #expect(report.synthesis?.model == "fake:default")

    let calls = provider.calls
    #expect(calls.count == 5)
    let s3Prompt = try #require(calls.first { subtaskId(of: $0.request) == "s3" }).prompt
    #expect(s3Prompt.contains("output of s1"))
    #expect(!s3Prompt.contains("output of s2"))
    let synthesisPrompt = try #require(calls.last).prompt
    #expect(Role.of(try #require(calls.last).request) == .synthesizer)
    for id in ["s1", "s2", "s3"] { #expect(synthesisPrompt.contains("output of \(id)")) }
    #expect(synthesisPrompt.contains("bulleted list"))
    #expect(!synthesisPrompt.contains("have no result"))

    let types = recorder.types
    #expect(types.first == .planReady)
    #expect(types.last == .runCompleted)
    #expect(types.filter { $0 == .subtaskStarted }.count == 3)
    #expect(types.filter { $0 == .subtaskCompleted }.count == 3)
  }

  @Test func startGivesTheRunIdAtOnce() async throws {
    let gate = TaskGate()
    let provider = Self.scriptedTeam { _ in .gated(gate, then: .text("slow")) }
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let handle = try await engine.start(RunRequest(task: "t"), events: recorder.sink)

    // s1 and s2 are under way; s3 waits for s1.
    await gate.waitForArrivals(2)
    #expect(try await engine.report(runId: handle.runId).status == .running)
    #expect(recorder.events.allSatisfy { $0.runId == handle.runId })
    #expect(handle.cancel())
    let report = await handle.report()
    #expect(report.runId == handle.runId)
    #expect(report.status == .cancelled)
    #expect(handle.cancel() == false)
  }

  @Test func finishedRunsBeyondTheRetainedNumberAreForgotten() async throws {
    let engine = makeEngine([Self.scriptedTeam()]) { $0.retainedRuns = 2 }
    var ids: [String] = []
    for _ in 0..<3 { ids.append(try await engine.run(RunRequest(task: "t")).runId) }
    #expect(await engine.runs().map(\.runId).sorted() == ids.suffix(2).sorted())
    await #expect(throws: EngineError.self) { _ = try await engine.report(runId: ids[0]) }
    #expect(try await engine.report(runId: ids[2]).status == .completed)
  }
}
