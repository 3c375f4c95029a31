import Foundation
import Synchronization
import Testing
@testable import JSON
@testable import LLM
@testable import Orchestrator

/// Jitter that always draws the same number, so backoff delays are exact.
struct FixedRandom: RandomSource {
  var value: Double
  func nextUnit() -> Double { value }
}

/// What the fake answers to each role, recognised by the system prompt the engine sends.
enum Role {
  static func of(_ request: ChatRequest) -> ModelRole {
    switch request.system {
    case BuiltInPrompts.plannerSystem?: return .planner
    case BuiltInPrompts.synthesizerSystem?: return .synthesizer
    default: return .worker
    }
  }
}

/// A planner answer with the given subtasks: (id, name, dependsOn).
func planJSON(_ subtasks: [(String, String, [String])]) -> String {
  let items = subtasks.map { id, name, dependsOn -> JSONValue in
    var item: [String: JSONValue] = ["id": .string(id), "name": .string(name), "description": .string("Do \(name).")]
    if !dependsOn.isEmpty { item["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
    return .object(item)
  }
  return JSONText.encode(["objective": "test objective", "subtasks": .array(items)])
}

/// The id of the subtask a worker request is for (from the `{subtaskId}` in the built-in worker prompt).
func subtaskId(of request: ChatRequest) -> String? {
  guard let text = request.messages.first?.content, let range = text.range(of: "Your part (") else { return nil }
  return String(text[range.upperBound...].prefix { $0 != ")" })
}

/// An engine over fake providers with a manual clock and no attempt timeouts (which would add sleepers).
func makeEngine(
  _ providers: [FakeProvider], clock: TestClock = TestClock(),
  configure: (inout EngineConfiguration) -> Void = { _ in },
  random: any RandomSource = FixedRandom(value: 0.5), approver: (any PlanApprover)? = nil
) -> Engine {
  var configuration = EngineConfiguration()
  configuration.retry.attemptTimeoutSeconds = nil
  configure(&configuration)
  return Engine(
    configuration: configuration, models: FakeModels(providers), clock: clock, random: random, approver: approver)
}

/// A thread-safe call counter for scripted fakes.
final class Counter: Sendable {
  private let value = Mutex(0)
  func next() -> Int {
    value.withLock {
      $0 += 1
      return $0
    }
  }
}

extension FakeProvider {
  /// A plan of one subtask.
  static let oneSubtaskPlan = planJSON([("s1", "Only part", [])])

  /// A team whose worker answers come from `worker(callNumber)` (1 = the first worker call).
  static func retryingTeam(name: String = "fake", worker: @escaping @Sendable (Int) -> FakeProvider.Reply) -> FakeProvider {
    let counter = Counter()
    return FakeProvider(name: name) { request, _ in
      switch Role.of(request) {
      case .planner: return .text(oneSubtaskPlan)
      case .synthesizer: return .text("final")
      default: return worker(counter.next())
      }
    }
  }
}
