import Foundation
import Testing
@testable import EngineTestSupport
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct EngineCancellationTests {
  /// s1 and s2 answer at once; s3..s6 wait at the gate until cancelled.
  static func team(gate: TaskGate) -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON((1...6).map { ("s\($0)", "part \($0)", []) }))
      case .synthesizer: return .text("never")
      default:
        let id = subtaskId(of: request) ?? ""
        return id == "s1" || id == "s2" ? .text("early \(id)") : .gated(gate, then: .text("late"))
      }
    }
  }

  @Test func cancelByIdReachesEveryCallInFlightAndKeepsResults() async throws {
    let gate = TaskGate()
    let provider = Self.team(gate: gate)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let engine = makeEngine([provider]) { $0.stateDirectory = directory }
    let recorder = EventRecorder()
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 6), events: recorder.sink) }

    await gate.waitForArrivals(4)
    await recorder.waitFor(2, .subtaskCompleted)
    let runId = try #require(recorder.events.first?.runId)
    #expect(await engine.progress(runId: runId) == RunProgress(completed: 2, total: 6))
    #expect(await engine.cancel(runId: runId))
    let report = try await run.value

    #expect(report.status == .cancelled)
    #expect(provider.cancelledCalls == 4)
    #expect(report.results.map(\.status) == [.completed, .completed, .cancelled, .cancelled, .cancelled, .cancelled])
    #expect(report.results[0].output == "early s1")
    #expect(!provider.calls.contains { Role.of($0.request) == .synthesizer })
    #expect(recorder.types.last == .runCompleted)
    #expect(await engine.cancel(runId: runId) == false)

    // The journal ends with the same partial report.
    let fromDisk = try #require(try JournalReader(stateDirectory: directory).report(runId: runId))
    #expect(fromDisk == report)
  }

  @Test func cancellingTheAwaitingTaskStopsTheRunTheSameWay() async throws {
    let gate = TaskGate()
    let provider = Self.team(gate: gate)
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 6), events: recorder.sink) }

    await gate.waitForArrivals(4)
    run.cancel()
    let report = try await run.value

    #expect(report.status == .cancelled)
    #expect(provider.cancelledCalls == 4)
    #expect(report.results.filter { $0.status == .cancelled }.count == 4)
    #expect(report.error?.contains("cancelled") == true)
  }

  @Test func cancelledRunStartsNothingNew() async throws {
    let gate = TaskGate()
    let provider = Self.team(gate: gate)
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    // Concurrency 2: s3 and s4 wait at the gate, s5 and s6 have not started when the run is cancelled.
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 2), events: recorder.sink) }
    await gate.waitForArrivals(2)
    let runId = try #require(recorder.events.first?.runId)
    await engine.cancel(runId: runId)
    let report = try await run.value

    #expect(report.status == .cancelled)
    #expect(provider.calls.filter { Role.of($0.request) == .worker }.count == 4)
    #expect(report.results[4].error == "not started: the run was cancelled")
    #expect(report.results[5].status == .cancelled)
  }

  @Test func deadlineStopsTheRunWithPartialResults() async throws {
    let gate = TaskGate()
    let clock = TestClock()
    let provider = Self.team(gate: gate)
    let engine = makeEngine([provider], clock: clock)
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 6, deadlineSeconds: 30)) }

    await gate.waitForArrivals(4)
    // The deadline watchdog is the only sleeper.
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [30])
    clock.advance(by: .seconds(30))
    let report = try await run.value

    #expect(report.status == .failed)
    #expect(report.error?.contains("deadline of 30.0 s") == true)
    #expect(report.results.filter { $0.status == .completed }.count == 2)
    #expect(provider.cancelledCalls == 4)
  }
}

/// A stop must take effect at once whatever the plan's size: what never started is settled in the report,
/// not announced one event at a time.
@Suite(.timeLimit(.minutes(1)))
struct EngineStopOfLargePlanTests {
  static func chain(_ count: Int) -> [Subtask] {
    (0..<count).map { index in
      Subtask(id: "s\(index)", name: "step \(index)", description: "d", dependsOn: index == 0 ? nil : ["s\(index - 1)"])
    }
  }

  @Test func subtasksThatNeverStartedAreInTheReportWithoutAnEventEach() async throws {
    let gate = TaskGate()
    let provider = FakeProvider { _, _ in .gated(gate, then: .text("late")) }
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let run = Task {
      try await engine.run(RunRequest(task: "t", subtasks: Self.chain(5_000)), events: recorder.sink)
    }
    await gate.waitForArrivals(1)
    let runId = try #require(recorder.events.first?.runId)
    #expect(await engine.cancel(runId: runId))
    let report = try await run.value

    #expect(report.status == .cancelled)
    #expect(report.results.count == 5_000)
    #expect(report.results[0].status == .cancelled)
    #expect(report.results[1...].allSatisfy { $0.status == .skipped && $0.error?.contains("s") == true })
    #expect(recorder.types == [.planReady, .subtaskStarted, .subtaskFailed, .usage, .runCompleted])
  }

  @Test func aDeadlineCountsTheTimeSpentBeforeTheRunStarted() async throws {
    let clock = TestClock()
    let gate = TaskGate()
    let provider = FakeProvider { _, _ in .gated(gate, then: .text("late")) }
    let engine = makeEngine([provider], clock: clock)
    let run = Task {
      try await engine.run(RunRequest(task: "t", subtasks: Self.chain(3), deadlineSeconds: 10), elapsedBeforeStart: 4)
    }
    await gate.waitForArrivals(1)
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [6], "10 s allowed, 4 already spent reading the request")
    clock.advance(by: .seconds(6))
    let report = try await run.value
    #expect(report.status == .failed)
    #expect(report.error?.contains("deadline") == true)
  }
}
