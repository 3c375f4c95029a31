import Foundation
import HTTP
import LLM

/// Reads the rate-limit headers providers send with every response (success and 429 alike) into a
/// `RateLimitSnapshot`, so the engine can adapt concurrency before it is throttled.
///
/// - OpenAI, Groq and most OpenAI-compatible hosts: `x-ratelimit-{limit,remaining}-{requests,tokens}`
///   as integers and `x-ratelimit-reset-{requests,tokens}` as Go-style durations (`6m0s`, `120ms`).
/// - Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
///   resets as RFC 3339 timestamps. The `tokens-*` family is documented as the most restrictive limit in
///   effect, so it wins; without it, whichever of input/output tokens has fewer remaining is reported.
public enum RateLimitHeaders {
  /// The snapshot, or nil when the response carried no rate-limit headers. `now` turns Anthropic's
  /// absolute reset times into seconds from now.
  public static func snapshot(from headers: HTTPHeaders, now: Date) -> RateLimitSnapshot? {
    var snapshot = RateLimitSnapshot()
    snapshot.limitRequests = integer(headers["x-ratelimit-limit-requests"])
    snapshot.limitTokens = integer(headers["x-ratelimit-limit-tokens"])
    snapshot.remainingRequests = integer(headers["x-ratelimit-remaining-requests"])
    snapshot.remainingTokens = integer(headers["x-ratelimit-remaining-tokens"])
    snapshot.resetRequestsSeconds = headers["x-ratelimit-reset-requests"].flatMap(DurationText.seconds(fromGoDuration:))
    snapshot.resetTokensSeconds = headers["x-ratelimit-reset-tokens"].flatMap(DurationText.seconds(fromGoDuration:))

    let requests = anthropicFamily("requests", in: headers, now: now)
    snapshot.limitRequests = snapshot.limitRequests ?? requests.limit
    snapshot.remainingRequests = snapshot.remainingRequests ?? requests.remaining
    snapshot.resetRequestsSeconds = snapshot.resetRequestsSeconds ?? requests.resetSeconds

    let tokens = anthropicTokenFamily(in: headers, now: now)
    snapshot.limitTokens = snapshot.limitTokens ?? tokens.limit
    snapshot.remainingTokens = snapshot.remainingTokens ?? tokens.remaining
    snapshot.resetTokensSeconds = snapshot.resetTokensSeconds ?? tokens.resetSeconds

    return snapshot.isEmpty ? nil : snapshot
  }

  private struct AnthropicFamily {
    var limit: Int?
    var remaining: Int?
    var resetSeconds: Double?
    var isEmpty: Bool { limit == nil && remaining == nil && resetSeconds == nil }
  }

  /// `tokens-*` when present, else the input or output family with fewer tokens remaining.
  private static func anthropicTokenFamily(in headers: HTTPHeaders, now: Date) -> AnthropicFamily {
    let combined = anthropicFamily("tokens", in: headers, now: now)
    if !combined.isEmpty { return combined }
    let candidates = [
      anthropicFamily("input-tokens", in: headers, now: now), anthropicFamily("output-tokens", in: headers, now: now),
    ].filter { !$0.isEmpty }
    return candidates.min { ($0.remaining ?? Int.max) < ($1.remaining ?? Int.max) } ?? AnthropicFamily()
  }

  private static func anthropicFamily(_ family: String, in headers: HTTPHeaders, now: Date) -> AnthropicFamily {
    let prefix = "anthropic-ratelimit-\(family)-"
    return AnthropicFamily(
      limit: integer(headers[prefix + "limit"]),
      remaining: integer(headers[prefix + "remaining"]),
      resetSeconds: headers[prefix + "reset"].flatMap(DurationText.date(fromRFC3339:)).map {
        max(0, $0.timeIntervalSince(now))
      })
  }

  private static func integer(_ text: String?) -> Int? {
    guard let text = text?.trimmingCharacters(in: .whitespaces) else { return nil }
    if let value = Int(text) { return value }
    if let value = Double(text) { return Int(saturating: value) }
    return nil
  }
}
