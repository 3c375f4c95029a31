import Foundation

/// How failed calls are retried: exponential backoff with full jitter, never sooner than the provider asked.
public struct RetryPolicy: Sendable, Equatable {
  /// Attempts per model, the first included; then the role's fallback models get as many each.
  public var maxAttempts: Int
  /// The backoff ceiling for the first retry; it doubles per retry up to `maxDelaySeconds`.
  public var baseDelaySeconds: Double
  public var maxDelaySeconds: Double
  /// Abandon one attempt after this long and count it as a timeout (nil: only the HTTP layer's timeouts apply).
  public var attemptTimeoutSeconds: Double?

  public init(
    maxAttempts: Int = 6, baseDelaySeconds: Double = 0.5, maxDelaySeconds: Double = 30,
    attemptTimeoutSeconds: Double? = 600
  ) {
    self.maxAttempts = maxAttempts
    self.baseDelaySeconds = baseDelaySeconds
    self.maxDelaySeconds = maxDelaySeconds
    self.attemptTimeoutSeconds = attemptTimeoutSeconds
  }

  /// The wait before attempt `failedAttempt + 1`: uniform in `0...min(max, base * 2^(failedAttempt-1))`
  /// ("full jitter", which spreads a burst of failures instead of retrying them in lockstep),
  /// but at least `retryAfter` when the provider sent one.
  ///
  /// A refusal for rate (`rateLimited`) does not escalate: the rate limiter's provider-wide cool-down and pacing
  /// already slow every caller down, and growing backoff on top would only leave a few calls straggling far
  /// behind the rest.
  func delay(afterAttempt failedAttempt: Int, retryAfter: Double?, rateLimited: Bool = false, unit: Double) -> Double {
    let exponent = Double(max(0, min(rateLimited ? 0 : failedAttempt - 1, 62)))
    let ceiling = min(maxDelaySeconds, baseDelaySeconds * pow(2, exponent))
    let jittered = ceiling * min(max(unit, 0), 1)
    return max(jittered, retryAfter ?? 0)
  }
}
