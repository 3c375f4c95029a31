import Foundation
import LLM

/// Merges subtask outputs into one answer, telling the model which parts are missing.
struct Synthesizer: Sendable {
  let services: EngineServices

  /// The request a synthesis sends, and the ids it names as missing.
  func request(
    inputs: [SynthesisInput], builder: PromptBuilder, format: String?, style: String?, maxTokens: Int?
  ) throws -> (request: ChatRequest, missing: [String]) {
    let settings = services.configuration.synthesizer
    let (prompt, missing) = try builder.synthesizerPrompt(inputs, format: format, style: style)
    let request = ChatRequest(
      model: "", system: BuiltInPrompts.synthesizerSystem, messages: [.user(prompt)],
      temperature: settings.temperature, maxTokens: maxTokens ?? settings.maxTokens)
    return (request, missing)
  }

  /// Throws `ModelCall.Failure`.
  func run(request: ChatRequest, model: String?, stream: Bool, context: CallContext) async throws -> ModelCall.Success {
    let configuration = services.configuration
    let call = ModelCall(
      role: .synthesizer, subtaskId: nil, candidates: configuration.candidates(for: .synthesizer, requested: model),
      request: request, stream: stream, attemptTimeout: configuration.retry.attemptTimeoutSeconds)
    return try await call.perform(in: context)
  }
}
