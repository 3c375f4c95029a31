import Foundation
import Orchestrator
import RPC
import Transport

/// `baton serve`: wires configuration, providers, stdio, the router and the connection together.
enum Server {
  static func serve(_ options: ServeOptions) async -> Int32 {
    let logger = Logger(level: options.logLevel)
    let registry: ProviderRegistry
    do {
      registry = try Providers.registry(configPath: options.configPath)
    } catch {
      StandardError.write("baton: \(error)\n")
      return 2
    }
    let channel = StdioChannel(framing: options.framing.fixed, maxFrameBytes: options.maxFrameBytes)
    let connection = Connection(
      channel: channel, router: .baton(registry: registry), serverInfo: BatonRelease.serverInfo, logger: logger)
    logger.info("serving JSON-RPC on stdio (framing \(options.framing.rawValue), default model \(registry.defaultModel))")
    return await connection.run()
  }
}
