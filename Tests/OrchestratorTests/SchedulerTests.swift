import Foundation
import Synchronization
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct SchedulerTests {
  static func subtask(_ id: String, _ dependsOn: [String] = []) -> Subtask {
    Subtask(id: id, name: "name \(id)", description: "do \(id)", dependsOn: dependsOn.isEmpty ? nil : dependsOn)
  }

  @Test func dependenciesFinishBeforeDependentsStart() async throws {
    // a -> (b, c) -> d, plus an independent e, with enough slots for everything ready at once.
    let subtasks = [
      Self.subtask("d", ["b", "c"]), Self.subtask("b", ["a"]), Self.subtask("a"), Self.subtask("c", ["a"]),
      Self.subtask("e"),
    ]
    let log = Mutex<[String]>([])
    let scheduler = SubtaskScheduler(subtasks: subtasks, graph: try DependencyGraph(subtasks), concurrency: 8)
    let outcomes = await scheduler.run(
      execute: { index, dependencies in
        let id = subtasks[index].id
        log.withLock { $0.append("start \(id)") }
        await Task.yield()
        let seen = dependencies.map(\.1).joined(separator: "+")
        log.withLock { $0.append("end \(id)") }
        return SubtaskOutcome(subtaskId: id, status: .completed, output: seen.isEmpty ? id : "\(seen)>\(id)")
      }, stopReason: { nil }, onSettled: { _, _ in })

    let order = log.withLock { $0 }
    for subtask in subtasks {
      for dependency in subtask.dependsOn ?? [] {
        let finished = try #require(order.firstIndex(of: "end \(dependency)"))
        let started = try #require(order.firstIndex(of: "start \(subtask.id)"))
        #expect(finished < started, "\(subtask.id) started before \(dependency) ended")
      }
    }
    #expect(outcomes.map(\.subtaskId) == ["d", "b", "a", "c", "e"])
    #expect(outcomes[0].output == "a>b+a>c>d")
  }

  @Test func cycleIsRejectedNamingItsMembers() throws {
    let subtasks = [
      Self.subtask("s1", ["s3"]), Self.subtask("s2", ["s1"]), Self.subtask("s3", ["s2"]), Self.subtask("s4"),
    ]
    let error = try #require(throws: EngineError.self) { try DependencyGraph(subtasks) }
    #expect(error.kind == .invalidPlan)
    #expect(error.isInvalidParams)
    let cycle = error.data?["cycle"]?.arrayValue ?? []
    #expect(Set(cycle.compactMap(\.stringValue)) == ["s1", "s2", "s3"])
    #expect(error.message.contains("cycle"))
  }

  @Test func unknownAndDuplicateIdsAreRejected() throws {
    let unknown = try #require(throws: EngineError.self) {
      try DependencyGraph([Self.subtask("s1"), Self.subtask("s2", ["s9"])])
    }
    #expect(unknown.kind == .invalidPlan)
    #expect(unknown.message.contains("s2 -> s9"))
    let duplicate = try #require(throws: EngineError.self) {
      try DependencyGraph([Self.subtask("s1"), Self.subtask("s1")])
    }
    #expect(duplicate.message.contains("\"s1\""))
  }

  @Test func callerGivenPlanWithACycleIsInvalidParams() async throws {
    let provider = FakeProvider()
    let engine = makeEngine([provider])
    let error = await #expect(throws: EngineError.self) {
      _ = try await engine.run(
        RunRequest(task: "t", subtasks: [Self.subtask("s1", ["s2"]), Self.subtask("s2", ["s1"])]))
    }
    #expect(error?.kind == .invalidPlan)
    #expect(error?.isInvalidParams == true)
    #expect(provider.calls.isEmpty)
  }

  @Test func concurrencyLimitIsNeverExceeded() async throws {
    let gate = TaskGate()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON((1...20).map { ("s\($0)", "part \($0)", []) }))
      case .synthesizer: return .text("done")
      default: return .gated(gate, then: .text("ok"))
      }
    }
    let engine = makeEngine([provider])
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 3, maxSubtasks: 20)) }
    await gate.waitForArrivals(3)
    #expect(provider.inFlight == 3)
    gate.open()
    let report = try await run.value
    #expect(report.status == .completed)
    #expect(report.results.count == 20)
    #expect(provider.peakInFlight == 3)
    #expect(provider.calls.count == 22)
  }

  @Test func failureSkipsDependentsButNotSiblings() async throws {
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner:
        return .text(
          planJSON([("s1", "Broken", []), ("s2", "Fine", []), ("s3", "After broken", ["s1"]), ("s4", "Later", ["s3"])]))
      case .synthesizer: return .text("partial answer")
      default:
        return subtaskId(of: request) == "s1"
          ? .failure(ProviderError(.badRequest, "prompt rejected", status: 400)) : .text("fine output")
      }
    }
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let report = try await engine.run(RunRequest(task: "t"), events: recorder.sink)

    #expect(report.status == .completed)
    #expect(report.results.map(\.status) == [.failed, .completed, .skipped, .skipped])
    #expect(report.results[0].error?.contains("prompt rejected") == true)
    #expect(report.results[2].error == "depends on s1, which failed")
    #expect(report.results[3].error == "depends on s3, which was skipped")
    // Only s1 and s2 reached a worker.
    #expect(provider.calls.filter { Role.of($0.request) == .worker }.count == 2)
    let synthesis = try #require(provider.calls.last)
    #expect(Role.of(synthesis.request) == .synthesizer)
    #expect(synthesis.prompt.contains("have no result"))
    for id in ["s1: Broken", "s3: After broken", "s4: Later"] { #expect(synthesis.prompt.contains(id)) }
    #expect(synthesis.prompt.contains("fine output"))
    #expect(recorder.types.filter { $0 == .subtaskSkipped }.count == 2)
    #expect(recorder.types.filter { $0 == .subtaskFailed }.count == 1)
  }
}
