import Foundation
import Synchronization

/// Two cross-wired channels in one process, for tests and in-process clients: what one sends,
/// the other receives, frame for frame. Delivery runs on the sender's thread, serialised.
public final class InMemoryChannel: MessageChannel {
  public let framing: Framing?
  private let peer: Mutex<InMemoryChannel?> = Mutex(nil)
  private let inbox = Mutex<Inbox>(Inbox())
  private let output = Mutex<Output>(Output())
  /// Serialises deliveries; recursive because a receiver may cause a reply that comes straight back.
  private let deliveryLock = NSRecursiveLock()

  private struct Inbox {
    var receiver: (@Sendable (InboundEvent?) -> Void)?
    /// Events that arrived before `start`.
    var early: [InboundEvent?] = []
    var ended = false
  }

  /// Whether what this side sends can still be read, and who is told once it cannot.
  private struct Output {
    /// The peer stopped reading (`stopReading`): sends fail from now on.
    var readerGone = false
    /// A send has failed; reported once, by that send or by `start` if it came first.
    var failed = false
    var onBroken: (@Sendable (OutputFailure) -> Void)?
  }

  private init(framing: Framing) {
    self.framing = framing
  }

  /// A connected pair: `client.send` arrives at `server`'s receiver and the reverse.
  public static func pair(framing: Framing = .newline) -> (client: InMemoryChannel, server: InMemoryChannel) {
    let client = InMemoryChannel(framing: framing)
    let server = InMemoryChannel(framing: framing)
    client.peer.withLock { $0 = server }
    server.peer.withLock { $0 = client }
    return (client, server)
  }

  public func start(
    receiver: @escaping @Sendable (InboundEvent?) -> Void,
    onOutputBroken: @escaping @Sendable (OutputFailure) -> Void
  ) {
    let failedEarly = output.withLock { output -> Bool in
      output.onBroken = output.failed ? nil : onOutputBroken
      return output.failed
    }
    if failedEarly { onOutputBroken(.closedByReader) }
    deliveryLock.lock()
    defer { deliveryLock.unlock() }
    let early = inbox.withLock { inbox -> [InboundEvent?] in
      inbox.receiver = receiver
      defer { inbox.early.removeAll() }
      return inbox.early
    }
    for event in early { receiver(event) }
  }

  public func send(_ payload: [UInt8]) {
    let outcome = output.withLock { output -> (gone: Bool, report: (@Sendable (OutputFailure) -> Void)?) in
      guard output.readerGone else { return (false, nil) }
      if output.failed { return (true, nil) }
      output.failed = true
      return (true, output.onBroken.take())
    }
    if outcome.gone {
      outcome.report?(.closedByReader)
      return
    }
    peer.withLock { $0 }?.deliver(.frame(payload))
  }

  /// This side stops reading, like a client closing its end of the server's stdout: what the peer
  /// sends from now on is dropped, and its next send reports `closedByReader`. This side can still
  /// send to the peer.
  public func stopReading() {
    peer.withLock { $0 }?.output.withLock { $0.readerGone = true }
  }

  /// Delivers an event to this side, as if the peer's bytes had produced it (for error-path tests).
  public func inject(_ event: InboundEvent) {
    deliver(event)
  }

  /// Ends this side's input: the peer hung up (like EOF on stdin).
  public func finishInbound() {
    deliver(nil)
  }

  public func flush() async {}

  /// Disconnects both sides: each side's receiver gets its end.
  public func close() {
    let other = peer.withLock { current -> InMemoryChannel? in
      defer { current = nil }
      return current
    }
    other?.peer.withLock { $0 = nil }
    other?.deliver(nil)
    deliver(nil)
  }

  private func deliver(_ event: InboundEvent?) {
    deliveryLock.lock()
    defer { deliveryLock.unlock() }
    let receiver = inbox.withLock { inbox -> (@Sendable (InboundEvent?) -> Void)? in
      if inbox.ended { return nil }
      if event == nil { inbox.ended = true }
      if inbox.receiver == nil { inbox.early.append(event) }
      return inbox.receiver
    }
    receiver?(event)
  }
}
