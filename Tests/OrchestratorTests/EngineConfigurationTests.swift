import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite struct EngineConfigurationTests {
  @Test func modelChoiceGoesFromRequestToTypeToRoleToDefault() {
    var configuration = EngineConfiguration()
    configuration.worker = RoleConfiguration(model: "p:role", fallbacks: ["p:backup", "p:role"])
    configuration.workerModelsByType = ["code": "p:coder"]
    #expect(
      configuration.candidates(for: .worker, requested: "p:asked", subtaskType: "code") == [
        "p:asked", "p:backup", "p:role",
      ])
    #expect(
      configuration.candidates(for: .worker, requested: nil, subtaskType: "code") == ["p:coder", "p:backup", "p:role"])
    #expect(configuration.candidates(for: .worker, requested: nil, subtaskType: "prose") == ["p:role", "p:backup"])
    #expect(configuration.candidates(for: .synthesizer, requested: nil) == [nil])
  }

  @Test func requestsDecodeFromTheirWireShape() throws {
    let run = try JSONDecoder().decode(RunRequest.self, from: Data(#"{"task": "t", "budget": {"maxTokens": 10}}"#.utf8))
    #expect(run.approvePlan == false)
    #expect(run.stream == false)
    #expect(run.budget == Budget(maxTokens: 10))
    let input = try JSONDecoder().decode(SynthesisInput.self, from: Data(#"{"subtaskId": "a", "error": "boom"}"#.utf8))
    #expect(input.status == .failed)
  }

  @Test func workerModelForASubtaskTypeIsUsed() async throws {
    let main = FakeProvider { request, _ in
      Role.of(request) == .planner
        ? .text(
          #"{"subtasks": [{"name": "A", "description": "a", "type": "code"}, {"name": "B", "description": "b"}]}"#)
        : .text("from main")
    }
    let coder = FakeProvider(name: "coder") { _, _ in .text("from coder") }
    let engine = makeEngine([main, coder]) { $0.workerModelsByType = ["code": "coder:big"] }
    let report = try await engine.run(RunRequest(task: "t"))
    #expect(report.results.map(\.model) == ["coder:big", "fake:default"])
    #expect(report.results.map(\.output) == ["from coder", "from main"])
    // The planner was offered the configured types as an enum.
    let typeSchema = main.calls[0].request.schema?.schema["properties"]?["subtasks"]?["items"]?["properties"]?["type"]
    #expect(typeSchema?["enum"] == ["code"])
  }
}
