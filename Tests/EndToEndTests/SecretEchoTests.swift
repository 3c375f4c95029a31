import Foundation
import Testing
import JSON

/// A gateway that echoes the API key back in its completions must not get the key into anything Baton
/// emits or writes: replies, deltas, run events, `runs/get`, the journal or stderr.
@Suite("A key echoed by the provider never leaves Baton", .timeLimit(.minutes(2)))
struct SecretEchoTests {
  static let key = "sk-mock-echoed-secret-0123456789"

  @Test func everyOutputAndTheJournalCarryTheMarkerInstead() async throws {
    let mock = try MockLLMServer(arguments: ["--echo-key"])
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("baton-echo-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: state) }
    var environment = ProcessInfo.processInfo.environment
    environment["BATON_TEST_ECHO_KEY"] = Self.key
    let baton = try BatonProcess(
      arguments: ["serve", "--config", try mock.configFile(apiKeyEnv: "BATON_TEST_ECHO_KEY"), "--state-dir", state,
        "--log-level", "debug"],
      environment: environment)
    _ = try await baton.initialize()

    var seen: [String] = []
    func collect(_ id: Int, _ method: String, _ params: JSONValue) async throws -> JSONValue {
      baton.send(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
      while true {
        let message = try await baton.next()
        seen.append(JSONWriter.string(message))
        if message["id"] == .int(id), message["method"] == nil { return message }
      }
    }

    let complete = try await collect(1, "complete", ["prompt": "hello"])
    #expect(complete["result"]?["text"]?.stringValue?.contains(SecretRedactorMarker.text) == true, "\(complete)")
    _ = try await collect(2, "complete", ["prompt": "hello", "stream": true])
    let subtasks: JSONValue = [["id": "a", "name": "a", "description": "first"], ["id": "b", "name": "b", "description": "second"]]
    let run = try await collect(3, "run", ["task": "two things", "subtasks": subtasks, "stream": true])
    let runId = try #require(run["result"]?["runId"]?.stringValue, "\(run)")
    _ = try await collect(4, "runs/get", ["runId": .string(runId)])
    baton.closeStdin()
    _ = await baton.exitCode()

    let everything = seen.joined(separator: "\n")
    #expect(!everything.contains(Self.key))
    #expect(everything.contains(SecretRedactorMarker.text))
    #expect(seen.contains { $0.contains("complete/delta") })
    #expect(seen.contains { $0.contains("subtaskDelta") })
    let journal = try String(contentsOfFile: "\(state)/runs/\(runId).jsonl", encoding: .utf8)
    #expect(!journal.contains(Self.key))
    #expect(journal.contains(SecretRedactorMarker.text))
    #expect(!baton.standardError().contains(Self.key))
  }
}

/// The marker, spelled out here so the test does not just compare the code with itself.
enum SecretRedactorMarker {
  static let text = "[REDACTED]"
}
