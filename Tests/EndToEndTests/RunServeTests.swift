import Foundation
import Testing
import JSON

/// `run` through the real binary: a 429 storm from the mock server, and a real task on the local model.
@Suite("run end to end", .timeLimit(.minutes(3)))
struct RunServeTests {
  @Test func a429StormStillFinishesEverySubtaskWithFewRejections() async throws {
    // 3000 requests/min with a one-second burst: 50 at once, then 50 a second.
    let mock = try MockLLMServer(arguments: ["--rpm", "3000", "--latency-ms", "20"])
    try await mock.configure(["array_items": 100])
    let baton = try BatonProcess(arguments: ["serve", "--config", try mock.configFile()])
    _ = try await baton.initialize()
    let reply = try await baton.request(
      1, "run", ["task": "a hundred small things", "maxSubtasks": 100, "minSubtasks": 100, "concurrency": 64])
    let report = try #require(reply["result"], "\(reply)")
    #expect(report["status"] == "completed")
    let results = report["results"]?.arrayValue ?? []
    #expect(results.count == 100)
    #expect(results.allSatisfy { $0["status"] == "completed" })
    let rejected = try await mock.log().filter { $0["status"] == 429 }.count
    #expect(rejected < 50, "the mock rejected \(rejected) requests")
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }

  @Test(.enabled(if: ProcessInfo.processInfo.environment["BATON_LOCAL_URL"] != nil, "needs the local model (scripts/test.sh starts it)"))
  func aRealTaskOnTheLocalModelGivesAPlanResultsAndASynthesis() async throws {
    var environment = ProcessInfo.processInfo.environment
    for key in ["BATON_MODEL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "GEMINI_API_KEY"] {
      environment.removeValue(forKey: key)
    }
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("baton-local-run-\(UUID())").path
    let baton = try BatonProcess(arguments: ["serve", "--state-dir", state], environment: environment)
    _ = try await baton.initialize()
    baton.send([
      "jsonrpc": "2.0", "id": 1, "method": "run",
      "params": ["task": "Write a short guide to keeping a houseplant alive", "minSubtasks": 2, "maxSubtasks": 3],
    ])
    var types: [String] = []
    var reply: JSONValue
    while true {
      reply = try await baton.next()
      if reply["method"] == "run/event" { types.append(reply["params"]?["type"]?.stringValue ?? "") }
      if reply["id"] == 1 { break }
    }
    let report = try #require(reply["result"], "\(reply)")
    let subtasks = report["plan"]?["subtasks"]?.arrayValue ?? []
    #expect(subtasks.count >= 2)
    #expect(report["results"]?.arrayValue?.count == subtasks.count)
    #expect(report["results"]?.arrayValue?.contains { $0["status"] == "completed" && $0["output"] != nil } == true)
    #expect(report["output"]?.stringValue?.isEmpty == false)
    #expect(report["planning"]?["model"] == "local:smollm2-135m")
    #expect(types.first == "planReady")
    #expect(types.last == "runCompleted")
    baton.closeStdin()
    #expect(await baton.exitCode() == 0)
  }
}
