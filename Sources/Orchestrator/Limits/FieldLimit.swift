import JSON

/// The range a number from outside (a client's params, a configuration file, a planner's subtask) must
/// fall in: one rule per kind of field, the same in every method and in the configuration.
///
/// Checked where values enter, so that the engine's arithmetic (token estimates, budgets, durations,
/// buffer sizes) only ever sees numbers it can add, multiply and convert without trapping. Each bound is
/// far above any real use and far below where `Int` or `Duration` arithmetic would overflow.
public struct FieldLimit: Sendable, Equatable {
  public let minimum: Double
  public let maximum: Double
  /// Whole numbers only (`1.5` is refused).
  public let isInteger: Bool
  /// What the range reads as in an error ("between 1 and 1000").
  public let range: String

  private init(_ minimum: Double, _ maximum: Double, integer: Bool, range: String? = nil) {
    self.minimum = minimum
    self.maximum = maximum
    self.isInteger = integer
    self.range = range ?? "between \(Self.text(minimum, integer)) and \(Self.text(maximum, integer))"
  }

  /// Subtasks in one plan (`maxSubtasks`, `minSubtasks`).
  public static let subtaskCount = FieldLimit(1, 1000, integer: true)
  /// Output tokens of one call (`maxTokens`, a subtask's `constraints.maxTokens`, `defaultMaxTokens`).
  public static let outputTokens = FieldLimit(1, 1_000_000, integer: true)
  /// Tokens one run may spend (`budget.maxTokens`).
  public static let tokenBudget = FieldLimit(1, 1e12, integer: true)
  /// Calls in flight at once (`concurrency`).
  public static let concurrency = FieldLimit(1, 4096, integer: true)
  /// Deadlines and timeouts, in seconds: more than 0, at most a year (31,536,000 s).
  public static let seconds = FieldLimit(
    0.001, 31_536_000, integer: false, range: "greater than 0 and at most 31536000 (a year)")
  /// Delays that may be zero (retry back-off), in seconds: at most a day.
  public static let delaySeconds = FieldLimit(0, 86_400, integer: false)
  /// Sampling temperature.
  public static let temperature = FieldLimit(0, 2, integer: false)
  /// Money, in US dollars (`budget.maxCostUSD`, prices per million tokens).
  public static let costUSD = FieldLimit(0, 1_000_000, integer: false)
  /// Attempts at one call (`retry.maxAttempts`).
  public static let attempts = FieldLimit(1, 100, integer: true)
  /// Repairs of one structured output (`repairAttempts`).
  public static let repairs = FieldLimit(0, 100, integer: true)
  /// Runs kept in memory (`retainedRuns`).
  public static let retainedRuns = FieldLimit(1, 1_000_000, integer: true)
  /// Requests or tokens per minute in a rate limit.
  public static let perMinute = FieldLimit(1, 1e12, integer: true)

  /// The value if it is a number in range; otherwise why not, as a sentence about `field`.
  public func check(_ value: JSONValue, field: String) -> Result<Double, FieldLimitViolation> {
    guard let number = value.doubleValue else {
      let expected = isInteger ? "a whole number" : "a number"
      return .failure(FieldLimitViolation(field: field, problem: "expected \(expected), got \(value.typeName)"))
    }
    if isInteger, case .double(let double) = value, double.rounded() != double || !double.isFinite {
      return .failure(FieldLimitViolation(field: field, problem: "expected a whole number, got \(Self.text(double))"))
    }
    guard number.isFinite, number >= minimum, number <= maximum else {
      return .failure(FieldLimitViolation(field: field, problem: "must be \(range), got \(Self.text(value))"))
    }
    return .success(number)
  }

  /// Checks an optional whole number already decoded; nil passes.
  public func check(_ value: Int?, field: String) throws(FieldLimitViolation) {
    guard let value else { return }
    guard Double(value) >= minimum, Double(value) <= maximum else {
      throw FieldLimitViolation(field: field, problem: "must be \(range), got \(value)")
    }
  }

  /// Checks an optional number already decoded; nil passes.
  public func check(_ value: Double?, field: String) throws(FieldLimitViolation) {
    guard let value else { return }
    if case .failure(let violation) = check(.double(value), field: field) { throw violation }
  }

  /// An in-range whole number from arbitrary JSON (a planner's constraints), or nil when it is not one.
  public func integer(_ value: JSONValue?) -> Int? {
    guard isInteger, let value, case .success(let number) = check(value, field: "") else { return nil }
    return Int(number)
  }

  /// An in-range number from arbitrary JSON, or nil when it is not one.
  public func number(_ value: JSONValue?) -> Double? {
    guard let value, case .success(let number) = check(value, field: "") else { return nil }
    return number
  }

  private static func text(_ number: Double, _ integer: Bool) -> String {
    integer && abs(number) < 1e15 ? String(Int(number)) : text(number)
  }

  private static func text(_ number: Double) -> String {
    number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
  }

  private static func text(_ value: JSONValue) -> String {
    if case .double(let double) = value { return text(double) }
    return JSONWriter.string(value)
  }
}

/// A number outside its `FieldLimit`: which field, and what was wrong, e.g.
/// `field 'maxSubtasks': must be between 1 and 1000, got 4611686018427387904`.
public struct FieldLimitViolation: Error, Sendable, Equatable, CustomStringConvertible {
  public var field: String
  public var problem: String

  public var description: String { "field '\(field)': \(problem)" }
}

extension FieldLimitViolation {
  /// As the engine reports it: an invalid-params error that names the field.
  package var engineError: EngineError {
    EngineError(.invalidRequest, description, data: ["field": .string(field)])
  }
}
