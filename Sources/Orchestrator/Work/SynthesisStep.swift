import LLM

/// The synthesis, as a run and the `synthesize` method both take it: the request is built first (so a run
/// can tell an unusable template from a failed call), then one call, recorded in the run's state once.
struct SynthesisStep: Sendable {
  let services: EngineServices
  let state: RunState

  struct Prepared: Sendable {
    var request: ChatRequest
    /// The subtasks the synthesizer is told have no result.
    var missing: [String]
  }

  /// Throws `EngineError` for a template that cannot be filled.
  func prepare(
    inputs: [SynthesisInput], builder: PromptBuilder, format: String?, style: String?, maxTokens: Int?
  ) throws -> Prepared {
    let (request, missing) = try Synthesizer(services: services).request(
      inputs: inputs, builder: builder, format: format, style: style, maxTokens: maxTokens)
    return Prepared(request: request, missing: missing)
  }

  /// Throws `ModelCall.Failure` after recording the step as failed.
  func perform(_ prepared: Prepared, model: String?, stream: Bool, context: CallContext) async throws -> Synthesis {
    state.synthesisStarted(model: services.primaryModel(for: .synthesizer, requested: model))
    do {
      let answer = try await Synthesizer(services: services).run(
        request: prepared.request, model: model, stream: stream, context: context)
      state.record(
        JournalStep(
          role: .synthesizer, subtaskId: nil, status: .completed, system: prepared.request.system,
          messages: prepared.request.messages, output: answer.result.text, statistics: answer.statistics))
      return Synthesis(output: answer.result.text, statistics: answer.statistics, missing: prepared.missing)
    } catch {
      let failure = ModelCall.Failure.wrapping(error)
      state.record(
        JournalStep(
          role: .synthesizer, subtaskId: nil, status: .failed, system: prepared.request.system,
          messages: prepared.request.messages, statistics: failure.statistics, error: failure.description))
      throw failure
    }
  }
}
