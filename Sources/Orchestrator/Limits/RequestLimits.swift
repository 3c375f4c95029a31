import JSON

/// Every number and schema a request carries, checked against its `FieldLimit` before anything runs, so a
/// bad field is an invalid-params error naming it and never reaches the engine's arithmetic.
///
/// The engine's entry points call these (the RPC methods and the Swift API alike); planner output, which
/// no client wrote, is not refused but read through `Subtask.limits`, which ignores values out of range.
extension PlanRequest {
  func checkLimits() throws(EngineError) {
    try checking { () throws(FieldLimitViolation) in
      try FieldLimit.subtaskCount.check(maxSubtasks, field: "maxSubtasks")
      try FieldLimit.subtaskCount.check(minSubtasks, field: "minSubtasks")
    }
    try SchemaField.check(subtaskSchema, field: "subtaskSchema")
  }
}

extension RunRequest {
  func checkLimits() throws(EngineError) {
    try checking { () throws(FieldLimitViolation) in
      try FieldLimit.concurrency.check(concurrency, field: "concurrency")
      try FieldLimit.subtaskCount.check(maxSubtasks, field: "maxSubtasks")
      try FieldLimit.subtaskCount.check(minSubtasks, field: "minSubtasks")
      try FieldLimit.seconds.check(deadlineSeconds, field: "deadlineSeconds")
      try FieldLimit.tokenBudget.check(budget?.maxTokens, field: "budget.maxTokens")
      try FieldLimit.costUSD.check(budget?.maxCostUSD, field: "budget.maxCostUSD")
      for (index, subtask) in (subtasks ?? []).enumerated() {
        try subtask.checkConstraints(field: "subtasks[\(index)].constraints")
      }
    }
    try SchemaField.check(subtaskSchema, field: "subtaskSchema")
  }
}

extension SubtaskRequest {
  func checkLimits() throws(EngineError) {
    try checking { () throws(FieldLimitViolation) in
      try FieldLimit.outputTokens.check(maxTokens, field: "maxTokens")
      try subtask?.checkConstraints(field: "subtask.constraints")
    }
    try SchemaField.check(outputSchema, field: "outputSchema")
  }
}

extension SynthesisRequest {
  func checkLimits() throws(EngineError) {
    try checking { () throws(FieldLimitViolation) in try FieldLimit.outputTokens.check(maxTokens, field: "maxTokens") }
  }
}

extension Subtask {
  /// The limits the engine honours from `constraints`, in range or absent (out-of-range values a planner
  /// wrote are ignored; a client's are refused earlier by `checkConstraints`).
  var limits: (maxTokens: Int?, timeoutSeconds: Double?) {
    (FieldLimit.outputTokens.integer(constraints?["maxTokens"]), FieldLimit.seconds.number(constraints?["timeoutSeconds"]))
  }

  /// Refuses a client's subtask whose `constraints.maxTokens` or `constraints.timeoutSeconds` is out of range.
  func checkConstraints(field: String) throws(FieldLimitViolation) {
    if let value = constraints?["maxTokens"], case .failure(let violation) = FieldLimit.outputTokens.check(
      value, field: "\(field).maxTokens")
    {
      throw violation
    }
    if let value = constraints?["timeoutSeconds"], case .failure(let violation) = FieldLimit.seconds.check(
      value, field: "\(field).timeoutSeconds")
    {
      throw violation
    }
  }
}

/// A field that holds a JSON Schema must hold an object (JSON Schema's `true`/`false` forms are not
/// accepted by the providers' structured-output modes).
package enum SchemaField {
  package static func check(_ schema: JSONValue?, field: String) throws(EngineError) {
    guard let schema, schema.objectValue == nil else { return }
    throw FieldLimitViolation(field: field, problem: "expected a JSON Schema object, got \(schema.typeName)").engineError
  }
}

/// Runs the checks, turning the first violation into the engine's invalid-params error.
private func checking(_ checks: () throws(FieldLimitViolation) -> Void) throws(EngineError) {
  do {
    try checks()
  } catch {
    throw error.engineError
  }
}
