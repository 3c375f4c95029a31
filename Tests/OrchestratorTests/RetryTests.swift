import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct RetryTests {
  @Test func backoffIsExponentialWithFullJitter() {
    let policy = RetryPolicy(maxAttempts: 6, baseDelaySeconds: 0.5, maxDelaySeconds: 30)
    #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unit: 0.5) == 0.25)
    #expect(policy.delay(afterAttempt: 2, retryAfter: nil, unit: 0.5) == 0.5)
    #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 1) == 2)
    #expect(policy.delay(afterAttempt: 10, retryAfter: nil, unit: 1) == 30)
    #expect(policy.delay(afterAttempt: 5, retryAfter: nil, unit: 0) == 0)
    #expect(policy.delay(afterAttempt: 1, retryAfter: 7, unit: 0.5) == 7)
    // Refusals for rate wait for Retry-After plus first-retry jitter, however often they repeat.
    #expect(policy.delay(afterAttempt: 4, retryAfter: 0.1, rateLimited: true, unit: 1) == 0.5)
    #expect(policy.delay(afterAttempt: 4, retryAfter: 2, rateLimited: true, unit: 1) == 2)
  }

  @Test func retryableErrorsAreRetriedOnTheClock() async throws {
    let clock = TestClock()
    let provider = FakeProvider.retryingTeam { call in
      call <= 2 ? .failure(ProviderError(.serverError, "overloaded", status: 503)) : .text("worked")
    }
    let engine = makeEngine([provider], clock: clock)
    let recorder = EventRecorder()
    let run = Task { try await engine.run(RunRequest(task: "t"), events: recorder.sink) }

    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [0.25])
    #expect(provider.calls.count == 2)
    clock.advance(by: .seconds(0.25))
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [0.5])
    clock.advance(by: .seconds(0.5))
    let report = try await run.value

    #expect(report.status == .completed)
    #expect(report.results[0].attempts == 3)
    #expect(report.results[0].output == "worked")
    let retries = recorder.events.compactMap { event -> (Int, Double, String)? in
      guard case .retrying(let id, .worker, let attempt, let reason, let delay, let model) = event.payload, id == "s1"
      else {
        return nil
      }
      #expect(reason.contains("overloaded"))
      return (attempt, delay, model)
    }
    #expect(retries.map(\.0) == [1, 2])
    #expect(retries.map(\.1) == [0.25, 0.5])
    #expect(retries.allSatisfy { $0.2 == "fake:default" })
  }

  @Test func retryAfterIsHonoured() async throws {
    let clock = TestClock()
    let provider = FakeProvider.retryingTeam { call in
      call == 1 ? .failure(ProviderError(.rateLimited, "slow down", status: 429, retryAfter: .seconds(7))) : .text("ok")
    }
    let engine = makeEngine([provider], clock: clock)
    let run = Task { try await engine.run(RunRequest(task: "t")) }

    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [7])
    clock.advance(by: .seconds(6.9))
    #expect(provider.calls.count == 2)
    clock.advance(by: .seconds(0.1))
    let report = try await run.value
    #expect(report.status == .completed)
    #expect(report.results[0].attempts == 2)
    #expect(clock.elapsed >= 7)
  }

  @Test func nonRetryableErrorsAreNotRetried() async throws {
    let clock = TestClock()
    let provider = FakeProvider.retryingTeam { _ in .failure(ProviderError(.badRequest, "context too long", status: 400)) }
    let engine = makeEngine([provider], clock: clock)
    let report = try await engine.run(RunRequest(task: "t"))

    #expect(report.status == .failed)
    #expect(report.results[0].status == .failed)
    #expect(report.results[0].attempts == 1)
    #expect(report.error == "no subtask completed, so there is nothing to synthesize")
    #expect(clock.requestedDelays.isEmpty)
  }

  @Test func contextLengthRefusalsAreAttemptedOnceAndNotRetried() async throws {
    let clock = TestClock()
    let provider = FakeProvider.retryingTeam { _ in
      .failure(
        ProviderError(
          .contextLengthExceeded, "the prompt has 2100 tokens but the context window is 2048", status: 400))
    }
    let engine = makeEngine([provider], clock: clock) { $0.retry.maxAttempts = 4 }
    let report = try await engine.run(RunRequest(task: "t"))

    #expect(report.status == .failed)
    #expect(report.results[0].status == .failed)
    #expect(report.results[0].attempts == 1)
    #expect(clock.requestedDelays.isEmpty)
  }

  @Test func fallbackModelTakesOverAfterThePrimaryIsExhausted() async throws {
    let clock = TestClock()
    let primary = FakeProvider.retryingTeam { _ in .failure(ProviderError(.serverError, "down", status: 500)) }
    let backup = FakeProvider(name: "backup") { _, _ in .text("from backup") }
    let engine = makeEngine([primary, backup], clock: clock) {
      $0.retry.maxAttempts = 2
      $0.worker.fallbacks = ["backup:steady"]
    }
    let recorder = EventRecorder()
    let run = Task { try await engine.run(RunRequest(task: "t"), events: recorder.sink) }
    await clock.waitForSleepers(1)
    clock.advanceToNextDeadline()
    let report = try await run.value

    #expect(report.status == .completed)
    #expect(report.results[0].model == "backup:steady")
    #expect(report.results[0].output == "from backup")
    #expect(report.results[0].attempts == 3)
    #expect(backup.calls.map(\.request.model) == ["steady"])
    let fallback = recorder.events.contains { event in
      if case .retrying("s1", .worker, 0, let reason, 0, "backup:steady") = event.payload {
        return reason.contains("falling back")
      }
      return false
    }
    #expect(fallback)
  }

  @Test func nonRetryableErrorFallsBackAtOnce() async throws {
    let clock = TestClock()
    let primary = FakeProvider.retryingTeam { _ in .failure(ProviderError(.authentication, "bad key", status: 401)) }
    let backup = FakeProvider(name: "backup") { _, _ in .text("from backup") }
    let engine = makeEngine([primary, backup], clock: clock) { $0.worker.fallbacks = ["nowhere:x", "backup:steady"] }
    let report = try await engine.run(RunRequest(task: "t"))

    #expect(report.results[0].model == "backup:steady")
    #expect(report.results[0].attempts == 2)
    #expect(clock.requestedDelays.isEmpty)
  }

  @Test func attemptTimeoutCountsAsARetryableFailure() async throws {
    let clock = TestClock()
    let gate = TaskGate()
    let provider = FakeProvider.retryingTeam { call in call == 1 ? .gated(gate, then: .text("too late")) : .text("in time") }
    let engine = makeEngine([provider], clock: clock) { $0.retry.attemptTimeoutSeconds = 5 }
    let run = Task { try await engine.run(RunRequest(task: "t")) }

    await gate.waitForArrivals(1)
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [5])
    clock.advance(by: .seconds(5))
    await clock.waitForSleepers(1)
    clock.advanceToNextDeadline()
    let report = try await run.value

    #expect(report.status == .completed)
    #expect(report.results[0].output == "in time")
    #expect(report.results[0].attempts == 2)
    #expect(provider.cancelledCalls == 1)
  }
}
