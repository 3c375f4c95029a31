/// Removes configured secrets from text that leaves the provider layer (error messages, listings).
/// Provider error bodies sometimes echo the key they rejected ("Incorrect API key provided: sk-..."),
/// and transport errors may quote URLs or headers, so every outgoing message goes through here.
public struct SecretRedactor: Sendable {
  public static let marker = "[REDACTED]"

  /// Longest first, so a key that contains another key is removed whole.
  private let secrets: [String]

  public init(secrets: [String]) {
    self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
  }

  public init(_ secrets: [Secret?]) {
    self.init(secrets: secrets.compactMap { $0?.value })
  }

  public var isEmpty: Bool { secrets.isEmpty }

  public func redact(_ text: String) -> String {
    var result = text
    for secret in secrets where result.contains(secret) {
      result = result.replacingOccurrences(of: secret, with: Self.marker)
    }
    return result
  }

  public func redact(_ error: ProviderError) -> ProviderError {
    var redacted = error
    redacted.message = redact(error.message)
    return redacted
  }
}
