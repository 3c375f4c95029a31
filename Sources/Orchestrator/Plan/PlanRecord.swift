import Foundation
import Synchronization
import JSON

/// A plan the engine keeps, with what is known of its subtasks, so `runSubtask` and `synthesize` can work
/// by `planId` (also on the plan of a run: re-run a failed subtask, then synthesize again).
final class PlanRecord: Sendable {
  let task: String
  let context: [String: JSONValue]?
  let instructions: String?
  let runId: String?
  private let state: Mutex<State>

  private struct State {
    var plan: Plan
    var results: [String: SubtaskResult] = [:]
    var failures: [String: SynthesisInput] = [:]
  }

  init(plan: Plan, task: String, context: [String: JSONValue]?, instructions: String?, runId: String? = nil) {
    self.task = task
    self.context = context
    self.instructions = instructions
    self.runId = runId
    state = Mutex(State(plan: plan))
  }

  var plan: Plan { state.withLock { $0.plan } }
  var planId: String { state.withLock { $0.plan.planId } }

  func replacePlan(_ plan: Plan) { state.withLock { $0.plan = plan } }

  func result(_ subtaskId: String) -> SubtaskResult? { state.withLock { $0.results[subtaskId] } }

  func store(_ result: SubtaskResult) {
    state.withLock {
      $0.results[result.subtaskId] = result
      $0.failures[result.subtaskId] = nil
    }
  }

  /// Remembers why a subtask has no result (failed, skipped, cancelled), for the synthesizer.
  func storeFailure(_ subtaskId: String, status: SubtaskStatus, error: String?) {
    state.withLock {
      guard $0.results[subtaskId] == nil else { return }
      $0.failures[subtaskId] = SynthesisInput(subtaskId: subtaskId, status: status, error: error)
    }
  }

  /// Every subtask of the plan as synthesis input, in plan order; those never run are `pending`.
  func synthesisInputs() -> [SynthesisInput] {
    state.withLock { state in
      state.plan.subtasks.map { subtask in
        if let result = state.results[subtask.id] {
          return SynthesisInput(subtaskId: subtask.id, name: subtask.name, status: .completed, output: result.output)
        }
        var input =
          state.failures[subtask.id]
          ?? SynthesisInput(subtaskId: subtask.id, status: .pending, error: "it has not been run")
        input.name = subtask.name
        return input
      }
    }
  }
}
