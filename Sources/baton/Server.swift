import Foundation
import API
import RPC
import Transport

/// `baton serve`: wires configuration, providers, stdio, the router and the connection together.
enum Server {
  static func serve(_ options: ServeOptions) async -> Int32 {
    let services: BatonServices
    do {
      services = try Services.make(configPath: options.configPath, stateDirectory: options.stateDirectory)
    } catch {
      StandardError.write("baton: \(error)\n")
      return 2
    }
    // Every configured secret is kept out of stdout and stderr (the provider layer and the journal
    // redact too; this catches whatever path a key took into a reply, an event or a log line).
    let redactor = services.registry.configuration.redactor
    let logger = Logger(level: options.logLevel, redactor: redactor)
    let stdio = StdioChannel(framing: options.framing.fixed, maxFrameBytes: options.maxFrameBytes)
    let channel: any MessageChannel = redactor.isEmpty ? stdio : RedactingChannel(stdio, redactor: redactor)
    let connection = Connection(
      channel: channel, router: .baton(services), serverInfo: BatonRelease.serverInfo, logger: logger)
    logger.info("serving JSON-RPC on stdio (framing \(options.framing.rawValue), default model \(services.registry.defaultModel))")
    return await connection.run()
  }
}
