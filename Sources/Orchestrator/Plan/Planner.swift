import Foundation
import JSON
import LLM

/// Asks the planner model for a plan: schema-constrained JSON, checked, repaired when unusable.
struct Planner: Sendable {
  struct Outcome: Sendable {
    var plan: Plan
    var answer: StructuredCall.Success<Plan>
    var request: ChatRequest
  }

  let services: EngineServices

  /// Throws `ModelCall.Failure` (provider failures, or `.planningFailed` after the repairs).
  func plan(
    task: String, builder: PromptBuilder, minSubtasks: Int, maxSubtasks: Int, schema: JSONValue,
    model: String?, planId: String, context: CallContext
  ) async throws -> Outcome {
    let configuration = services.configuration
    let prompt: String
    do {
      prompt = try builder.plannerPrompt(minSubtasks: minSubtasks, maxSubtasks: maxSubtasks)
    } catch {
      throw ModelCall.Failure(error: error, attempts: 0, model: nil, durationMs: 0)
    }
    let settings = configuration.planner
    // Unless configured, leave room for the largest plan asked for: about 150 tokens per subtask.
    let maxTokens = settings.maxTokens ?? min(16_384, 256 + 150 * maxSubtasks)
    let request = ChatRequest(
      model: "", system: BuiltInPrompts.plannerSystem, messages: [.user(prompt)], temperature: settings.temperature,
      maxTokens: maxTokens)
    let call = StructuredCall(
      call: ModelCall(
        role: .planner, subtaskId: nil, candidates: configuration.candidates(for: .planner, requested: model),
        request: request, stream: false, attemptTimeout: configuration.retry.attemptTimeoutSeconds),
      schema: schema, schemaName: "plan", repairs: configuration.repairAttempts, failureKind: .planningFailed)
    let answer = try await call.perform(in: context) { json in
      PlanDecoder.decode(json, planId: planId, task: task)
    }
    return Outcome(plan: answer.value, answer: answer, request: request)
  }
}
