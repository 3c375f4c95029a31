import Foundation
import RPC

/// `baton/status`: what front ends and tests need to know about the running server.
public enum StatusMethod: RPCMethod {
  public static let name = "baton/status"

  public struct Result: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var protocolVersion: String
    public var uptimeSeconds: Double
    /// "lsp" or "ndjson": the framing the client was answered in.
    public var framing: String?
    /// Requests being served, this one included.
    public var requestsInFlight: Int
    public var processId: Int
  }

  static func handle(_ params: NoParams, _ context: RequestContext) -> Result {
    let connection = context.connection
    let uptime = connection.uptime.components
    return Result(
      name: connection.serverInfo.name, version: connection.serverInfo.version,
      protocolVersion: connection.serverInfo.protocolVersion,
      uptimeSeconds: Double(uptime.seconds) + Double(uptime.attoseconds) / 1e18,
      framing: connection.framing?.rawValue, requestsInFlight: connection.inFlightCount,
      processId: Int(ProcessInfo.processInfo.processIdentifier))
  }
}
