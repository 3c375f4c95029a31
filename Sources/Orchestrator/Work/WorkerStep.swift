import JSON
import LLM

/// One subtask on a worker model, as a run's scheduler and the `runSubtask` method both take it: announced
/// when it starts, recorded in the run's state once when it ends, however it ends.
struct WorkerStep: Sendable {
  let services: EngineServices
  let state: RunState

  /// Throws `ModelCall.Failure` after recording the step as failed, skipped (budget) or cancelled.
  func perform(
    _ subtask: Subtask, dependencies: [(Subtask, String)], builder: PromptBuilder, model: String?,
    outputSchema: JSONValue?, maxTokens: Int?, stream: Bool, context: CallContext
  ) async throws -> SubtaskResult {
    let requested = model ?? subtask.constraints?["model"]?.stringValue
    state.started(
      subtask, model: services.primaryModel(for: .worker, requested: requested, subtaskType: subtask.type))
    let worker = SubtaskWorker(services: services)
    var chatRequest: ChatRequest?
    do {
      let built = try worker.request(for: subtask, dependencies: dependencies, builder: builder, maxTokens: maxTokens)
      chatRequest = built
      let result = try await worker.run(
        subtask, request: built, model: model, outputSchema: outputSchema, stream: stream, context: context)
      state.record(
        JournalStep(
          role: .worker, subtaskId: subtask.id, status: .completed, system: built.system, messages: built.messages,
          output: result.output, json: result.json, statistics: result.statistics))
      return result
    } catch {
      let failure = ModelCall.Failure.wrapping(error)
      state.record(
        JournalStep(
          role: .worker, subtaskId: subtask.id, status: failure.subtaskStatus, system: chatRequest?.system,
          messages: chatRequest?.messages ?? [], statistics: failure.statistics, error: failure.description))
      throw failure
    }
  }
}
