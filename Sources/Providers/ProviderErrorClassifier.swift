import Foundation
import HTTP
import JSON
import LLM

/// The one place where HTTP responses and transport failures become `ProviderError`s, so retry,
/// backoff and fallback logic switches on a kind and never parses messages.
///
/// Status rules: 429 → `.rateLimited` (except OpenAI's `insufficient_quota`, a billing problem that
/// waiting does not fix → `.badRequest`); 408, 409, 5xx and Anthropic's 529 → `.serverError`;
/// 401, 403 → `.authentication`; a 400 saying the prompt does not fit the context window →
/// `.contextLengthExceeded` (`ContextLengthRefusal`); other 4xx → `.badRequest`; anything else unexpected →
/// `.malformedResponse`. `retryAfter` comes from `retry-after-ms`, then `Retry-After` (seconds, possibly
/// decimal, or an HTTP-date relative to `now`), then Gemini's `RetryInfo.retryDelay` in the body.
/// Messages come from the provider's error body when it parses, cut to `maxMessageLength` characters.
public struct ProviderErrorClassifier: Sendable {
  public var provider: String
  public var kind: ProviderKind
  public var now: @Sendable () -> Date

  /// Long enough for any real provider message, short enough for a log line or a notification.
  public static let maxMessageLength = 500

  public init(provider: String, kind: ProviderKind, now: @escaping @Sendable () -> Date = { Date() }) {
    self.provider = provider
    self.kind = kind
    self.now = now
  }

  // MARK: HTTP responses

  /// The error for a response whose status is not 2xx.
  public func error(for response: HTTPResponse) -> ProviderError {
    let status = response.status
    let body = Self.parseBody(response.body)
    let detail = Self.providerMessage(in: body, headers: response.headers, kind: kind)
    var errorKind = Self.kind(forStatus: status, body: body)
    var message = Self.truncate(detail ?? Self.fallbackMessage(status: status, body: response.body))
    if let refusal = ContextLengthRefusal.message(
      status: status, body: body, exception: Self.bedrockException(in: response.headers), detail: detail)
    {
      errorKind = .contextLengthExceeded
      message = refusal
    }
    let retryAfter = Self.retryAfter(in: response.headers, now: now()) ?? Self.geminiRetryDelay(in: body)
    let rateLimit = RateLimitHeaders.snapshot(from: response.headers, now: now())
    return ProviderError(
      errorKind, message, status: status, retryAfter: retryAfter, rateLimit: rateLimit, provider: provider)
  }

  /// A 2xx response whose body is not what the API documents.
  public func malformed(_ detail: String, status: Int? = nil) -> ProviderError {
    ProviderError(.malformedResponse, Self.truncate(detail), status: status, provider: provider)
  }

  /// Which kind a status means. `body` refines 429s (OpenAI `insufficient_quota`).
  public static func kind(forStatus status: Int, body: JSONValue? = nil) -> ProviderError.Kind {
    switch status {
    case 429:
      let code = body?["error"]?["code"]?.stringValue ?? body?["error"]?["type"]?.stringValue
      return code == "insufficient_quota" ? .badRequest : .rateLimited
    case 401, 403: return .authentication
    case 408, 409, 500...599: return .serverError
    case 400...499: return .badRequest
    default: return .malformedResponse
    }
  }

  // MARK: Transport failures

  /// The error for anything the HTTP client threw. Cancellation is not an error to classify: callers
  /// rethrow `CancellationError` before reaching this.
  public func error(forTransport error: any Error) -> ProviderError {
    switch error {
    case let providerError as ProviderError:
      var copy = providerError
      copy.provider = copy.provider ?? provider
      return copy
    case let httpError as HTTPError:
      switch httpError {
      case .idleTimeout:
        return ProviderError(.timeout, "no data arrived within the idle timeout", provider: provider)
      case .totalTimeout:
        return ProviderError(.timeout, "the call did not complete within its timeout", provider: provider)
      case .connectionFailed(let detail):
        return ProviderError(.connection, Self.truncate("could not connect: \(detail)"), provider: provider)
      case .transferFailed(let detail):
        return ProviderError(.connection, Self.truncate("transfer failed: \(detail)"), provider: provider)
      }
    case let decodingError as DecodingError:
      return malformed("unexpected response body: \(DecodingErrorText.describe(decodingError, subject: "the body"))")
    case is JSONParseError:
      return malformed("unexpected response body: not valid JSON")
    default:
      return ProviderError(.connection, Self.truncate(String(describing: error)), provider: provider)
    }
  }

  // MARK: Errors reported inside a successful stream

  /// An error event inside a 200 stream (Anthropic `error` events, OpenAI-compatible `{"error":...}`
  /// chunks, Bedrock exception messages). `type` is the provider's error type or exception name.
  public func streamError(type: String?, message: String?, status: Int? = nil) -> ProviderError {
    let kind: ProviderError.Kind
    if let status {
      kind = Self.kind(forStatus: status)
    } else {
      switch type?.lowercased() ?? "" {
      case "rate_limit_error", "throttlingexception", "resource_exhausted", "too_many_requests":
        kind = .rateLimited
      case "authentication_error", "permission_error", "accessdeniedexception", "unauthenticated",
        "permission_denied":
        kind = .authentication
      case "invalid_request_error", "not_found_error", "request_too_large", "validationexception",
        "invalid_argument", "resourcenotfoundexception":
        kind = .badRequest
      default:
        kind = .serverError  // api_error, overloaded_error, internalServerException, model*Exception, ...
      }
    }
    let text = [type, message].compactMap { $0 }.joined(separator: ": ")
    if kind == .badRequest, ContextLengthRefusal.matches(type: type, message: message) {
      return ProviderError(
        .contextLengthExceeded, ContextLengthRefusal.message(detail: text), status: status, provider: provider)
    }
    return ProviderError(kind, Self.truncate(text.isEmpty ? "error in stream" : text), status: status, provider: provider)
  }

  // MARK: Pieces, public for tests and other callers

  /// `retry-after-ms` (milliseconds, OpenAI), else `Retry-After` as seconds (decimal allowed) or an
  /// HTTP-date. Past dates give zero.
  public static func retryAfter(in headers: HTTPHeaders, now: Date) -> Duration? {
    if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
      milliseconds.isFinite, milliseconds >= 0
    {
      return DurationText.duration(seconds: milliseconds / 1000)
    }
    guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
      return DurationText.duration(seconds: seconds)
    }
    if let date = DurationText.date(fromHTTPDate: text) {
      return DurationText.duration(seconds: date.timeIntervalSince(now))
    }
    return nil
  }

  /// The human-readable message in a provider error body: `error.message` (OpenAI, Anthropic, Gemini,
  /// most compatible servers), `error` as a string (Ollama native), `message`/`Message` (Bedrock),
  /// `detail` (FastAPI-based servers). Bedrock's `x-amzn-ErrorType` header names the exception.
  public static func providerMessage(in body: JSONValue?, headers: HTTPHeaders = HTTPHeaders(), kind: ProviderKind)
    -> String?
  {
    var message: String?
    if let body {
      message =
        body["error"]?["message"]?.stringValue ?? body["error"]?.stringValue ?? body["message"]?.stringValue
        ?? body["Message"]?.stringValue ?? body["detail"]?.stringValue
    }
    if kind == .bedrock, let exception = bedrockException(in: headers) {
      message = message.map { "\(exception): \($0)" } ?? exception
    }
    return message
  }

  /// The exception Bedrock names in `x-amzn-ErrorType` (`ValidationException:http://internal...`).
  static func bedrockException(in headers: HTTPHeaders) -> String? {
    guard let errorType = headers["x-amzn-errortype"] else { return nil }
    return errorType.split(separator: ":").first.map(String.init) ?? errorType
  }

  /// Gemini puts the wait of a 429 into `error.details[] {"@type": ".../google.rpc.RetryInfo", "retryDelay": "37s"}`.
  static func geminiRetryDelay(in body: JSONValue?) -> Duration? {
    guard let details = body?["error"]?["details"]?.arrayValue else { return nil }
    for detail in details {
      if let delay = detail["retryDelay"]?.stringValue, let seconds = DurationText.seconds(fromProtobufDuration: delay) {
        return DurationText.duration(seconds: seconds)
      }
    }
    return nil
  }

  static func truncate(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.count > maxMessageLength else { return trimmed }
    return String(trimmed.prefix(maxMessageLength)) + "…"
  }

  private static func parseBody(_ data: Data) -> JSONValue? {
    guard !data.isEmpty else { return nil }
    return try? JSONParser.parse(data, options: .foundationCompatible)
  }

  private static func fallbackMessage(status: Int, body: Data) -> String {
    let text = String(decoding: body.prefix(4 * maxMessageLength), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    if !text.isEmpty { return text }
    let reason = HTTPStatusPhrase.phrase(for: status)
    return reason.isEmpty ? "no error details" : reason
  }
}
