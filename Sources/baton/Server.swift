import Foundation
import Orchestrator
import RPC
import Transport

/// `baton serve`: wires stdio, the router and the connection together.
enum Server {
  static func serve(_ options: ServeOptions) async -> Int32 {
    let logger = Logger(level: options.logLevel)
    let channel = StdioChannel(framing: options.framing.fixed, maxFrameBytes: options.maxFrameBytes)
    let connection = Connection(
      channel: channel, router: .baton(), serverInfo: BatonRelease.serverInfo, logger: logger)
    channel.start()
    logger.info("serving JSON-RPC on stdio (framing \(options.framing.rawValue))")
    return await connection.run()
  }
}
