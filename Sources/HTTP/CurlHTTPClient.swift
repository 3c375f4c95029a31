import Foundation

/// The production `HTTPClient`: libcurl's multi interface, driven by one dedicated thread.
///
/// Swift tasks never block on I/O here: they queue work and await an `AsyncThrowingStream` the
/// loop thread feeds. Idle and total timeouts are enforced by that thread with millisecond
/// precision. Proxies come from the `http_proxy`, `https_proxy` and `no_proxy` environment
/// variables, which libcurl reads by itself.
public final class CurlHTTPClient: HTTPClient {
  /// A process-wide client; its thread starts with the first request.
  public static let shared = CurlHTTPClient()

  public let configuration: Configuration
  private let loop: CurlMultiLoop

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
    let caFile = configuration.caFile ?? Configuration.caFile(fromEnvironment: ProcessInfo.processInfo.environment)
    loop = CurlMultiLoop(caFile: caFile)
  }

  deinit {
    // Every open stream keeps the client alive (see `stream`), so nothing is in flight here.
    loop.shutdown()
  }

  /// Checks that libcurl can be loaded, so a process can report a broken install at startup
  /// instead of at its first request.
  public static func ensureLibcurlLoaded() throws(HTTPError) {
    try CurlLibrary.ensureLoaded()
  }

  public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
    var head: HTTPResponseHead?
    var body = Data()
    for try await event in stream(request) {
      switch event {
      case .head(let received): head = received
      case .body(let chunk): body.append(chunk)
      }
    }
    // A cancelled task ends the stream early without an error; say why the body is short.
    try Task.checkCancellation()
    guard let head else { throw HTTPError.transferFailed("the response ended before its head") }
    return HTTPResponse(head: head, body: body)
  }

  /// Body chunks are buffered without limit until consumed; LLM streams are small and steady.
  /// A consumer whose task is cancelled sees the stream end (as every `AsyncThrowingStream` does),
  /// while the transfer is aborted and its connection closed.
  public func stream(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPStreamEvent, any Error> {
    AsyncThrowingStream { continuation in
      do throws(HTTPError) {
        try CurlLibrary.ensureLoaded()
      } catch {
        continuation.finish(throwing: error)
        return
      }
      let transfer = CurlTransfer(request: request, continuation: continuation)
      // Capturing `self` keeps the client (and its thread) alive while the stream is open.
      continuation.onTermination = { [self, weak transfer] termination in
        guard case .cancelled = termination, let transfer else { return }
        loop.cancel(transfer)
      }
      loop.submit(transfer)
    }
  }
}
