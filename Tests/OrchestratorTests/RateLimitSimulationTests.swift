import Foundation
import Testing
@testable import Orchestrator

/// The 429 benchmark (100 subtasks, concurrency 64, 200 ms latency, provider at 600 RPM with a burst of 10)
/// with default settings, simulated in virtual time. Theoretical minimum: 9.5 s. The benchmark's bar is
/// 100/100 within 1.1x of it with fewer than 50 refusals; the simulation holds the engine to fewer than 20.
@Suite struct RateLimitSimulationTests {
  static let theoreticalMinimum = 9.5

  @Test(arguments: [
    (false, PacingSimulation.RetryAfterStyle.wholeSeconds),
    (false, .milliseconds),
    (false, .none),
    (true, .wholeSeconds),
    (true, .milliseconds),
  ])
  func learnsTheLimitWithoutConfiguration(headers: Bool, retryAfter: PacingSimulation.RetryAfterStyle) {
    // A refusal comes back in 1 ms from a local mock, in 20 ms from a busy machine or a remote provider.
    for (seed, rejectLatency) in [(1, 0.001), (2, 0.001), (3, 0.001), (4, 0.02), (5, 0.02), (6, 0.02)] {
      var simulation = PacingSimulation()
      simulation.sendsHeaders = headers
      simulation.retryAfter = retryAfter
      simulation.seed = UInt64(seed)
      simulation.rejectLatency = rejectLatency
      let outcome = simulation.run()
      #expect(outcome.completed == 100)
      #expect(outcome.makespan <= 1.1 * Self.theoreticalMinimum)
      #expect(outcome.rejected < 20)
      // With rate-limit headers the schedule is known before the first worker starts.
      if headers { #expect(outcome.rejected <= 2) }
    }
  }

  /// The probe pacing that protects unknown providers must not slow down one without limits:
  /// 1000 subtasks at concurrency 64 and 200 ms latency stay within 5% of the ideal 3.6 s, with no refusals.
  @Test func doesNotSlowDownAProviderWithoutLimits() {
    var simulation = PacingSimulation()
    simulation.subtasks = 1000
    simulation.requestsPerMinute = nil
    let outcome = simulation.run()
    let ideal = 0.2 + (1000.0 / 64).rounded(.up) * 0.2 + 0.2
    #expect(outcome.completed == 1000)
    #expect(outcome.rejected == 0)
    #expect(outcome.makespan <= 1.05 * ideal)
  }

  /// A configured limit is honoured from the first request: no refusals at all, close to the minimum.
  @Test func configuredLimitAvoidsRefusals() {
    var simulation = PacingSimulation()
    simulation.configured = RateLimit(requestsPerMinute: 600)
    let outcome = simulation.run()
    #expect(outcome.completed == 100)
    #expect(outcome.rejected <= 1)
    #expect(outcome.makespan <= 1.1 * Self.theoreticalMinimum)
  }
}
