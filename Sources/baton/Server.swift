import Foundation
import Orchestrator
import RPC
import Transport

/// `baton serve`: wires configuration, providers, stdio, the router and the connection together.
enum Server {
  static func serve(_ options: ServeOptions) async -> Int32 {
    let logger = Logger(level: options.logLevel)
    let services: BatonServices
    do {
      services = try Services.make(configPath: options.configPath, stateDirectory: options.stateDirectory)
    } catch {
      StandardError.write("baton: \(error)\n")
      return 2
    }
    let channel = StdioChannel(framing: options.framing.fixed, maxFrameBytes: options.maxFrameBytes)
    let connection = Connection(
      channel: channel, router: .baton(services), serverInfo: BatonRelease.serverInfo, logger: logger)
    logger.info("serving JSON-RPC on stdio (framing \(options.framing.rawValue), default model \(services.registry.defaultModel))")
    return await connection.run()
  }
}
