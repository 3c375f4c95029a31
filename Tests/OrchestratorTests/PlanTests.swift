import Foundation
import Testing
@testable import EngineTestSupport
@testable import JSON
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct PlanTests {
  /// A planner that gives the scripted answers in turn.
  static func planner(_ answers: [FakeProvider.Reply]) -> FakeProvider {
    FakeProvider(script: answers)
  }

  @Test func plannerGetsASchemaAndAnExampleAboutAnotherTask() async throws {
    let provider = Self.planner([.text(planJSON([("a", "One", []), ("b", "Two", ["One"])]))])
    let engine = makeEngine([provider])
    let plan = try await engine.plan(PlanRequest(task: "Plan a garden", maxSubtasks: 5))

    let request = try #require(provider.calls.first).request
    let schema = try #require(request.schema?.schema)
    let subtasks = try #require(schema["properties"]?["subtasks"])
    #expect(subtasks["minItems"] == 1)
    #expect(subtasks["maxItems"] == 5)
    #expect(subtasks["items"]?["required"] == ["name", "description"])
    #expect(subtasks["items"]?["properties"]?["name"]?["maxLength"] == 80)
    #expect(subtasks["items"]?["additionalProperties"] == false)
    let prompt = request.messages[0].content
    #expect(prompt.contains("between 1 and 5 subtasks"))
    #expect(prompt.contains("brewing green tea"))
    #expect(prompt.contains("<input name=\"task\">\nPlan a garden\n</input>"))

    #expect(plan.subtasks.map(\.id) == ["a", "b"])
    // dependsOn named a subtask by name; it is mapped to the id.
    #expect(plan.subtasks[1].dependsOn == ["a"])
    #expect(plan.objective == "test objective")
  }

  @Test func builtInExampleIsAValidPlan() throws {
    let example = try JSONText.decode(BuiltInPrompts.plannerExample)
    let schema = try PlannerSchema.make(minSubtasks: 1, maxSubtasks: 8, subtaskSchema: nil, types: [])
    #expect(JSONSchemaValidator().validate(example, against: schema).isEmpty)
    #expect((try? PlanDecoder.decode(example, planId: "p", task: "t").get())?.subtasks.count == 3)
  }

  @Test func idsAreAssignedWhenMissingOrRepeated() {
    let missing: JSONValue = [
      "subtasks": [["name": "A", "description": "a"], ["name": "B", "description": "b", "dependsOn": ["A"]]]
    ]
    let repeated: JSONValue = [
      "subtasks": [["id": "x", "name": "A", "description": "a"], ["id": "x", "name": "B", "description": "b"]]
    ]
    let first = try? PlanDecoder.decode(missing, planId: "p", task: "t").get()
    #expect(first?.subtasks.map(\.id) == ["s1", "s2"])
    #expect(first?.subtasks[1].dependsOn == ["s1"])
    #expect(first?.objective == "t")
    let second = try? PlanDecoder.decode(repeated, planId: "p", task: "t").get()
    #expect(second?.subtasks.map(\.id) == ["s1", "s2"])
  }

  @Test func invalidPlanIsRepairedWithTheProblemsFedBack() async throws {
    let provider = Self.planner([
      .text("Sure! Here is the plan: {\"subtasks\": [{\"name\": \"A\"}]}"),
      .text("{\"subtasks\": [{\"name\": \"A\", \"description\": \"a\", \"dependsOn\": [\"Z\"]}]}"),
      .text(planJSON([("s1", "A", [])])),
    ])
    let engine = makeEngine([provider])
    let plan = try await engine.plan(PlanRequest(task: "t"))

    #expect(plan.subtasks.map(\.name) == ["A"])
    let calls = provider.calls
    #expect(calls.count == 3)
    let secondTurn = calls[1].request.messages
    #expect(secondTurn.count == 3)
    #expect(secondTurn[1].role == .assistant)
    #expect(secondTurn[2].content.contains("missing required property \"description\""))
    let thirdTurn = calls[2].request.messages
    #expect(thirdTurn.last?.content.contains("depends on \"Z\"") == true)
  }

  @Test func truncatedPlanIsRepairedNotParsed() async throws {
    let provider = Self.planner([
      .text("{\"subtasks\": [{\"name\": \"A\", \"descr", finish: .length),
      .failure(ProviderError(.truncated, "cut off")),
      .text(planJSON([("s1", "A", [])])),
    ])
    let engine = makeEngine([provider])
    let plan = try await engine.plan(PlanRequest(task: "t"))
    #expect(plan.subtasks.count == 1)
    #expect(provider.calls[1].request.messages.last?.content.contains("cut off at the length limit") == true)
  }

  @Test func planningGivesUpAfterTheRepairs() async throws {
    let provider = FakeProvider { _, _ in .text("{\"subtasks\": []}") }
    let engine = makeEngine([provider]) { $0.repairAttempts = 2 }
    let error = await #expect(throws: EngineError.self) { _ = try await engine.plan(PlanRequest(task: "t")) }
    #expect(error?.kind == .planningFailed)
    #expect(error?.message.contains("fewer than minItems 1") == true)
    #expect(provider.calls.count == 3)
  }

  @Test func subtaskSchemaAddsTypedFieldsThatLandInParams() async throws {
    let answer: JSONValue = [
      "subtasks": [
        ["name": "A", "description": "a", "budgetShare": 0.5, "constraints": ["timeoutSeconds": 30]],
        ["name": "B", "description": "b", "budgetShare": 0.5],
      ]
    ]
    let provider = Self.planner([.text(JSONText.encode(answer))])
    let engine = makeEngine([provider])
    let plan = try await engine.plan(
      PlanRequest(
        task: "t",
        subtaskSchema: [
          "type": "object",
          "properties": [
            "budgetShare": ["type": "number", "minimum": 0, "maximum": 1],
            "constraints": ["type": "object", "properties": ["timeoutSeconds": ["type": "integer"]]],
          ],
          "required": ["budgetShare"],
        ]))
    let items = provider.calls[0].request.schema?.schema["properties"]?["subtasks"]?["items"]
    #expect(items?["required"] == ["name", "description", "budgetShare"])
    #expect(items?["properties"]?["budgetShare"]?["maximum"] == 1)
    #expect(plan.subtasks[0].params == ["budgetShare": 0.5])
    #expect(plan.subtasks[0].constraints == ["timeoutSeconds": 30])
  }

  @Test func badSubtaskSchemaIsInvalidParams() async throws {
    let engine = makeEngine([FakeProvider()])
    let error = await #expect(throws: EngineError.self) {
      _ = try await engine.plan(
        PlanRequest(task: "t", subtaskSchema: ["type": "object", "properties": ["name": ["type": "integer"]]]))
    }
    #expect(error?.kind == .invalidRequest)
    #expect(error?.message.contains("\"name\"") == true)
  }

  @Test func storedPlanDrivesRunSubtaskAndSynthesize() async throws {
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "Facts", []), ("s2", "Story", []), ("s3", "Summary", ["s1"])]))
      case .synthesizer: return .text("merged")
      default: return .text("out \(subtaskId(of: request) ?? "?")")
      }
    }
    let engine = makeEngine([provider])
    let plan = try await engine.plan(PlanRequest(task: "t", context: ["topic": "tea"]))

    let notReady = await #expect(throws: EngineError.self) {
      _ = try await engine.runSubtask(SubtaskRequest(planId: plan.planId, subtaskId: "s3"))
    }
    #expect(notReady?.kind == .dependencyNotReady)
    #expect(notReady?.data?["missing"] == ["s1"])

    let first = try await engine.runSubtask(SubtaskRequest(planId: plan.planId, subtaskId: "s1"))
    #expect(first.output == "out s1")
    let third = try await engine.runSubtask(SubtaskRequest(planId: plan.planId, subtaskId: "s3"))
    #expect(third.output == "out s3")
    let thirdPrompt = provider.calls[2].prompt
    #expect(thirdPrompt.contains("<input name=\"s1: Facts\">\nout s1\n</input>"))
    #expect(thirdPrompt.contains("<input name=\"topic\">\ntea\n</input>"))

    let synthesis = try await engine.synthesize(SynthesisRequest(planId: plan.planId, format: "paragraphs"))
    #expect(synthesis.output == "merged")
    #expect(synthesis.missing == ["s2"])
    let prompt = provider.calls[3].prompt
    #expect(prompt.contains("s2: Story (pending: it has not been run)"))
    #expect(prompt.contains("prose paragraphs"))

    let unknown = await #expect(throws: EngineError.self) {
      _ = try await engine.runSubtask(SubtaskRequest(planId: "plan-nope", subtaskId: "s1"))
    }
    #expect(unknown?.kind == .notFound)
  }

  /// A run's plan and its results are one record: a subtask retried with `runSubtask` after the run
  /// ended is what `synthesize` by the run's `planId` then sees, and the run's own report stays as it ended.
  @Test func aRunsPlanTakesRetriesThatSynthesizeThenSees() async throws {
    let s2Calls = Counter()
    let provider = FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "Facts", []), ("s2", "Story", [])]))
      case .synthesizer: return .text("merged")
      default:
        guard subtaskId(of: request) == "s2" else { return .text("out s1") }
        return s2Calls.next() == 1 ? .failure(ProviderError(.badRequest, "refused")) : .text("out s2")
      }
    }
    let engine = makeEngine([provider])
    let report = try await engine.run(RunRequest(task: "t"))
    #expect(report.results.map(\.status) == [.completed, .failed])
    let planId = try #require(report.plan?.planId)

    let retried = try await engine.runSubtask(SubtaskRequest(planId: planId, subtaskId: "s2"))
    #expect(retried.output == "out s2")
    let synthesis = try await engine.synthesize(SynthesisRequest(planId: planId))
    #expect(synthesis.missing.isEmpty)
    #expect(synthesis.finishReason == .stop)
    #expect(provider.calls.last?.prompt.contains("out s2") == true)
    #expect(try await engine.report(runId: report.runId) == report)
  }

  @Test func structuredWorkerOutputIsValidatedAndRepaired() async throws {
    let provider = FakeProvider(script: [.text("{\"score\": \"high\"}"), .text("{\"score\": 7}")])
    let engine = makeEngine([provider])
    let result = try await engine.runSubtask(
      SubtaskRequest(
        task: "Rate it", subtask: Subtask(id: "r", name: "Rate", description: "Give a score."),
        outputSchema: [
          "type": "object", "properties": ["score": ["type": "integer", "maximum": 10]], "required": ["score"],
        ]))
    #expect(result.json == ["score": 7])
    #expect(result.attempts == 2)
    #expect(provider.calls[0].request.schema != nil)
    #expect(provider.calls[1].request.messages.last?.content.contains("$.score: expected integer, got string") == true)
  }

  @Test func synthesizeTakesGivenResultsAndNamesTheMissingOnes() async throws {
    let provider = FakeProvider { _, _ in .text("merged") }
    let engine = makeEngine([provider])
    let synthesis = try await engine.synthesize(
      SynthesisRequest(
        task: "t",
        results: [
          SynthesisInput(subtaskId: "a", name: "Alpha", output: "alpha out"),
          SynthesisInput(subtaskId: "b", name: "Beta", status: .failed, error: "HTTP 500"),
        ], style: "time-based"))
    #expect(synthesis.missing == ["b"])
    let prompt = try #require(provider.calls.first).prompt
    #expect(prompt.contains("- b: Beta (failed: HTTP 500)"))
    #expect(prompt.contains("alpha out"))
    #expect(prompt.contains("time-based"))
  }
}

@Suite struct PlanSchemaValidatorTests {
  let validator = JSONSchemaValidator()

  @Test func reportsEachRuleWithItsPath() {
    let schema: JSONValue = [
      "type": "object", "additionalProperties": false, "required": ["items", "mode"],
      "properties": [
        "items": ["type": "array", "minItems": 2, "maxItems": 3, "items": ["type": "string", "maxLength": 3]],
        "mode": ["enum": ["fast", "slow"]],
        "level": ["type": "integer", "minimum": 1, "maximum": 5],
      ],
    ]
    #expect(validator.validate(["items": ["a", "b"], "mode": "fast", "level": 3], against: schema).isEmpty)
    let errors = validator.validate(
      ["items": ["long one"], "mode": "medium", "level": 9, "extra": true], against: schema)
    #expect(errors.contains("$.items: array has 1 items, fewer than minItems 2"))
    #expect(errors.contains("$.items[0]: string has 8 characters, more than maxLength 3"))
    #expect(errors.contains("$.mode: \"medium\" is not one of \"fast\", \"slow\""))
    #expect(errors.contains("$.level: 9 is above maximum 5"))
    #expect(errors.contains("$: property \"extra\" is not allowed"))
    #expect(validator.validate(["items": ["a", "b"]], against: schema) == ["$: missing required property \"mode\""])
    #expect(validator.validate(2.0, against: ["type": "integer"]).isEmpty)
    #expect(validator.validate(2.5, against: ["type": "integer"]) == ["$: expected integer, got number"])
    #expect(validator.validate(.null, against: ["type": ["string", "null"]]).isEmpty)
  }
}
