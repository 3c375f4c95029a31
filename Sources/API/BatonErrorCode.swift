import JSON
import LLM
import Orchestrator
import RPC

/// Baton's application error codes: outside JSON-RPC's reserved -32768...-32000.
extension ErrorCode {
  /// A model provider failed (after any retries); `data.kind` says how.
  public static let providerFailed = ErrorCode(rawValue: 1001)
  /// No run or plan with that id, in memory or in the journal.
  public static let notFound = ErrorCode(rawValue: 1002)
  /// The run's token or cost budget does not allow the call.
  public static let budgetExceeded = ErrorCode(rawValue: 1003)
  /// The planner did not produce a valid plan, even after repair attempts.
  public static let planFailed = ErrorCode(rawValue: 1004)
}

extension ProviderError: RPCErrorConvertible {
  /// Provider failures carry their classification so clients can react without parsing text.
  /// Messages are already free of keys (the provider layer redacts them).
  public var rpcError: RPCError {
    var data: [String: JSONValue] = ["kind": .string(kind.rawValue), "retryable": .bool(isRetryable)]
    if let status { data["status"] = .int(status) }
    if let provider { data["provider"] = .string(provider) }
    if let retryAfter {
      let parts = retryAfter.components
      data["retryAfterSeconds"] = .double(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
    }
    if kind == .notConfigured { return RPCError(.invalidParams, message, data: .object(data)) }
    return RPCError(.providerFailed, description, data: .object(data))
  }
}

extension ErrorCode {
  /// A structured output did not satisfy its schema, even after repair attempts.
  public static let outputInvalid = ErrorCode(rawValue: 1005)
  /// The run's deadline passed.
  public static let deadlineExceeded = ErrorCode(rawValue: 1006)
}

extension EngineError: RPCErrorConvertible {
  /// The caller's mistakes are -32602 (naming the field, variable or cycle); run-time failures get app codes.
  public var rpcError: RPCError {
    var details: [String: JSONValue] = ["kind": .string(kind.rawValue)]
    if case .object(let extra)? = data { details.merge(extra) { current, _ in current } }
    let code: ErrorCode
    switch kind {
    case .notFound: code = .notFound
    case .budgetExceeded: code = .budgetExceeded
    case .planningFailed: code = .planFailed
    case .outputInvalid: code = .outputInvalid
    case .deadlineExceeded: code = .deadlineExceeded
    case .invalidRequest, .templateVariableMissing, .templateSyntax, .invalidPlan, .dependencyNotReady,
      .approvalUnavailable:
      code = .invalidParams
    }
    let text = code == .invalidParams ? "invalid params: \(message)" : message
    return RPCError(code, text, data: .object(details))
  }
}
