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
