import Foundation
import RPC

/// Runs one subtask on a worker model.
struct SubtaskWorker: Sendable {
  struct Output: Sendable {
    var text: String
    var json: JSONValue?
    var model: String
    var attempts: Int
    var usage: Usage
    var costUSD: Double?
    var durationMs: Double
    var finishReason: FinishReason
  }

  let services: EngineServices

  /// The request a worker call sends (kept for the journal).
  func request(
    for subtask: Subtask, dependencies: [(Subtask, String)], builder: PromptBuilder, maxTokens: Int?
  ) throws -> ChatRequest {
    let settings = services.configuration.worker
    let cap = subtask.constraints?["maxTokens"]?.intValue ?? maxTokens ?? settings.maxTokens
    return ChatRequest(
      model: "", system: BuiltInPrompts.workerSystem,
      messages: [.user(try builder.workerPrompt(subtask, dependencies: dependencies))],
      temperature: settings.temperature, maxTokens: cap)
  }

  /// Throws `ModelCall.Failure`.
  func run(
    _ subtask: Subtask, request: ChatRequest, model: String?, outputSchema: JSONValue?, stream: Bool,
    context: CallContext
  ) async throws -> Output {
    let configuration = services.configuration
    let requested = model ?? subtask.constraints?["model"]?.stringValue
    let call = ModelCall(
      role: .worker, subtaskId: subtask.id,
      candidates: configuration.candidates(for: .worker, requested: requested, subtaskType: subtask.type),
      request: request, stream: stream,
      attemptTimeout: subtask.constraints?["timeoutSeconds"]?.doubleValue ?? configuration.retry.attemptTimeoutSeconds)

    guard let outputSchema else {
      let answer = try await call.perform(in: context)
      return Output(
        text: answer.result.text, json: nil, model: answer.model, attempts: answer.attempts,
        usage: answer.result.usage, costUSD: answer.costUSD, durationMs: answer.durationMs,
        finishReason: answer.result.finishReason)
    }
    let structured = StructuredCall(
      call: call, schema: outputSchema, schemaName: "output", repairs: configuration.repairAttempts,
      failureKind: .outputInvalid)
    let answer = try await structured.perform(in: context) { json in .success(json) }
    return Output(
      text: answer.text, json: answer.json, model: answer.model, attempts: answer.attempts, usage: answer.usage,
      costUSD: answer.costUSD, durationMs: answer.durationMs, finishReason: answer.finishReason)
  }
}
