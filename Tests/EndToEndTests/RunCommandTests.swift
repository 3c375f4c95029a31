import Foundation
import Testing
import JSON
import Orchestrator

/// `baton run` in a terminal-less process, against the mock server.
@Suite("baton run", .timeLimit(.minutes(1)))
struct RunCommandTests {
  let mock: MockLLMServer
  let config: String
  let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-run-\(UUID())").path

  init() throws {
    mock = try MockLLMServer()
    config = try mock.configFile()
  }

  func arguments(_ extra: [String]) -> [String] {
    ["run", "--config", config, "--state-dir", stateDirectory] + extra
  }

  @Test func printsTheSynthesisOnStdoutAndProgressOnStderr() async throws {
    let result = try await runBatonCommand(arguments(["Plan a picnic for six", "--max-subtasks", "2"]))
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("echo: "))
    #expect(result.stderr.contains("plan ready: 2 subtasks"))
    #expect(result.stderr.contains("[s1]"))
    #expect(result.stderr.contains("run completed"))
    #expect(result.stderr.contains("baton report run-"))
  }

  @Test func jsonPrintsTheWholeReport() async throws {
    let result = try await runBatonCommand(arguments(["Plan a picnic", "--json", "--quiet"]))
    #expect(result.status == 0)
    let report = try JSONParser.parse(result.stdout)
    #expect(report["status"] == "completed")
    #expect(report["results"]?.arrayValue?.isEmpty == false)
    #expect(result.stderr.contains("plan ready") == false)
  }

  @Test func budgetStopsTheRunWithItsExitCode() async throws {
    let result = try await runBatonCommand(arguments(["Plan a picnic", "--budget-tokens", "50"]))
    #expect(result.status == 3)
  }

  @Test func failedRunExitsWithOne() async throws {
    try await mock.configure(["status": 400])
    let result = try await runBatonCommand(arguments(["Plan a picnic"]))
    #expect(result.status == 1)
    #expect(result.stderr.contains("run failed"))
  }

  /// A config file for the mock provider with the given `orchestration` section.
  func configFile(orchestration: JSONValue) throws -> String {
    let config: JSONValue = [
      "defaultModel": "mock:mock-model",
      "providers": ["mock": ["kind": "openai", "baseURL": .string(mock.baseURL + "/v1")]],
      "orchestration": orchestration,
    ]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-orchestration-\(UUID()).json").path
    try Data(JSONWriter.bytes(config)).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func theConfigurationFilesOrchestrationSettingsApply() async throws {
    let path = try configFile(orchestration: ["maxSubtasks": 1, "retry": ["maxAttempts": 2]])
    let result = try await runBatonCommand(["run", "--config", path, "--state-dir", stateDirectory, "Plan a picnic"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("plan ready: 1 subtask"))
  }

  @Test func aBadOrchestrationSettingIsAConfigurationError() async throws {
    let path = try configFile(orchestration: ["templates": ["worker": "Do {subtask"]])
    let result = try await runBatonCommand(["run", "--config", path, "--state-dir", stateDirectory, "Plan a picnic"])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "baton: \(path): orchestration.templates.worker: unescaped \"{\" at character 3 (\"{subtask\"); write {{ for a literal brace\n")
  }

  @Test func usageErrorsExitWithTwo() async throws {
    #expect(try await runBatonCommand(["run"]).status == 2)
    #expect(try await runBatonCommand(["run", "task", "--concurrency", "zero"]).status == 2)
  }

  @Test func ctrlCCancelsCleanlyAndReportsPartialResults() async throws {
    try await mock.configure(["gate": true])
    let process = Process()
    process.executableURL = BatonProcess.executableURL
    process.arguments = arguments(["Plan a picnic", "--max-subtasks", "2"])
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    try await mock.wait(["gated": 1])  // the planner call is in flight
    kill(process.processIdentifier, SIGINT)
    let status: Int32 = await withCheckedContinuation { continuation in
      Thread {
        process.waitUntilExit()
        continuation.resume(returning: process.terminationStatus)
      }.start()
    }
    #expect(status == 130)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(stderr.contains("cancelling"))
    #expect(stderr.contains("run cancelled"))
    try await mock.wait(["disconnects": 1])  // the in-flight HTTP call was aborted
  }
}
