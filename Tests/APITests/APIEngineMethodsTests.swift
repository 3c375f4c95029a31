import Foundation
import Testing
@testable import API
@testable import Configuration
@testable import EngineTestSupport
@testable import JSON
@testable import LLM
@testable import Orchestrator
import TestSupport

/// The orchestration methods over a real connection, with fake providers behind the engine.
@Suite("Engine methods over JSON-RPC", .timeLimit(.minutes(1)))
struct APIEngineMethodsTests {
  /// A client connected to Baton's router whose engine calls `provider`.
  static func client(_ provider: FakeProvider) async throws -> RPCTestClient {
    let configuration = try ProviderConfiguration(file: nil, environment: [:])
    let registry = ProviderRegistry(configuration: configuration) { _ in provider }
    let engine = makeEngine([provider])
    return try await RPCTestClient(router: .baton(BatonServices(registry: registry, engine: engine)))
  }

  /// Plans two independent subtasks, answers workers and the synthesizer by role.
  static func scriptedProvider(worker: @escaping @Sendable (ChatRequest) -> FakeProvider.Reply = { _ in .text("worker output") })
    -> FakeProvider
  {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "first", []), ("s2", "second", [])]))
      case .synthesizer: return .text("the synthesis")
      default: return worker(request)
      }
    }
  }

  /// Reads messages until the reply to `id`, returning the notifications seen before it.
  static func collect(_ client: RPCTestClient, until id: JSONValue) async throws -> (events: [JSONValue], reply: JSONValue) {
    var events: [JSONValue] = []
    while true {
      let message = try await client.next()
      if message["id"] == id && message["method"] == nil { return (events, message) }
      events.append(message)
    }
  }

  @Test func runStreamsOrderedEventsAndProgressThenTheReport() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    client.sendRequest(1, "run", ["task": "do it", "workDoneToken": "w1"])
    let (messages, reply) = try await Self.collect(client, until: 1)
    let report = try #require(reply["result"])
    #expect(report["status"] == "completed")
    #expect(report["output"] == "the synthesis")
    #expect(report["results"]?.arrayValue?.count == 2)
    let events = messages.filter { $0["method"] == "run/event" }.compactMap { $0["params"] }
    let types = events.compactMap { $0["type"]?.stringValue }
    #expect(types.first == "planReady")
    #expect(types.last == "runCompleted")
    #expect(types.filter { $0 == "subtaskCompleted" }.count == 2)
    let seqs = events.compactMap { $0["seq"]?.intValue }
    #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
    #expect(events.allSatisfy { $0["runId"] == report["runId"] })
    let progress = messages.filter { $0["method"] == "$/progress" }.compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
    #expect(progress.first == "begin")
    #expect(progress.last == "end")
    #expect(progress.contains("report"))
  }

  static let approvalAnswers: [(JSONValue, String)] = [
    (["decision": "approve"], "completed"), (["decision": "reject", "reason": "too costly"], "rejected"),
  ]

  @Test(arguments: approvalAnswers)
  func planApprovalAsksTheClient(answer: JSONValue, status: String) async throws {
    let client = try await Self.client(Self.scriptedProvider())
    client.sendRequest(1, "run", ["task": "needs approval", "approvePlan": true])
    var question: JSONValue
    repeat { question = try await client.next() } while question["method"] != "plan/approve"
    #expect(question["params"]?["plan"]?["subtasks"]?.arrayValue?.count == 2)
    #expect(question["params"]?["runId"]?.stringValue != nil)
    client.send(["jsonrpc": "2.0", "id": question["id"]!, "result": answer])
    let (_, reply) = try await Self.collect(client, until: 1)
    #expect(reply["result"]?["status"] == .string(status))
  }

  @Test func editedPlanFromTheClientIsTheOneThatRuns() async throws {
    let provider = Self.scriptedProvider()
    let client = try await Self.client(provider)
    client.sendRequest(1, "run", ["task": "edit me", "approvePlan": true])
    var question: JSONValue
    repeat { question = try await client.next() } while question["method"] != "plan/approve"
    var plan = try #require(question["params"]?["plan"]?.objectValue)
    plan["subtasks"] = [["id": "only", "name": "the only one", "description": "Do just this."]]
    client.send(["jsonrpc": "2.0", "id": question["id"]!, "result": ["decision": "edit", "plan": .object(plan)]])
    let (_, reply) = try await Self.collect(client, until: 1)
    let results = try #require(reply["result"]?["results"]?.arrayValue)
    #expect(results.map { $0["subtaskId"] } == ["only"])
  }

  @Test func cancelByRunIdStopsTheRunAndKeepsPartialResults() async throws {
    let gate = TaskGate()
    let provider = Self.scriptedProvider { request in
      subtaskId(of: request) == "s2" ? .gated(gate, then: .text("never")) : .text("done early")
    }
    let client = try await Self.client(provider)
    client.sendRequest(1, "run", ["task": "long one"])
    var runId: JSONValue?
    var sawFirstDone = false
    while runId == nil || !sawFirstDone {
      let message = try await client.next()
      if message["params"]?["type"] == "planReady" { runId = message["params"]?["runId"] }
      if message["params"]?["type"] == "subtaskCompleted" { sawFirstDone = true }
    }
    await gate.waitForArrivals(1)
    let cancelled = try await client.request(2, "cancel", ["runId": runId!])
    #expect(cancelled["result"]?["cancelled"] == true)
    let (_, reply) = try await Self.collect(client, until: 1)
    let report = try #require(reply["result"])
    #expect(report["status"] == "cancelled")
    let statuses = report["results"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" } ?? []
    #expect(statuses.contains("completed"))
    #expect(statuses.contains("cancelled"))
  }

  @Test func cancelRequestOnTheRunAnswersRequestCancelled() async throws {
    let gate = TaskGate()
    let provider = Self.scriptedProvider { _ in .gated(gate, then: .text("never")) }
    let client = try await Self.client(provider)
    client.sendRequest(7, "run", ["task": "to be cancelled"])
    await gate.waitForArrivals(1)
    client.notify("$/cancelRequest", ["id": 7])
    let (_, reply) = try await Self.collect(client, until: 7)
    #expect(errorCode(reply) == -32800)
    // The run itself stops cleanly: it is reported cancelled and its provider call saw the cancellation.
    var status: JSONValue?
    for attempt in 100..<1100 where status == nil || status == "running" {
      let listed = try await client.request(.int(attempt), "runs/list")
      status = listed["result"]?["runs"]?.arrayValue?.first?["status"]
    }
    #expect(status == "cancelled")
    #expect(provider.cancelledCalls >= 1)
  }

  @Test func planThenRunSubtaskThenSynthesizeByPlanId() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    let plan = try #require(try await client.request(1, "plan", ["task": "step by step"])["result"])
    let planId = try #require(plan["planId"])
    #expect(plan["subtasks"]?.arrayValue?.count == 2)
    for (id, subtask) in ["s1", "s2"].enumerated() {
      let result = try await client.request(.int(10 + id), "runSubtask", ["planId": planId, "subtaskId": .string(subtask)])
      #expect(result["result"]?["output"] == "worker output")
      #expect(result["result"]?["subtaskId"] == .string(subtask))
    }
    let synthesis = try await client.request(20, "synthesize", ["planId": planId])
    #expect(synthesis["result"]?["output"] == "the synthesis")
    #expect(synthesis["result"]?["missing"] == [])
  }

  @Test func aDependencyCycleIsInvalidParams() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    let reply = try await client.request(
      1, "run",
      [
        "task": "cyclic",
        "subtasks": [
          ["id": "a", "name": "a", "description": "a", "dependsOn": ["b"]],
          ["id": "b", "name": "b", "description": "b", "dependsOn": ["a"]],
        ],
      ])
    #expect(errorCode(reply) == -32602)
    #expect(reply["error"]?["message"]?.stringValue?.contains("cycle") == true)
  }

  @Test func aMissingTemplateVariableIsInvalidParamsNamingIt() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    let reply = try await client.request(
      1, "run", ["task": "templated", "templates": ["planner": "Plan {task} for {audience}."], "context": ["tone": "warm"]])
    #expect(errorCode(reply) == -32602)
    #expect(reply["error"]?["message"]?.stringValue?.contains("audience") == true)
  }

  @Test func unknownRunIsNotFound() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    let reply = try await client.request(1, "runs/get", ["runId": "run-nope"])
    #expect(errorCode(reply) == 1002)
    let cancel = try await client.request(2, "cancel", ["runId": "run-nope"])
    #expect(cancel["result"]?["cancelled"] == false)
    #expect(errorCode(try await client.request(3, "cancel", [:])) == -32602)
  }

  @Test func finishedRunsAreListedAndRetrievable() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    client.sendRequest(1, "run", ["task": "remember me"])
    let (_, reply) = try await Self.collect(client, until: 1)
    let runId = try #require(reply["result"]?["runId"])
    let listed = try await client.request(2, "runs/list")
    #expect(listed["result"]?["runs"]?.arrayValue?.contains { $0["runId"] == runId && $0["status"] == "completed" } == true)
    let fetched = try await client.request(3, "runs/get", ["runId": runId])
    #expect(fetched["result"]?["output"] == "the synthesis")
  }
}

extension APIEngineMethodsTests {
  @Test func runEventsCarryTheIdOfTheirRunRequest() async throws {
    let client = try await Self.client(Self.scriptedProvider())
    client.sendRequest("first", "run", ["task": "one"])
    client.sendRequest("second", "run", ["task": "two"])
    var byRequest: [JSONValue: Set<JSONValue>] = [:]
    var replies = 0
    while replies < 2 {
      let message = try await client.next()
      if message["method"] == nil { replies += 1; continue }
      guard message["method"] == "run/event", let params = message["params"] else { continue }
      byRequest[params["requestId"] ?? .null, default: []].insert(params["runId"] ?? .null)
    }
    #expect(Set(byRequest.keys) == ["first", "second"])
    #expect(byRequest.values.allSatisfy { $0.count == 1 })
    #expect(byRequest["first"] != byRequest["second"])
  }
}
