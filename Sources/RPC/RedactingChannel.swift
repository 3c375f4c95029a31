import Secrets
import Transport

/// A channel whose every outgoing frame has the configured secrets replaced by `SecretRedactor.marker`.
///
/// The last line of defence for stdout: whatever path a key took into a reply or a notification (a task
/// the client pasted it into, a provider message that slipped past the provider layer), it does not leave.
/// The scan is a byte search per secret, and with no secrets configured the wrapper is not used at all.
public struct RedactingChannel: MessageChannel {
  private let base: any MessageChannel
  private let redactor: SecretRedactor

  public init(_ base: any MessageChannel, redactor: SecretRedactor) {
    self.base = base
    self.redactor = redactor
  }

  public func start(
    receiver: @escaping @Sendable (InboundEvent?) -> Void,
    onOutputBroken: @escaping @Sendable (OutputFailure) -> Void
  ) {
    base.start(receiver: receiver, onOutputBroken: onOutputBroken)
  }

  public var framing: Framing? { base.framing }
  public func send(_ payload: [UInt8]) { base.send(redactor.redact(payload)) }
  public func flush() async { await base.flush() }
  public func close() { base.close() }
}
