import Foundation
import LLM

/// One provider as the `models/list` RPC method shows it. Never contains the key: only whether there is
/// one, and any error text is redacted.
public struct ProviderListing: Sendable, Equatable, Codable {
  /// Where `models` came from.
  public enum ModelsSource: String, Sendable, Codable {
    /// The provider's model list endpoint answered.
    case endpoint
    /// The configured `models` (the endpoint failed, was skipped for lack of a key, or does not exist).
    case configuration
  }

  public var name: String
  public var kind: ProviderKind
  /// Without any user/password part.
  public var baseURL: String
  public var hasKey: Bool
  public var models: [String]
  public var modelsSource: ModelsSource
  /// Why the endpoint's list is missing, when it is.
  public var error: String?

  public init(
    name: String, kind: ProviderKind, baseURL: String, hasKey: Bool, models: [String], modelsSource: ModelsSource,
    error: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.baseURL = baseURL
    self.hasKey = hasKey
    self.models = models
    self.modelsSource = modelsSource
    self.error = error
  }
}
