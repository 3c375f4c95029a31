import Foundation
import Testing
import JSON

/// A client that stops reading Baton's stdout ends the session: Baton must not go on serving nobody.
@Suite("baton serve with a broken stdout", .timeLimit(.minutes(1)))
struct BrokenStdoutServeTests {
  @Test func closedStdoutEndsTheProcessWithCodeOne() async throws {
    let baton = try ClosableStdoutBaton(arguments: ["serve"])
    try baton.send(["jsonrpc": "2.0", "id": 0, "method": "initialize", "params": [:]])
    _ = try await baton.reply(to: 0)
    try baton.closeStdout()
    try baton.send(["jsonrpc": "2.0", "id": 1, "method": "baton/status"])
    // stdin stays open: only the failed write of the reply can end the process.
    #expect(await baton.exitCode() == 1)
    #expect(baton.standardError().contains("stdout closed by the reader; cancelling 0 requests and exiting"))
  }

  @Test func runInFlightIsCancelledAndJournaledAsCancelled() async throws {
    let mock = try MockLLMServer()
    try await mock.configure(["gate": true])
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("baton-broken-stdout-\(UUID())").path
    let baton = try ClosableStdoutBaton(arguments: ["serve", "--config", try mock.configFile(), "--state-dir", state])
    try baton.send(["jsonrpc": "2.0", "id": 0, "method": "initialize", "params": [:]])
    _ = try await baton.reply(to: 0)
    try baton.send(["jsonrpc": "2.0", "id": 1, "method": "run", "params": ["task": "never seen through"]])
    try await mock.wait(["gated": 1])  // the planner call is in flight
    try baton.closeStdout()
    // Baton may already have failed a write (a run event), exited, and closed stdin: that is fine too.
    try? baton.send(["jsonrpc": "2.0", "id": 2, "method": "baton/status"])
    #expect(await baton.exitCode() == 1)
    #expect(baton.standardError().contains("stdout closed by the reader; cancelling 1 requests and exiting"))

    let runs = URL(fileURLWithPath: state).appendingPathComponent("runs")
    let journals = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasSuffix(".jsonl") }
    try #require(journals.count == 1)
    let text = try String(contentsOf: runs.appendingPathComponent(journals[0]), encoding: .utf8)
    let records = try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    let end = try #require(records.last)
    #expect(end["kind"] == "end")
    #expect(end["status"] == "cancelled")
    #expect(records.contains { $0["kind"] == "report" && $0["report"]?["status"] == "cancelled" })
    try? FileManager.default.removeItem(atPath: state)
  }
}
