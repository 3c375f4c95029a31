import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct RateLimitTests {
  /// Sends `count` requests at `now`, returning their permits.
  static func send(_ count: Int, at now: Double, on pacing: inout ProviderPacing) -> [ProviderPacing.Permit] {
    (0..<count).compactMap { _ in
      let reservation = pacing.reserve(tokenCost: 10, now: now)
      return pacing.send(generation: reservation.generation, tokenCost: 10, now: now, waited: false)
    }
  }

  @Test func bucketReservationsLineUpInOrder() {
    var bucket = TokenBucket(rate: 2, capacity: 2, time: 0)
    #expect(bucket.reserve(1, now: 0) == 0)
    #expect(bucket.reserve(1, now: 0) == 0)
    #expect(bucket.reserve(1, now: 0) == 0.5)
    #expect(bucket.reserve(1, now: 0) == 1)
    bucket.giveBack(1)
    #expect(bucket.reserve(1, now: 0) == 1)
  }

  @Test func firstRefusalEstimatesTheRateFromWhatGotThrough() {
    var pacing = ProviderPacing(configured: nil, now: 0)
    let permits = Self.send(16, at: 0, on: &pacing)
    #expect(permits.count == 16)
    // The provider admitted 10 and refused 6, asking for 0.1 s.
    for permit in permits.suffix(6) {
      pacing.rateLimited(permit, retryAfter: 0.1, snapshot: nil, now: 0.001)
    }
    #expect(pacing.estimatedRate == 10)
    #expect(pacing.requestRate == 10)
    // Everyone waits for the cool-down, then goes at 10 per second, one slot behind the provider's refill.
    let first = pacing.reserve(tokenCost: 10, now: 0.002).start
    let second = pacing.reserve(tokenCost: 10, now: 0.002).start
    #expect(first >= 0.101)
    #expect(abs(second - first - 0.1) < 1e-9)
  }

  @Test func refusalsBetweenEpisodesMeasureTheRate() {
    var pacing = ProviderPacing(configured: nil, now: 0)
    let burst = Self.send(16, at: 0, on: &pacing)
    for permit in burst.suffix(4) { pacing.rateLimited(permit, retryAfter: 0.1, snapshot: nil, now: 0.001) }
    // Then 20 requests get through over two seconds and the 21st, at 2.1 s, is refused.
    var last: ProviderPacing.Permit?
    for step in 0...20 {
      let now = 0.1 + Double(step) * 0.1
      let reservation = pacing.reserve(tokenCost: 10, now: now)
      last = pacing.send(generation: reservation.generation, tokenCost: 10, now: now, waited: true)
    }
    pacing.rateLimited(last!, retryAfter: 0.1, snapshot: nil, now: 2.101)
    let rate = pacing.requestRate
    #expect(rate > 9.9 && rate < 10.1)
  }

  @Test func coolDownHoldsEveryCaller() {
    var pacing = ProviderPacing(configured: nil, now: 0)
    let permit = Self.send(1, at: 0, on: &pacing)[0]
    pacing.rateLimited(permit, retryAfter: 5, snapshot: nil, now: 0.2)
    for _ in 0..<3 { #expect(pacing.reserve(tokenCost: 10, now: 0.3).start >= 5.2) }
  }

  @Test func headersSetRateAndLevel() {
    var pacing = ProviderPacing(configured: nil, now: 0)
    let permit = Self.send(1, at: 0, on: &pacing)[0]
    // OpenAI style: 600 per minute, none left, full again in 60 s.
    let snapshot = RateLimitSnapshot(limitRequests: 600, remainingRequests: 0, resetRequestsSeconds: 60)
    pacing.succeeded(permit, actualTokens: 10, snapshot: snapshot, now: 0.2)
    #expect(pacing.requestRate == 10)
    let next = pacing.reserve(tokenCost: 10, now: 0.2).start
    // One request refills by 0.1 s, and one is held back: the next goes at 0.2 s after the snapshot's request.
    #expect(abs(next - 0.2) < 1e-9)
    #expect(abs(pacing.reserve(tokenCost: 10, now: 0.2).start - 0.3) < 1e-9)
  }

  @Test func tokensPerMinuteBookEstimatesAndSettleToActualUsage() throws {
    // 600 tokens per minute: 10 per second, a burst of 10.
    var pacing = ProviderPacing(configured: RateLimit(tokensPerMinute: 600), now: 0)
    func send(_ cost: Double) throws -> (Double, ProviderPacing.Permit) {
      let reservation = pacing.reserve(tokenCost: cost, now: 0)
      let permit = pacing.send(generation: reservation.generation, tokenCost: cost, now: 0, waited: false)
      return (reservation.start, try #require(permit))
    }
    let (firstStart, first) = try send(5)
    let (secondStart, _) = try send(5)
    #expect([firstStart, secondStart] == [0, 0])
    #expect(pacing.reserve(tokenCost: 5, now: 0).start == 0.5)
    // The first call used 1 token, not 5: the 4 unused ones are returned, so the next booking starts earlier.
    pacing.succeeded(first, actualTokens: 1, snapshot: nil, now: 0)
    #expect(abs(pacing.reserve(tokenCost: 5, now: 0).start - 0.6) < 1e-9)
  }

  @Test func coolDownIsSharedAcrossRuns() async throws {
    let clock = TestClock()
    let counter = Counter()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "Only part", [])]))
      case .synthesizer: return .text("final")
      default:
        return counter.next() == 1
          ? .failure(ProviderError(.rateLimited, "slow down", status: 429, retryAfter: .seconds(5))) : .text("ok")
      }
    }
    let engine = makeEngine([provider], clock: clock)
    let first = Task { try await engine.run(RunRequest(task: "first")) }
    await clock.waitForSleepers(1)
    #expect(provider.calls.count == 2)

    // A second run's planner waits for the same cool-down instead of hitting the provider.
    let second = Task { try await engine.run(RunRequest(task: "second")) }
    await clock.waitForSleepers(2)
    #expect(provider.calls.count == 2)
    #expect(clock.pendingDelays.allSatisfy { $0 >= 5 })

    clock.advance(by: .seconds(5))
    let reports = try await clock.drive { try await [first.value, second.value] }
    #expect(reports.map(\.status) == [.completed, .completed])
    // Three calls per run plus the refused one.
    #expect(provider.calls.count == 7)
  }

  @Test func configuredLimitPacesCalls() async throws {
    let clock = TestClock()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON((1...4).map { ("s\($0)", "part \($0)", []) }))
      case .synthesizer: return .text("final")
      default: return .text("ok")
      }
    }
    let engine = makeEngine([provider], clock: clock) { $0.rateLimits["fake"] = RateLimit(requestsPerMinute: 60) }
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 4)) }

    // One request per second: the planner went at 0, the four workers are booked for 1, 2, 3 and 4 s.
    await clock.waitForSleepers(4)
    #expect(clock.pendingDelays == [1, 2, 3, 4])
    #expect(provider.calls.count == 1)
    for expectedCalls in 2...5 {
      clock.advanceToNextDeadline()
      await provider.waitForCalls(expectedCalls)
    }
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [1])
    clock.advanceToNextDeadline()
    let report = try await run.value
    #expect(report.status == .completed)
    #expect(clock.elapsed == 5)
  }

  @Test func limitLearnedFromHeadersPacesTheWorkers() async throws {
    let clock = TestClock()
    let snapshot = RateLimitSnapshot(limitRequests: 60, remainingRequests: 0, resetRequestsSeconds: 60)
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner:
        return .text(planJSON((1...3).map { ("s\($0)", "part \($0)", []) }), rateLimit: snapshot)
      case .synthesizer: return .text("final")
      default: return .text("ok")
      }
    }
    let engine = makeEngine([provider], clock: clock)
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 3)) }

    await clock.waitForSleepers(3)
    #expect(clock.pendingDelays == [2, 3, 4])
    for _ in 0..<4 {
      await clock.waitForSleepers(1)
      clock.advanceToNextDeadline()
    }
    let report = try await run.value
    #expect(report.status == .completed)
    #expect(clock.elapsed == 5)
    #expect(provider.calls.count == 5)
  }

  @Test func afterARefusalWithoutHeadersQueuedCallsArePaced() async throws {
    // The four worker calls sent at t = 0 are all refused (Retry-After 1 s); no header says what the limit is.
    let clock = TestClock()
    let gate = TaskGate()
    let refusal = ProviderError(.rateLimited, "slow down", status: 429, retryAfter: .seconds(1))
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON((1...4).map { ("s\($0)", "part \($0)", []) }))
      case .synthesizer: return .text("final")
      default: return clock.elapsed < 1 ? .gated(gate, then: .failure(refusal)) : .text("ok")
      }
    }
    let engine = makeEngine([provider], clock: clock)
    let run = Task { try await engine.run(RunRequest(task: "t", concurrency: 4)) }

    await gate.waitForArrivals(4)
    gate.open()
    await clock.waitForSleepers(4)
    #expect(clock.pendingDelays == [1, 1, 1, 1])
    clock.advance(by: .seconds(1))
    // Only the planner's request got through in the last second, so the limiter assumes little (4 per second,
    // a burst of 4, one held back): three retries go at once, the fourth a quarter of a second later.
    await provider.waitForCalls(8)
    await clock.waitForSleepers(1)
    #expect(clock.pendingDelays == [0.25])
    #expect(provider.calls.count == 8)
    clock.advanceToNextDeadline()
    await clock.waitForSleepers(1)
    clock.advanceToNextDeadline()
    let report = try await run.value
    #expect(report.status == .completed)
    #expect(report.results.map(\.attempts) == [2, 2, 2, 2])
  }
}
