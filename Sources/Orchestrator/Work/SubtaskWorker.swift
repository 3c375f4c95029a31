import Foundation
import JSON
import LLM

/// Runs one subtask on a worker model.
struct SubtaskWorker: Sendable {
  let services: EngineServices

  /// The request a worker call sends (kept for the journal).
  func request(
    for subtask: Subtask, dependencies: [(Subtask, String)], builder: PromptBuilder, maxTokens: Int?
  ) throws -> ChatRequest {
    let settings = services.configuration.worker
    let cap = subtask.limits.maxTokens ?? maxTokens ?? settings.maxTokens
    return ChatRequest(
      model: "", system: BuiltInPrompts.workerSystem,
      messages: [.user(try builder.workerPrompt(subtask, dependencies: dependencies))],
      temperature: settings.temperature, maxTokens: cap)
  }

  /// Throws `ModelCall.Failure`.
  func run(
    _ subtask: Subtask, request: ChatRequest, model: String?, outputSchema: JSONValue?, stream: Bool,
    context: CallContext
  ) async throws -> SubtaskResult {
    let configuration = services.configuration
    let requested = model ?? subtask.constraints?["model"]?.stringValue
    let call = ModelCall(
      role: .worker, subtaskId: subtask.id,
      candidates: configuration.candidates(for: .worker, requested: requested, subtaskType: subtask.type),
      request: request, stream: stream,
      attemptTimeout: subtask.limits.timeoutSeconds ?? configuration.retry.attemptTimeoutSeconds)

    guard let outputSchema else {
      let answer = try await call.perform(in: context)
      return SubtaskResult(subtaskId: subtask.id, output: answer.result.text, statistics: answer.statistics)
    }
    let structured = StructuredCall(
      call: call, schema: outputSchema, schemaName: "output", repairs: configuration.repairAttempts,
      failureKind: .outputInvalid)
    let answer = try await structured.perform(in: context) { json in .success(json) }
    return SubtaskResult(subtaskId: subtask.id, output: answer.text, json: answer.json, statistics: answer.statistics)
  }
}
