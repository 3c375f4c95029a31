import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct JournalTests {
  static func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("baton-journal-\(UUID().uuidString)").path
  }

  static func team() -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", []), ("s2", "Two", ["s1"])]))
      case .synthesizer: return .text("final answer")
      default:
        return subtaskId(of: request) == "s2"
          ? .failure(ProviderError(.badRequest, "refused", status: 400)) : .text("out \(subtaskId(of: request) ?? "")")
      }
    }
  }

  @Test func runIsJournaledStepByStep() async throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let engine = makeEngine([Self.team()]) { $0.stateDirectory = directory }
    let report = try await engine.run(RunRequest(task: "journaled task", context: ["k": "v"]))

    let path = try #require(report.journalPath)
    #expect(path == "\(directory)/runs/\(report.runId).jsonl")
    #expect(report.journalError == nil)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let records = try text.split(separator: "\n").map {
      try JSONDecoder().decode(JournalRecord.self, from: Data($0.utf8))
    }
    #expect(records.map(\.kind) == [.run, .step, .plan, .step, .step, .step, .report, .end])
    #expect(records[0].request?.task == "journaled task")
    let steps = records.compactMap(\.step)
    #expect(steps.map(\.role) == [.planner, .worker, .worker, .synthesizer])
    #expect(steps[1].messages.first?.content.contains("journaled task") == true)
    #expect(steps[1].output == "out s1")
    #expect(steps[1].usage == Usage(inputTokens: 10, outputTokens: 5))
    #expect(steps[1].model == "fake:default")
    #expect(steps[2].status == .failed)
    #expect(steps[2].error?.contains("refused") == true)
    #expect(steps[3].output == "final answer")
    #expect(records.last?.status == .completed)
    #expect(!text.contains("Authorization"))
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func retriesAndSkipsAreJournaledAsEvents() async throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let clock = TestClock()
    let counter = Counter()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", []), ("s2", "Two", ["s1"])]))
      case .synthesizer: return .text("final")
      default:
        return counter.next() == 1
          ? .failure(ProviderError(.serverError, "hiccup", status: 502))
          : .failure(ProviderError(.authentication, "key revoked", status: 401))
      }
    }
    let engine = makeEngine([provider], clock: clock) { $0.stateDirectory = directory }
    let report = try await clock.drive { try await engine.run(RunRequest(task: "t")) }
    let text = try String(contentsOfFile: try #require(report.journalPath), encoding: .utf8)
    let events = try text.split(separator: "\n").compactMap {
      try JSONDecoder().decode(JournalRecord.self, from: Data($0.utf8)).event
    }
    // The plan has a record of its own (the plan, once); the events kept are the retry and the skip.
    #expect(events.map(\.type) == [.retrying, .subtaskSkipped])
    if case .retrying("s1", .worker, 1, let reason, _, "fake:default") = events.first?.payload {
      #expect(reason.contains("hiccup"))
    } else {
      Issue.record("expected the retry of s1 in the journal")
    }
  }

  @Test func freshEngineReconstructsRunsFromDisk() async throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let first = makeEngine([Self.team()]) { $0.stateDirectory = directory }
    let report = try await first.run(RunRequest(task: "remember me"))

    let second = makeEngine([FakeProvider()]) { $0.stateDirectory = directory }
    #expect(try await second.report(runId: report.runId) == report)
    let listed = await second.runs()
    #expect(listed.map(\.runId) == [report.runId])
    #expect(listed.first?.status == .completed)
    #expect(listed.first?.task == "remember me")
    #expect(listed.first?.subtasks == 2)

    let missing = await #expect(throws: EngineError.self) { _ = try await second.report(runId: "run-unknown") }
    #expect(missing?.kind == .notFound)
    await #expect(throws: EngineError.self) { _ = try await second.report(runId: "../../etc/passwd") }
  }

  @Test func interruptedJournalStillTellsWhatHappened() async throws {
    let directory = Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let engine = makeEngine([Self.team()]) { $0.stateDirectory = directory }
    let report = try await engine.run(RunRequest(task: "crashy"))
    let path = try #require(report.journalPath)

    // Keep the lines up to the first worker step, and half of the next one, as a crash would.
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    let kept = lines.prefix(4).joined(separator: "\n") + "\n" + lines[4].prefix(20)
    try kept.write(toFile: path, atomically: true, encoding: .utf8)

    let fresh = makeEngine([FakeProvider()]) { $0.stateDirectory = directory }
    let rebuilt = try await fresh.report(runId: report.runId)
    #expect(rebuilt.status == .interrupted)
    #expect(rebuilt.task == "crashy")
    #expect(rebuilt.results.map(\.status) == [.completed, .pending])
    #expect(rebuilt.results[0].output == "out s1")
    #expect(rebuilt.planning?.usage == Usage(inputTokens: 10, outputTokens: 5))
    #expect(await fresh.runs().first?.status == .interrupted)
  }

  @Test func runsListsLiveRunsFirstAndFinishedOnes() async throws {
    let gate = TaskGate()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", [])]))
      case .synthesizer: return .text("final")
      default: return .gated(gate, then: .text("ok"))
      }
    }
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let run = Task { try await engine.run(RunRequest(task: "slow"), events: recorder.sink) }
    await gate.waitForArrivals(1)
    let runId = try #require(recorder.events.first?.runId)

    let live = try await engine.report(runId: runId)
    #expect(live.status == .running)
    #expect(live.results.map(\.status) == [.running])
    #expect(await engine.runs().map(\.status) == [.running])

    gate.open()
    let report = try await run.value
    #expect(try await engine.report(runId: runId) == report)
    #expect(await engine.runs().map(\.status) == [.completed])
  }
}
