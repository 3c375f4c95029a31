import LLM
import Secrets

extension SecretRedactor {
  public init(_ secrets: [Secret?]) {
    self.init(secrets: secrets.compactMap { $0?.value })
  }

  public func redact(_ error: ProviderError) -> ProviderError {
    var redacted = error
    redacted.message = redact(error.message)
    return redacted
  }
}
