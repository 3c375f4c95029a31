import Foundation
import HTTP
import JSON
import LLM
import Secrets

/// What every adapter does around its own wire format: builds the HTTP request with the configured
/// headers and timeouts, sends or streams it, times it with `ContinuousClock`, turns statuses and
/// transport failures into `ProviderError`s through the one classifier, attaches rate-limit headers and
/// the request id, applies the truncation rule, and redacts the key from every error that leaves.
/// `CancellationError` passes through untouched so the engine can tell cancellation from failure.
struct ProviderTransport: Sendable {
  let settings: ProviderSettings
  let http: any HTTPClient
  let classifier: ProviderErrorClassifier
  let redactor: SecretRedactor
  /// The response header carrying the provider's request id (`x-request-id`, `request-id`, ...).
  let requestIdHeader: String?

  /// Error bodies larger than this are cut while reading a failed stream.
  private static let maxErrorBodyBytes = 64 * 1024

  init(settings: ProviderSettings, http: any HTTPClient, requestIdHeader: String?, now: @escaping @Sendable () -> Date) {
    self.settings = settings
    self.http = http
    self.classifier = ProviderErrorClassifier(provider: settings.name, kind: settings.kind, now: now)
    self.redactor = SecretRedactor([settings.apiKey])
    self.requestIdHeader = requestIdHeader
  }

  var providerName: String { settings.name }

  /// An HTTP request with the configured timeouts, the adapter's headers, then the configured extra
  /// headers (which may override the adapter's, e.g. a different `anthropic-version`).
  func makeRequest(method: String, url: URL, headers: HTTPHeaders, body: JSONValue?) throws -> HTTPRequest {
    var allHeaders = headers
    if body != nil { allHeaders.set("content-type", "application/json") }
    for field in settings.headers { allHeaders.set(field.name, field.value) }
    do {
      return HTTPRequest(
        method: method, url: url, headers: allHeaders, body: try body.map(ProviderJSON.encode),
        idleTimeout: settings.idleTimeout, totalTimeout: settings.timeout)
    } catch {
      throw ProviderError(.badRequest, "could not encode the request body: \(error)", provider: providerName)
    }
  }

  /// Sends a request and returns a 2xx response; anything else throws a classified, redacted error.
  func fetch(_ request: HTTPRequest) async throws -> HTTPResponse {
    do {
      let response = try await http.send(request)
      guard (200..<300).contains(response.status) else { throw classifier.error(for: response) }
      return response
    } catch {
      throw normalize(error)
    }
  }

  /// Decodes a 2xx body, turning decoding failures into `.malformedResponse`.
  func decode<Value: Decodable>(_ type: Value.Type, from response: HTTPResponse) throws -> Value {
    do {
      return try ProviderJSON.decode(type, from: response.body)
    } catch {
      throw normalize(error, status: response.status)
    }
  }

  /// One whole call: send, decode with `decode`, then finish the result.
  func complete(
    _ httpRequest: HTTPRequest, for chat: ChatRequest, decode: (HTTPResponse) throws -> ChatResult
  ) async throws -> ChatResult {
    let start = ContinuousClock.now
    do {
      let response = try await fetch(httpRequest)
      var result: ChatResult
      do {
        result = try decode(response)
      } catch {
        throw normalize(error, status: response.status)
      }
      return try finished(result, head: response.head, start: start, for: chat)
    } catch {
      throw normalize(error)
    }
  }

  /// One streamed call: `.delta`s as the decoder produces them, then `.done`, or an error.
  /// Cancelling the consuming task (or dropping the stream) cancels the transfer.
  func stream<Decoder: ChatStreamDecoder>(
    _ httpRequest: HTTPRequest, for chat: ChatRequest, decoder: Decoder
  ) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    let (events, continuation) = AsyncThrowingStream.makeStream(of: ChatStreamEvent.self)
    let task = Task {
      do {
        let result = try await run(httpRequest, for: chat, decoder: decoder) { delta in
          continuation.yield(.delta(delta))
        }
        continuation.yield(.done(result))
        continuation.finish()
      } catch {
        continuation.finish(throwing: normalize(error))
      }
    }
    continuation.onTermination = { _ in task.cancel() }
    return events
  }

  /// A stream whose request could not even be built: finishes at once with the (redacted) error.
  func failedStream(_ error: any Error) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    AsyncThrowingStream { $0.finish(throwing: normalize(error)) }
  }

  private func run<Decoder: ChatStreamDecoder>(
    _ httpRequest: HTTPRequest, for chat: ChatRequest, decoder initial: Decoder, onDelta: (String) -> Void
  ) async throws -> ChatResult {
    let start = ContinuousClock.now
    var decoder = initial
    var head: HTTPResponseHead?
    var errorBody = Data()
    for try await event in http.stream(httpRequest) {
      switch event {
      case .head(let received):
        head = received
      case .body(let chunk):
        guard let head else { throw classifier.malformed("the response body arrived before its status line") }
        if (200..<300).contains(head.status) {
          for delta in try decoder.consume(chunk) where !delta.isEmpty { onDelta(delta) }
        } else if errorBody.count < Self.maxErrorBodyBytes {
          errorBody.append(chunk.prefix(Self.maxErrorBodyBytes - errorBody.count))
        }
      }
    }
    try Task.checkCancellation()
    guard let head else { throw classifier.malformed("the stream ended without a response") }
    guard (200..<300).contains(head.status) else {
      throw classifier.error(for: HTTPResponse(head: head, body: errorBody))
    }
    for delta in try decoder.finish() where !delta.isEmpty { onDelta(delta) }
    return try finished(decoder.result(), head: head, start: start, for: chat)
  }

  /// Adds latency, the header request id and rate limits, then applies the truncation rule.
  private func finished(
    _ result: ChatResult, head: HTTPResponseHead, start: ContinuousClock.Instant, for chat: ChatRequest
  ) throws -> ChatResult {
    var result = result
    result.latencyMs = (ContinuousClock.now - start).millisecondsValue
    if let requestIdHeader, let id = head.headers[requestIdHeader], !id.isEmpty {
      result.requestId = id
    }
    result.rateLimit = RateLimitHeaders.snapshot(from: head.headers, now: classifier.now())
    try TruncationCheck.verify(result, for: chat, provider: providerName)
    return result
  }

  /// Classifies (if needed) and redacts any error; `CancellationError` is returned unchanged.
  /// Builds a request with `build`, turning a failure into the classified, redacted error callers expect.
  func prepare(_ build: () throws -> HTTPRequest) throws -> HTTPRequest {
    do {
      return try build()
    } catch {
      throw normalize(error)
    }
  }

  func normalize(_ error: any Error, status: Int? = nil) -> any Error {
    if error is CancellationError { return error }
    var classified = classifier.error(forTransport: error)
    if classified.status == nil, classified.kind == .malformedResponse { classified.status = status }
    return redactor.redact(classified)
  }
}
