import Foundation
import Orchestrator

/// Builds the provider registry from the configuration file and the environment.
enum Providers {
  static func registry(configPath: String?) throws -> ProviderRegistry {
    let environment = ProcessInfo.processInfo.environment
    let configuration = try ProviderConfiguration.load(explicitPath: configPath, environment: environment)
    let shared = CurlHTTPClient.shared
    let caFromEnvironment = CurlHTTPClient.Configuration.caFile(fromEnvironment: environment)
    return ProviderRegistry(configuration: configuration) { settings in
      guard let caFile = settings.caFile ?? caFromEnvironment else { return shared }
      return CurlHTTPClient(configuration: .init(caFile: caFile))
    }
  }
}
