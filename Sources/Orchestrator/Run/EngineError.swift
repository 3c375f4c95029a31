import Foundation
import JSON

/// A failure the engine itself reports (provider failures stay `ProviderError`).
///
/// `kind` is a closed set so the RPC layer maps errors without reading messages:
/// `isInvalidParams` kinds are the caller's fault (JSON-RPC -32602); the others are run-time failures.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Codable, Sendable {
    /// A request field is missing, contradictory or out of range.
    case invalidRequest
    /// A prompt template names a variable that neither the context nor the built-ins define.
    case templateVariableMissing
    /// A prompt template is malformed (an unescaped `{`).
    case templateSyntax
    /// A plan given by the caller is unusable: a dependency cycle, an unknown or duplicate id, no subtasks.
    case invalidPlan
    /// No plan, subtask or run has that id.
    case notFound
    /// A subtask was asked to run before the subtasks it depends on have results.
    case dependencyNotReady
    /// The planner gave no usable plan, even after repair attempts.
    case planningFailed
    /// A structured output did not satisfy its schema, even after repair attempts.
    case outputInvalid
    /// The next call would exceed the run's token or cost budget.
    case budgetExceeded
    /// The run's deadline passed.
    case deadlineExceeded
    /// `approvePlan` was requested but nobody can approve plans.
    case approvalUnavailable
  }

  public var kind: Kind
  public var message: String
  /// Machine-readable detail: the missing variable, the ids of a cycle, the validation errors.
  public var data: JSONValue?

  public init(_ kind: Kind, _ message: String, data: JSONValue? = nil) {
    self.kind = kind
    self.message = message
    self.data = data
  }

  /// Whether the caller sent something unusable (JSON-RPC "invalid params") rather than the run failing.
  public var isInvalidParams: Bool {
    switch kind {
    case .invalidRequest, .templateVariableMissing, .templateSyntax, .invalidPlan, .notFound, .dependencyNotReady,
      .approvalUnavailable:
      return true
    case .planningFailed, .outputInvalid, .budgetExceeded, .deadlineExceeded:
      return false
    }
  }

  public var description: String { message }
}
