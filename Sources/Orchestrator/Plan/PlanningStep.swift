import JSON
import LLM

/// The planning step, as the `run` method and the `plan` method both take it: one planner call, recorded
/// in the run's state once, whatever its ending.
struct PlanningStep: Sendable {
  let services: EngineServices
  let state: RunState

  /// The schema a plan of `minSubtasks`...`maxSubtasks` must satisfy; built once, when the request is
  /// checked, and handed to `perform`. Throws `EngineError` for an unusable `subtaskSchema`.
  static func schema(
    minSubtasks: Int, maxSubtasks: Int, subtaskSchema: JSONValue?, configuration: EngineConfiguration
  ) throws -> JSONValue {
    try PlannerSchema.make(
      minSubtasks: minSubtasks, maxSubtasks: maxSubtasks, subtaskSchema: subtaskSchema,
      types: Array(configuration.workerModelsByType.keys))
  }

  /// Throws `ModelCall.Failure` (provider failures, or `.planningFailed` after the repairs).
  func perform(
    builder: PromptBuilder, minSubtasks: Int, maxSubtasks: Int, schema: JSONValue, model: String?,
    context: CallContext
  ) async throws -> Plan {
    do {
      let planned = try await Planner(services: services).plan(
        task: state.task, builder: builder, minSubtasks: minSubtasks, maxSubtasks: maxSubtasks, schema: schema,
        model: model, planId: Identifiers.make("plan"), context: context)
      let answer = planned.answer
      state.record(
        JournalStep(
          role: .planner, subtaskId: nil, status: .completed, system: planned.request.system,
          messages: answer.messages, output: answer.text, statistics: answer.statistics))
      return planned.plan
    } catch {
      let failure = ModelCall.Failure.wrapping(error)
      state.record(
        JournalStep(
          role: .planner, subtaskId: nil, status: .failed, system: nil, messages: [], statistics: failure.statistics,
          error: failure.description))
      throw failure
    }
  }
}
