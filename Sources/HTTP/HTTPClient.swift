import Foundation

/// One HTTP request as the provider layer builds it. Plain values, so adapters are testable without a network.
public struct HTTPRequest: Sendable {
  public var method: String
  public var url: URL
  public var headers: HTTPHeaders
  public var body: Data?
  /// Fails the transfer when no byte arrives for this long (reset by every chunk; streams stay alive).
  public var idleTimeout: Duration?
  /// Fails the transfer when it has not completed within this long, whatever is still arriving.
  public var totalTimeout: Duration?

  public init(
    method: String = "GET", url: URL, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil,
    idleTimeout: Duration? = nil, totalTimeout: Duration? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.idleTimeout = idleTimeout
    self.totalTimeout = totalTimeout
  }
}

/// Status line and headers of a response, known before the body.
public struct HTTPResponseHead: Sendable, Equatable {
  public var status: Int
  public var headers: HTTPHeaders

  public init(status: Int, headers: HTTPHeaders) {
    self.status = status
    self.headers = headers
  }
}

/// A whole response.
public struct HTTPResponse: Sendable, Equatable {
  public var head: HTTPResponseHead
  public var body: Data

  public var status: Int { head.status }
  public var headers: HTTPHeaders { head.headers }

  public init(head: HTTPResponseHead, body: Data) {
    self.head = head
    self.body = body
  }
}

/// What a streamed transfer yields: the head once, then body chunks as they arrive.
public enum HTTPStreamEvent: Sendable, Equatable {
  case head(HTTPResponseHead)
  case body(Data)
}

/// Transport-level failures. HTTP error statuses are not errors here: they are responses.
public enum HTTPError: Error, Sendable, Equatable {
  /// No byte arrived within the idle timeout.
  case idleTimeout
  /// The transfer did not complete within the total timeout.
  case totalTimeout
  /// DNS, refused or reset connection, TLS failure: the server was not (fully) reached.
  case connectionFailed(String)
  /// Anything else the HTTP engine reported.
  case transferFailed(String)
}

/// The seam every provider calls through. The production implementation drives libcurl;
/// tests substitute scripted clients.
public protocol HTTPClient: Sendable {
  /// Sends the request and returns the whole response. Cancelling the calling task aborts the transfer.
  func send(_ request: HTTPRequest) async throws -> HTTPResponse
  /// Sends the request and yields the head, then body chunks as they arrive.
  /// Ending the consuming task (or dropping the stream) aborts the transfer.
  func stream(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPStreamEvent, any Error>
}
