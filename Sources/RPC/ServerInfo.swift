/// Who the server is, as `initialize` reports it.
public struct ServerInfo: Sendable, Equatable {
  public var name: String
  public var version: String
  /// The version of Baton's wire contract (protocol.md), independent of the binary's version.
  public var protocolVersion: String

  public init(name: String, version: String, protocolVersion: String) {
    self.name = name
    self.version = version
    self.protocolVersion = protocolVersion
  }
}

/// Why a server-to-client request failed without a reply.
public enum ClientRequestError: Error, Sendable, Equatable, CustomStringConvertible {
  case timedOut(method: String)
  case connectionClosed

  public var description: String {
    switch self {
    case .timedOut(let method): return "the client did not answer \(method) in time"
    case .connectionClosed: return "the connection closed before the client answered"
    }
  }
}

/// `window/logMessage` severities (LSP `MessageType`).
public enum MessageType: Int, Sendable {
  case error = 1, warning, info, log
}
