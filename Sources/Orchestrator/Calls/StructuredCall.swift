import Foundation
import JSON
import LLM

/// A model call whose answer must be JSON satisfying a schema.
///
/// The schema goes to the provider for native enforcement; the engine still checks the answer itself,
/// because not every provider enforces it and grammar-constrained output can be cut off at the token limit.
/// An unusable answer (cut off, not JSON, failing the schema, or refused by `interpret`) is sent back with the
/// problems listed, up to `repairs` times.
struct StructuredCall: Sendable {
  var call: ModelCall
  var schema: JSONValue
  var schemaName: String
  var repairs: Int
  /// What a final failure is reported as (`.planningFailed`, `.outputInvalid`).
  var failureKind: EngineError.Kind

  struct Success<Value: Sendable>: Sendable {
    var value: Value
    var json: JSONValue
    var text: String
    var model: String
    var attempts: Int
    var usage: Usage
    var costUSD: Double?
    var durationMs: Double
    var finishReason: FinishReason
    /// The conversation of the final round (the original prompt plus any repair turns), for the journal.
    var messages: [ChatMessage]

    var statistics: CallStatistics {
      CallStatistics(
        model: model, usage: usage, costUSD: costUSD, attempts: attempts, durationMs: durationMs,
        finishReason: finishReason)
    }
  }

  /// Throws `ModelCall.Failure`.
  func perform<Value: Sendable>(
    in context: CallContext, interpret: (JSONValue) -> Result<Value, PlanProblems>
  ) async throws -> Success<Value> {
    let started = context.clock.now
    var call = self.call
    call.request.schema = OutputSchema(name: schemaName, schema: schema)
    var attempts = 0
    var usage = Usage()
    var cost: Double?
    var problems: [String] = []
    var lastModel: String?
    var previousAnswer = ""

    for round in 0...max(0, repairs) {
      if round > 0 { call.request.messages += repairMessages(previous: previousAnswer, problems: problems) }
      let answer: ModelCall.Success
      do {
        answer = try await call.perform(in: context)
      } catch let failure as ModelCall.Failure {
        attempts += failure.attempts
        lastModel = failure.model ?? lastModel
        guard let error = failure.error as? ProviderError, error.kind == .truncated else {
          throw ModelCall.Failure(
            error: failure.error, attempts: attempts, model: lastModel, durationMs: (context.clock.now - started) * 1000
          )
        }
        problems = ["your answer was cut off at the length limit before the JSON ended; answer more briefly"]
        previousAnswer = ""
        continue
      }
      attempts += answer.attempts
      usage += answer.result.usage
      if let answerCost = answer.costUSD { cost = (cost ?? 0) + answerCost }
      lastModel = answer.model
      previousAnswer = answer.result.text

      if answer.result.finishReason == .length {
        problems = ["your answer was cut off at the length limit before the JSON ended; answer more briefly"]
        continue
      }
      let json: JSONValue
      do {
        json = try JSONText.decodeModelOutput(answer.result.text)
      } catch {
        problems = ["your answer is not valid JSON (\(JSONText.describe(error)))"]
        continue
      }
      problems = JSONSchemaValidator().validate(json, against: schema)
      guard problems.isEmpty else { continue }
      switch interpret(json) {
      case .success(let value):
        return Success(
          value: value, json: json, text: answer.result.text, model: answer.model, attempts: attempts, usage: usage,
          costUSD: cost, durationMs: (context.clock.now - started) * 1000, finishReason: answer.result.finishReason,
          messages: call.request.messages)
      case .failure(let found):
        problems = found.messages
      }
    }
    let error = EngineError(
      failureKind,
      "the \(call.role.rawValue)'s answer was still unusable after \(repairs) repair attempt(s): "
        + problems.joined(separator: "; "),
      data: ["problems": .array(problems.map(JSONValue.string))])
    throw ModelCall.Failure(
      error: error, attempts: attempts, model: lastModel, durationMs: (context.clock.now - started) * 1000)
  }

  /// The previous answer and what is wrong with it, so the model can correct rather than start over.
  private func repairMessages(previous: String, problems: [String]) -> [ChatMessage] {
    let listed = problems.map { "- \($0)" }.joined(separator: "\n")
    let request = ChatMessage.user(
      "Your previous answer could not be used:\n\(listed)\nAnswer again with only the corrected JSON object.")
    // Nothing to show when the provider returned no text (a cut-off it reported as an error).
    return previous.isEmpty ? [request] : [.assistant(String(previous.prefix(4000))), request]
  }
}
