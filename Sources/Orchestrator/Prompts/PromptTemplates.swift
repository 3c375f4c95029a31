import Foundation

/// Prompt templates overriding the built-in ones; any left nil keeps the built-in.
///
/// Variables each template can use besides the keys of `context` (dotted paths reach into objects):
/// - planner: `{task}`, `{context}`, `{instructions}`, `{minSubtasks}`, `{maxSubtasks}`, `{example}`
/// - worker: `{task}`, `{context}`, `{instructions}`, `{subtask}`, `{subtaskId}`, `{subtaskName}`,
///   `{subtaskDescription}`, `{params}`, `{dependencies}`
/// - synthesizer: `{task}`, `{context}`, `{instructions}`, `{results}`, `{missing}`, `{format}`, `{style}`
///
/// Text from outside the engine's control (task, context values, subtask descriptions, outputs) is inserted
/// delimited as `<input name="…">…</input>`.
public struct PromptTemplates: Codable, Sendable, Equatable {
  public var planner: String?
  public var worker: String?
  public var synthesizer: String?

  public init(planner: String? = nil, worker: String? = nil, synthesizer: String? = nil) {
    self.planner = planner
    self.worker = worker
    self.synthesizer = synthesizer
  }

  /// `self`'s templates where set, otherwise `fallback`'s.
  package func overriding(_ fallback: PromptTemplates) -> PromptTemplates {
    PromptTemplates(
      planner: planner ?? fallback.planner, worker: worker ?? fallback.worker,
      synthesizer: synthesizer ?? fallback.synthesizer)
  }
}
