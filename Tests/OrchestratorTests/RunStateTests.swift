import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

/// A run's state is its single sink: a step is recorded once, and the event stream, the journal, progress,
/// the live report, the inputs of the synthesis and the results later workers depend on all follow from
/// that one record. When the run ends its outlets close with the report.
@Suite struct RunStateTests {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-state-\(UUID())").path
  let recorder = EventRecorder()
  let plan = Plan(
    planId: "plan-1", objective: "t",
    subtasks: [
      Subtask(id: "a", name: "A", description: "first"), Subtask(id: "b", name: "B", description: "second"),
    ])

  func makeState() throws -> (RunState, RunJournal) {
    let journal = try RunJournal(stateDirectory: directory, runId: "run-1")
    let clock = EngineClock(TestClock())
    let state = RunState(
      runId: "run-1", task: "t", startedAtClock: clock.now,
      outlets: RunOutlets(
        emitter: RunEventEmitter(runId: "run-1", journal: journal, sink: recorder.sink), journal: journal,
        journalError: nil, clock: clock))
    return (state, journal)
  }

  func worker(_ id: String, _ status: SubtaskStatus, output: String? = nil, error: String? = nil) -> JournalStep {
    JournalStep(
      role: .worker, subtaskId: id, status: status, system: "sys", messages: [.user("do \(id)")], output: output,
      statistics: CallStatistics(
        model: "fake:m", usage: Usage(inputTokens: 3, outputTokens: 2), attempts: 1, durationMs: 5,
        finishReason: status == .completed ? .stop : nil),
      error: error)
  }

  func journalSteps(_ journal: RunJournal) throws -> [JournalStep] {
    JournalContents.lenient(try #require(FileManager.default.contents(atPath: journal.path))).steps
  }

  @Test func oneRecordFeedsTheEventsTheJournalTheReportAndTheSynthesis() throws {
    let (state, journal) = try makeState()
    state.publish(plan)
    state.record(worker("a", .completed, output: "answer a"))
    state.record(worker("b", .failed, error: "HTTP 500"))

    let settled = recorder.events.compactMap { event -> (String, RunProgress)? in
      switch event.payload {
      case .subtaskCompleted(let outcome, let progress), .subtaskFailed(let outcome, let progress):
        return (outcome.subtaskId, progress)
      default: return nil
      }
    }
    #expect(settled.map(\.0) == ["a", "b"])
    #expect(settled.map(\.1) == [RunProgress(completed: 1, total: 2), RunProgress(completed: 2, total: 2)])
    #expect(state.progress == RunProgress(completed: 2, total: 2))

    #expect(try journalSteps(journal).map(\.subtaskId) == ["a", "b"])
    #expect(try journalSteps(journal).map(\.status) == [.completed, .failed])

    let report = state.report(now: 0)
    #expect(report.results.map(\.status) == [.completed, .failed])
    #expect(report.results[0].output == "answer a")
    #expect(report.results[0].model == "fake:m")
    #expect(report.results[1].error == "HTTP 500")

    #expect(state.result("a")?.output == "answer a")
    #expect(state.result("b") == nil)
    #expect(state.synthesisInputs().map(\.status) == [.completed, .failed])
  }

  @Test func aCompletedResultIsNotReplacedByALaterFailure() throws {
    let (state, _) = try makeState()
    state.publish(plan)
    state.record(worker("a", .completed, output: "kept"))
    state.record(worker("a", .cancelled, error: "cancelled"))
    #expect(state.result("a")?.output == "kept")
    #expect(state.progress.completed == 1)
  }

  @Test func afterTheRunEndsStepsOnItsPlanUpdateOnlyTheState() throws {
    let (state, journal) = try makeState()
    state.publish(plan)
    state.record(worker("a", .failed, error: "HTTP 500"))
    let report = state.finish(status: .failed, output: nil, error: "no subtask completed", now: 1)
    #expect(recorder.types.last == .runCompleted)
    let eventsAtEnd = recorder.events.count
    let stepsAtEnd = try journalSteps(journal).count

    // `runSubtask` on the finished run's plan: the retry counts for the synthesis, nothing else moves.
    state.record(worker("a", .completed, output: "second try"))
    #expect(recorder.events.count == eventsAtEnd)
    #expect(try journalSteps(journal).count == stepsAtEnd)
    #expect(state.report(now: 2) == report)
    #expect(state.synthesisInputs().first?.output == "second try")
    #expect(report.journalPath == journal.path)
  }

  @Test func aPlanWithoutARunHasNoOutletsButTheSameRecord() {
    let state = RunState(runId: nil, task: "t", startedAtClock: 0)
    state.publish(plan)
    state.record(worker("b", .completed, output: "b done"))
    #expect(state.emitter == nil)
    #expect(state.result("b")?.output == "b done")
    #expect(state.synthesisInputs().map(\.status) == [.pending, .completed])
  }
}
