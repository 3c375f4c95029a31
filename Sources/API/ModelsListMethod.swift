import Configuration
import RPC

/// `models/list`: the configured providers, their models, and whether a key is present.
public enum ModelsListMethod: RPCMethod {
  public static let name = "models/list"

  public struct Result: Codable, Sendable {
    public var defaultModel: String
    public var providers: [ProviderListing]
  }

  static func handle(registry: ProviderRegistry) async -> Result {
    Result(defaultModel: registry.defaultModel.description, providers: await registry.listing())
  }
}
