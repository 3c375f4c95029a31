import Foundation
import Testing
@testable import HTTP
@testable import LLM
@testable import ProviderTestSupport
@testable import Providers

@Suite struct ProviderErrorClassifierTests {
  typealias F = ProviderFixtures

  func classifier(_ kind: ProviderKind = .openAI) -> ProviderErrorClassifier {
    ProviderErrorClassifier(provider: "p", kind: kind, now: F.clock)
  }

  func response(_ status: Int, _ body: String = "", headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
    HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: Data(body.utf8))
  }

  // MARK: Retry-After

  @Test(arguments: [
    (["Retry-After": "7"], Duration.seconds(7)),
    (["retry-after": "1.5"], .milliseconds(1500)),
    (["retry-after": "0"], .zero),
    (["retry-after-ms": "250"], .milliseconds(250)),
    (["retry-after-ms": "250", "retry-after": "7"], .milliseconds(250)),
    (["retry-after": "Sun, 15 Jun 2025 15:07:10 GMT"], .seconds(30)),
    (["retry-after": "Sunday, 15-Jun-25 15:06:50 GMT"], .seconds(10)),
    (["retry-after": "Sun Jun 15 15:06:45 2025"], .seconds(5)),
    (["retry-after": "Sun, 15 Jun 2025 15:00:00 GMT"], .zero),
  ] as [([String: String], Duration)])
  func retryAfterIsReadFromEveryDocumentedForm(headers: [String: String], expected: Duration) {
    #expect(ProviderErrorClassifier.retryAfter(in: Self.headers(headers), now: F.now) == expected)
  }

  @Test(arguments: [["retry-after": "soon"], ["retry-after": "-3"], ["retry-after-ms": "x"], [:]] as [[String: String]])
  func unusableRetryAfterIsIgnored(headers: [String: String]) {
    #expect(ProviderErrorClassifier.retryAfter(in: Self.headers(headers), now: F.now) == nil)
  }

  static func headers(_ fields: [String: String]) -> HTTPHeaders {
    HTTPHeaders(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }

  @Test func rateLimitedErrorCarriesRetryAfterAndTheSnapshot() {
    let headers: HTTPHeaders = [
      "retry-after": "20", "x-ratelimit-limit-requests": "30", "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "2m59.56s",
    ]
    let error = classifier().error(for: response(429, #"{"error":{"message":"Rate limit reached","type":"requests"}}"#, headers: headers))
    #expect(error.kind == .rateLimited)
    #expect(error.retryAfter == .seconds(20))
    #expect(error.rateLimit == RateLimitSnapshot(limitRequests: 30, remainingRequests: 0, resetRequestsSeconds: 179.56))
    #expect(error.message == "Rate limit reached")
    #expect(error.provider == "p")
    #expect(error.isRetryable)
  }

  // MARK: Statuses

  @Test(arguments: [
    (400, ProviderError.Kind.badRequest), (401, .authentication), (403, .authentication), (404, .badRequest),
    (408, .serverError), (409, .serverError), (413, .badRequest), (422, .badRequest), (429, .rateLimited),
    (500, .serverError), (502, .serverError), (503, .serverError), (504, .serverError), (529, .serverError),
    (302, .malformedResponse),
  ])
  func statusesMapToKinds(status: Int, kind: ProviderError.Kind) {
    let error = classifier().error(for: response(status))
    #expect(error.kind == kind)
    #expect(error.status == status)
  }

  @Test func exhaustedQuotaIsNotRetried() {
    let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#
    let error = classifier().error(for: response(429, body))
    #expect(error.kind == .badRequest)
    #expect(!error.isRetryable)
  }

  // MARK: Messages

  @Test(arguments: [
    (ProviderKind.openAI, #"{"error":{"message":"Invalid 'messages': empty array.","type":"invalid_request_error"}}"#, "Invalid 'messages': empty array."),
    (.anthropic, #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"#, "max_tokens: Field required"),
    (.gemini, #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"#, "API key not valid. Please pass a valid API key."),
    (.bedrock, #"{"message":"Malformed input request, please reformat your input and try again."}"#, "Malformed input request, please reformat your input and try again."),
    (.bedrock, #"{"Message":"User is not authorized"}"#, "User is not authorized"),
    (.openAI, #"{"error":"model 'llama9' not found"}"#, "model 'llama9' not found"),
    (.openAI, #"{"detail":"Not Found"}"#, "Not Found"),
    (.openAI, "upstream connect error or disconnect/reset before headers", "upstream connect error or disconnect/reset before headers"),
    (.openAI, "", "Bad Request"),
  ])
  func messagesComeFromTheProvidersErrorBody(kind: ProviderKind, body: String, message: String) {
    #expect(classifier(kind).error(for: response(400, body)).message == message)
  }

  @Test func longMessagesAreCut() {
    let long = String(repeating: "x", count: 2000)
    let message = classifier().error(for: response(500, #"{"error":{"message":"\#(long)"}}"#)).message
    #expect(message.count == ProviderErrorClassifier.maxMessageLength + 1)
    #expect(message.hasSuffix("…"))
  }

  // MARK: Transport and stream errors

  @Test(arguments: [
    (HTTPError.idleTimeout, ProviderError.Kind.timeout), (.totalTimeout, .timeout),
    (.connectionFailed("Could not resolve host: api.openai.com"), .connection),
    (.transferFailed("Connection reset by peer"), .connection),
  ])
  func transportFailuresMapToKinds(failure: HTTPError, kind: ProviderError.Kind) {
    let error = classifier().error(forTransport: failure)
    #expect(error.kind == kind)
    #expect(error.provider == "p")
    #expect(error.isRetryable)
  }

  @Test func decodingFailureIsMalformed() {
    struct Shape: Decodable { var choices: [String] }
    let decodingError: any Error
    do {
      _ = try JSONDecoder().decode(Shape.self, from: Data(#"{"choices":3}"#.utf8))
      Issue.record("decoding should fail")
      return
    } catch {
      decodingError = error
    }
    let error = classifier().error(forTransport: decodingError)
    #expect(error.kind == .malformedResponse)
    #expect(error.message.contains("choices"))
  }

  @Test(arguments: [
    ("rate_limit_error", ProviderError.Kind.rateLimited), ("overloaded_error", .serverError), ("api_error", .serverError),
    ("invalid_request_error", .badRequest), ("authentication_error", .authentication),
    ("throttlingException", .rateLimited), ("validationException", .badRequest),
    ("modelStreamErrorException", .serverError), ("internalServerException", .serverError),
  ])
  func streamErrorTypesMapToKinds(type: String, kind: ProviderError.Kind) {
    #expect(classifier().streamError(type: type, message: "m").kind == kind)
  }

  @Test func streamErrorWithAStatusUsesIt() {
    #expect(classifier().streamError(type: "whatever", message: "m", status: 429).kind == .rateLimited)
  }

  // MARK: Context-length refusals

  static let bedrockValidation: HTTPHeaders = [
    "x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
  ]

  @Test(arguments: [
    (
      ProviderKind.openAI,
      #"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
      HTTPHeaders(),
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages: the prompt does not fit the model's context window"
    ),
    (
      .anthropic,
      #"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208310 tokens > 200000 maximum"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"#,
      HTTPHeaders(),
      "prompt is too long: 208310 tokens > 200000 maximum: the prompt does not fit the model's context window"
    ),
    (
      .openAI,
      #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":2100,"n_ctx":2048}}"#,
      HTTPHeaders(),
      "the prompt has 2100 tokens but the context window is 2048"
    ),
    (
      .gemini,
      #"{"error":{"code":400,"message":"The input token count (1345821) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#,
      HTTPHeaders(),
      "The input token count (1345821) exceeds the maximum number of tokens allowed (1048576): the prompt does not fit the model's context window"
    ),
    (
      .bedrock, #"{"message":"Input is too long for requested model."}"#, Self.bedrockValidation,
      "ValidationException: Input is too long for requested model: the prompt does not fit the model's context window"
    ),
    (
      .bedrock,
      #"{"message":"The model returned the following errors: prompt is too long: 215000 tokens > 200000 maximum"}"#,
      Self.bedrockValidation,
      "ValidationException: The model returned the following errors: prompt is too long: 215000 tokens > 200000 maximum: the prompt does not fit the model's context window"
    ),
    (
      .bedrock,
      #"{"message":"This model's maximum context length is 131072 tokens. Please reduce the length of the prompt."}"#,
      Self.bedrockValidation,
      "ValidationException: This model's maximum context length is 131072 tokens. Please reduce the length of the prompt: the prompt does not fit the model's context window"
    ),
  ] as [(ProviderKind, String, HTTPHeaders, String)])
  func contextLengthRefusalsHaveTheirOwnKind(kind: ProviderKind, body: String, headers: HTTPHeaders, message: String) {
    let error = classifier(kind).error(for: response(400, body, headers: headers))
    #expect(error.kind == .contextLengthExceeded)
    #expect(error.message == message)
    #expect(error.status == 400)
    #expect(!error.isRetryable)
  }

  @Test(arguments: [
    (ProviderKind.openAI, #"{"error":{"message":"Invalid 'messages': empty array.","type":"invalid_request_error","param":"messages","code":"empty_array"}}"#, HTTPHeaders()),
    (.anthropic, #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 300000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5"}}"#, HTTPHeaders()),
    (.gemini, #"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"#, HTTPHeaders()),
    (.bedrock, #"{"message":"Malformed input request, please reformat your input and try again."}"#, Self.bedrockValidation),
  ] as [(ProviderKind, String, HTTPHeaders)])
  func otherBadRequestsStayBadRequests(kind: ProviderKind, body: String, headers: HTTPHeaders) {
    #expect(classifier(kind).error(for: response(400, body, headers: headers)).kind == .badRequest)
  }

  @Test func aContextLengthBodyWithAnotherStatusKeepsTheStatusRule() {
    let body = #"{"error":{"message":"overloaded","type":"exceed_context_size_error","n_prompt_tokens":2100,"n_ctx":2048}}"#
    #expect(classifier().error(for: response(503, body)).kind == .serverError)
  }

  @Test func llamaCppRefusalWithoutTheCountsStillExplainsItself() {
    let body = #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#
    let error = classifier().error(for: response(400, body))
    #expect(error.kind == .contextLengthExceeded)
    #expect(error.message == "the request exceeds the available context size, try increasing it: the prompt does not fit the model's context window")
  }

  @Test func theExplanationSurvivesALongMessage() {
    let long = "prompt is too long: " + String(repeating: "x", count: 2000)
    let body = #"{"type":"error","error":{"type":"invalid_request_error","message":"\#(long)"}}"#
    let message = classifier(.anthropic).error(for: response(400, body)).message
    #expect(message.count <= ProviderErrorClassifier.maxMessageLength)
    #expect(message.hasSuffix("…: the prompt does not fit the model's context window"))
  }

  @Test(arguments: [
    ("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum", nil),
    ("validationException", "Input is too long for requested model.", nil),
    ("exceed_context_size_error", "the request exceeds the available context size, try increasing it", 400),
  ] as [(String, String, Int?)])
  func streamedContextLengthRefusalsHaveTheirOwnKind(type: String, message: String, status: Int?) {
    let error = classifier().streamError(type: type, message: message, status: status)
    #expect(error.kind == .contextLengthExceeded)
    #expect(error.message.hasSuffix(": the prompt does not fit the model's context window"))
  }
}
