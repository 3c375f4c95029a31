import Foundation
import API
import Configuration
import HTTP
import Orchestrator

/// Builds everything the methods are served by: providers from the configuration, and the engine
/// with the configuration's roles, prices, rate limits and orchestration settings.
enum Services {
  static func make(configPath: String?, stateDirectory: String?) throws -> BatonServices {
    let environment = ProcessInfo.processInfo.environment
    let configuration = try ProviderConfiguration.load(explicitPath: configPath, environment: environment)
    let registry = registry(configuration, environment: environment)
    let engine = Engine(
      configuration: engineConfiguration(configuration, stateDirectory: stateDirectory, environment: environment),
      models: registry, redactor: configuration.redactor)
    return BatonServices(registry: registry, engine: engine)
  }

  private static func registry(_ configuration: ProviderConfiguration, environment: [String: String]) -> ProviderRegistry {
    let shared = CurlHTTPClient.shared
    let caFromEnvironment = CurlHTTPClient.Configuration.caFile(fromEnvironment: environment)
    return ProviderRegistry(configuration: configuration) { settings in
      guard let caFile = settings.caFile ?? caFromEnvironment else { return shared }
      return CurlHTTPClient(configuration: .init(caFile: caFile))
    }
  }

  /// The file's settings over the engine's defaults (`ProviderConfiguration.engine`), journaling where the
  /// command line and environment say.
  static func engineConfiguration(
    _ configuration: ProviderConfiguration, stateDirectory: String?, environment: [String: String]
  ) -> EngineConfiguration {
    var engine = configuration.engine
    engine.stateDirectory = StateDirectory.resolve(explicit: stateDirectory, environment: environment)
    return engine
  }
}

/// Where run journals live: `--state-dir`, else `$BATON_STATE_DIR`, else `$XDG_STATE_HOME/baton`,
/// else `~/.local/state/baton`.
enum StateDirectory {
  static func resolve(explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let fromEnvironment = environment["BATON_STATE_DIR"], !fromEnvironment.isEmpty { return fromEnvironment }
    if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/baton" }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return home + "/.local/state/baton"
  }
}
