import Foundation
import Synchronization
import Testing
@testable import EngineTestSupport
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct EngineApprovalTests {
  static func team() -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "Planned one", []), ("s2", "Planned two", [])]))
      case .synthesizer: return .text("final")
      default: return .text("did \(subtaskId(of: request) ?? "?")")
      }
    }
  }

  @Test func approvedPlanRuns() async throws {
    let provider = Self.team()
    let seen = Mutex<[String]>([])
    let engine = makeEngine([provider])
    let report = try await engine.run(
      RunRequest(task: "t", approvePlan: true),
      approver: PlanApproval { plan, runId in
        seen.withLock { $0 = plan.subtasks.map(\.name) + [runId] }
        return .approve
      })
    #expect(report.status == .completed)
    #expect(seen.withLock { $0 }.prefix(2) == ["Planned one", "Planned two"])
    #expect(seen.withLock { $0 }.last == report.runId)
  }

  @Test func editedPlanReplacesThePlannersPlan() async throws {
    let provider = Self.team()
    let engine = makeEngine([provider])
    let recorder = EventRecorder()
    let report = try await engine.run(
      RunRequest(task: "t", approvePlan: true),
      approver: PlanApproval { plan, _ in
        var edited = plan
        edited.planId = "ignored"
        edited.subtasks = [Subtask(id: "x", name: "Mine", description: "Only this.")]
        return .edit(edited)
      }, events: recorder.sink)

    #expect(report.status == .completed)
    #expect(report.plan?.subtasks.map(\.id) == ["x"])
    #expect(report.plan?.planId.hasPrefix("plan-") == true)
    #expect(report.results.map(\.output) == ["did x"])
    #expect(provider.calls.filter { Role.of($0.request) == .worker }.count == 1)
    #expect(recorder.types.filter { $0 == .planReady }.count == 2)
  }

  @Test func rejectedPlanSpendsNothingOnWorkers() async throws {
    let provider = Self.team()
    let engine = makeEngine([provider], approver: PlanApproval { _, _ in .reject(reason: "too broad") })
    let report = try await engine.run(RunRequest(task: "t", approvePlan: true))

    #expect(report.status == .rejected)
    #expect(report.error == "the plan was rejected: too broad")
    #expect(provider.calls.count == 1)
    #expect(report.results.allSatisfy { $0.status == .pending })
  }

  @Test func editedPlanWithACycleFailsTheRunNamingIt() async throws {
    let provider = Self.team()
    let engine = makeEngine([provider])
    let report = try await engine.run(
      RunRequest(task: "t", approvePlan: true),
      approver: PlanApproval { plan, _ in
        var edited = plan
        edited.subtasks[0].dependsOn = ["s2"]
        edited.subtasks[1].dependsOn = ["s1"]
        return .edit(edited)
      })
    #expect(report.status == .failed)
    #expect(report.error?.contains("cycle") == true)
    #expect(provider.calls.count == 1)
  }

  @Test func approvalWithoutAnApproverIsRefusedUpFront() async throws {
    let provider = Self.team()
    let engine = makeEngine([provider])
    let error = await #expect(throws: EngineError.self) {
      _ = try await engine.run(RunRequest(task: "t", approvePlan: true))
    }
    #expect(error?.kind == .approvalUnavailable)
    #expect(provider.calls.isEmpty)
  }

  @Test func decisionHasAFlatWireShape() throws {
    let encoded = String(decoding: try JSONEncoder().encode(PlanDecision.reject(reason: "no")), as: UTF8.self)
    #expect(encoded.contains("\"decision\":\"reject\"") && encoded.contains("\"reason\":\"no\""))
    let decoded = try JSONDecoder().decode(PlanDecision.self, from: Data(#"{"decision":"approve"}"#.utf8))
    #expect(decoded == .approve)
    #expect(throws: DecodingError.self) {
      _ = try JSONDecoder().decode(PlanDecision.self, from: Data(#"{"decision":"maybe"}"#.utf8))
    }
  }
}
