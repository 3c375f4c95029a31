import Foundation
import Testing
@testable import HTTP
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderRateLimitHeaderTests {
  typealias F = ProviderFixtures

  @Test(arguments: [
    ("1s", 1.0), ("6m0s", 360), ("120ms", 0.12), ("1h2m3.5s", 3723.5), ("2m59.56s", 179.56), ("7.66s", 7.66),
    ("500us", 0.0005), ("250µs", 0.00025), ("3", 3),
  ])
  func goDurationsAreParsed(text: String, seconds: Double) throws {
    let parsed = try #require(DurationText.seconds(fromGoDuration: text))
    #expect(abs(parsed - seconds) < 1e-9)
  }

  @Test(arguments: ["", "s", "5x", "1h-2m", "m5"])
  func malformedDurationsAreRejected(text: String) {
    #expect(DurationText.seconds(fromGoDuration: text) == nil)
  }

  @Test func openAIFamilyIsRead() {
    let headers: HTTPHeaders = [
      "x-ratelimit-limit-requests": "60", "x-ratelimit-limit-tokens": "150000",
      "x-ratelimit-remaining-requests": "59", "x-ratelimit-remaining-tokens": "149984",
      "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s",
    ]
    #expect(
      RateLimitHeaders.snapshot(from: headers, now: F.now)
        == RateLimitSnapshot(
          limitRequests: 60, limitTokens: 150000, remainingRequests: 59, remainingTokens: 149984,
          resetRequestsSeconds: 1, resetTokensSeconds: 360))
  }

  @Test func groqUsesTheSameHeaders() {
    let headers: HTTPHeaders = [
      "x-ratelimit-limit-requests": "14400", "x-ratelimit-limit-tokens": "18000",
      "x-ratelimit-remaining-requests": "14370", "x-ratelimit-remaining-tokens": "17997",
      "x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-reset-tokens": "7.66s",
    ]
    let snapshot = RateLimitHeaders.snapshot(from: headers, now: F.now)
    #expect(snapshot?.remainingRequests == 14370)
    #expect(snapshot?.resetRequestsSeconds == 179.56)
    #expect(snapshot?.resetTokensSeconds == 7.66)
  }

  @Test func anthropicCombinedTokensWinOverInputAndOutput() {
    let headers: HTTPHeaders = [
      "anthropic-ratelimit-requests-limit": "4000", "anthropic-ratelimit-requests-remaining": "3999",
      "anthropic-ratelimit-requests-reset": "2025-06-15T15:06:41.500Z",
      "anthropic-ratelimit-tokens-limit": "480000", "anthropic-ratelimit-tokens-remaining": "470000",
      "anthropic-ratelimit-tokens-reset": "2025-06-15T15:07:40Z",
      "anthropic-ratelimit-input-tokens-limit": "400000", "anthropic-ratelimit-input-tokens-remaining": "1000",
      "anthropic-ratelimit-input-tokens-reset": "2025-06-15T15:06:45Z",
    ]
    #expect(
      RateLimitHeaders.snapshot(from: headers, now: F.now)
        == RateLimitSnapshot(
          limitRequests: 4000, limitTokens: 480000, remainingRequests: 3999, remainingTokens: 470000,
          resetRequestsSeconds: 1.5, resetTokensSeconds: 60))
  }

  @Test func anthropicWithoutCombinedTokensReportsTheTighterOfInputAndOutput() {
    let headers: HTTPHeaders = [
      "anthropic-ratelimit-input-tokens-limit": "400000", "anthropic-ratelimit-input-tokens-remaining": "399000",
      "anthropic-ratelimit-input-tokens-reset": "2025-06-15T15:06:45Z",
      "anthropic-ratelimit-output-tokens-limit": "80000", "anthropic-ratelimit-output-tokens-remaining": "2000",
      "anthropic-ratelimit-output-tokens-reset": "2025-06-15T15:06:30Z",
    ]
    let snapshot = RateLimitHeaders.snapshot(from: headers, now: F.now)
    #expect(snapshot == RateLimitSnapshot(limitTokens: 80000, remainingTokens: 2000, resetTokensSeconds: 0))
  }

  @Test func responsesWithoutRateLimitHeadersHaveNoSnapshot() {
    #expect(RateLimitHeaders.snapshot(from: ["content-type": "application/json"], now: F.now) == nil)
  }
}
