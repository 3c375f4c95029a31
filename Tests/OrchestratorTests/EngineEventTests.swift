import Foundation
import Testing
@testable import EngineTestSupport
@testable import LLM
@testable import Orchestrator

@Suite(.timeLimit(.minutes(1)))
struct EngineEventTests {
  static func team() -> FakeProvider {
    FakeProvider { request, _ in
      switch Role.of(request) {
      case .planner: return .text(planJSON([("s1", "One", []), ("s2", "Two", []), ("s3", "Three", ["s1", "s2"])]))
      case .synthesizer: return .text("the merged final answer")
      default: return .text("words from \(subtaskId(of: request) ?? "?")")
      }
    }
  }

  @Test func sequenceNumbersRiseByOneAndTypesComeInOrder() async throws {
    let recorder = EventRecorder()
    let report = try await makeEngine([Self.team()]).run(RunRequest(task: "t", concurrency: 2), events: recorder.sink)
    let events = recorder.events

    #expect(events.map(\.seq) == Array(1...events.count))
    #expect(events.allSatisfy { $0.runId == report.runId })
    #expect(events.first?.type == .planReady)
    #expect(events.last?.type == .runCompleted)
    #expect(events.dropLast().last?.type == .usage)
    func index(_ kind: RunEvent.Kind, _ id: String) -> Int? {
      events.firstIndex { event in
        switch event.payload {
        case .subtaskStarted(let subtask, _, _): return kind == .subtaskStarted && subtask == id
        case .subtaskCompleted(let outcome, _): return kind == .subtaskCompleted && outcome.subtaskId == id
        default: return false
        }
      }
    }
    for id in ["s1", "s2", "s3"] {
      #expect(try #require(index(.subtaskStarted, id)) < (try #require(index(.subtaskCompleted, id))))
    }
    #expect(try #require(index(.subtaskCompleted, "s1")) < (try #require(index(.subtaskStarted, "s3"))))
    let synthesisStarted = try #require(events.firstIndex { $0.type == .synthesisStarted })
    #expect(try #require(index(.subtaskCompleted, "s3")) < synthesisStarted)
    if case .runCompleted(let status, nil) = events.last?.payload {
      #expect(status == .completed)
    } else {
      Issue.record("the last event is not a clean runCompleted")
    }
    let progress = events.compactMap { event -> Int? in
      if case .subtaskCompleted(_, let progress) = event.payload { return progress.completed }
      return nil
    }
    #expect(progress == [1, 2, 3])
    if case .usage(let usage, _) = events.dropLast().last?.payload { #expect(usage == report.usage) }
  }

  @Test func streamedRunsSendDeltasThatAddUpToTheOutputs() async throws {
    let provider = Self.team()
    let recorder = EventRecorder()
    let report = try await makeEngine([provider]).run(RunRequest(task: "t", stream: true), events: recorder.sink)

    var texts: [String: String] = [:]
    var synthesis = ""
    for event in recorder.events {
      switch event.payload {
      case .subtaskDelta(let id, let text): texts[id, default: ""] += text
      case .synthesisDelta(let text): synthesis += text
      default: break
      }
    }
    #expect(texts == ["s1": "words from s1", "s2": "words from s2", "s3": "words from s3"])
    #expect(synthesis == "the merged final answer")
    #expect(report.output == synthesis)
    #expect(provider.calls.filter(\.streamed).count == 4)
  }

  @Test func eventsEncodeFlatAndRoundTrip() throws {
    let outcome = SubtaskOutcome(
      subtaskId: "s1", status: .completed, output: "hi", usage: Usage(inputTokens: 3, outputTokens: 4), attempts: 2,
      durationMs: 12.5, model: "fake:m", finishReason: .stop)
    let events = [
      RunEvent(runId: "r", seq: 1, payload: .subtaskCompleted(outcome, progress: RunProgress(completed: 1, total: 4))),
      RunEvent(
        runId: "r", seq: 2,
        payload: .retrying(
          subtaskId: "s2", role: .worker, attempt: 1, reason: "HTTP 429", delaySeconds: 1.5, model: "fake:m")),
      RunEvent(runId: "r", seq: 3, payload: .runCompleted(status: .cancelled, error: "stopped")),
      RunEvent(runId: "r", seq: 4, payload: .planReady(Plan(planId: "p", objective: "o", subtasks: []))),
      RunEvent(runId: "r", seq: 5, payload: .usage(Usage(inputTokens: 1, outputTokens: 2), costUSD: 0.5)),
    ]
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let first = try JSONSerialization.jsonObject(with: try encoder.encode(events[0])) as? [String: Any]
    #expect(
      Set(first?.keys ?? [:].keys) == [
        "runId", "seq", "type", "subtaskId", "status", "output", "usage", "attempts", "durationMs", "model",
        "finishReason", "completed", "total",
      ])
    #expect(first?["type"] as? String == "subtaskCompleted")
    let retry = String(decoding: try encoder.encode(events[1]), as: UTF8.self)
    let expected =
      #"{"attempt":1,"delaySeconds":1.5,"model":"fake:m","reason":"HTTP 429","role":"worker","runId":"r","seq":2,"#
      + #""subtaskId":"s2","type":"retrying"}"#
    #expect(retry == expected)
    for event in events {
      #expect(try JSONDecoder().decode(RunEvent.self, from: try encoder.encode(event)) == event)
    }
  }
}
