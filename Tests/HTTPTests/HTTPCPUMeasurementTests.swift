import Foundation
import Testing
@testable import HTTP

/// CPU cost of waiting and of many concurrent requests. Opt-in, because figures are not pass/fail
/// material and other tests running alongside would distort them; run alone with
/// `BATON_HTTP_CPU_MEASURE=1 swift test --filter HTTPCPUMeasurement`.
@Suite(
  .enabled(if: ProcessInfo.processInfo.environment["BATON_HTTP_CPU_MEASURE"] == "1"),
  .serialized, .timeLimit(.minutes(2)))
struct HTTPCPUMeasurementTests {
  let client = CurlHTTPClient.shared

  /// User plus system CPU seconds this process has used.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  func measure(_ label: String, requests: Int, path: String) async throws {
    let server = try await HTTPTestServer.shared.value
    _ = try await client.send(HTTPRequest(url: server.url("/echo")))  // Warm up: library, thread, connection.
    let clock = ContinuousClock()
    let cpuBefore = Self.cpuSeconds()
    let started = clock.now
    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<requests {
        // With an idle timeout, as provider calls have, so deadline tracking is part of the cost.
        group.addTask {
          try await client.send(HTTPRequest(url: server.url(path), idleTimeout: .seconds(30))).status
        }
      }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    let wall = started.duration(to: clock.now)
    let cpu = Self.cpuSeconds() - cpuBefore
    #expect(statuses == Array(repeating: 200, count: requests))
    print(
      String(
        format: "[cpu] %@: %d × %@ → wall %@, CPU %.3f s (%.3f ms per request)",
        label, requests, path, "\(wall)", cpu, cpu * 1000 / Double(requests)))
  }

  @Test func oneThreeSecondWait() async throws {
    try await measure("one 3 s wait", requests: 1, path: "/delay?ms=3000")
  }

  @Test func sixtyFourFiveSecondWaits() async throws {
    try await measure("64 concurrent 5 s waits", requests: 64, path: "/delay?ms=5000")
  }

  @Test func thousandConcurrentShortRequests() async throws {
    try await measure("1000 concurrent 200 ms", requests: 1000, path: "/delay?ms=200")
  }

  @Test func fiveHundredConcurrentStreams() async throws {
    try await measure("500 concurrent SSE streams (10 events, 100 ms apart)", requests: 500, path: "/drip?count=10&gap_ms=100")
  }

  /// Resident memory and open descriptors after each of five rounds: they level off, nothing leaks.
  @Test func repeatedRoundsLevelOff() async throws {
    for round in 1...5 {
      try await measure("round \(round)", requests: 1000, path: "/echo")
      let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
      let residentMB = (Double(statm[1]) ?? 0) * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
      let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
      print(String(format: "[cpu] after round %d: RSS %.1f MB, %d open descriptors", round, residentMB, descriptors))
    }
  }
}
