import Synchronization

/// Two cross-wired channels in one process, for tests and in-process clients: what one sends,
/// the other receives, frame for frame.
public final class InMemoryChannel: MessageChannel {
  public let inbound: AsyncStream<InboundEvent>
  public let framing: Framing?
  private let incoming: AsyncStream<InboundEvent>.Continuation
  private let peer: Mutex<InMemoryChannel?> = Mutex(nil)

  private init(framing: Framing) {
    (inbound, incoming) = AsyncStream.makeStream(of: InboundEvent.self)
    self.framing = framing
  }

  /// A connected pair: `client.send` arrives at `server.inbound` and the reverse.
  public static func pair(framing: Framing = .newline) -> (client: InMemoryChannel, server: InMemoryChannel) {
    let client = InMemoryChannel(framing: framing)
    let server = InMemoryChannel(framing: framing)
    client.peer.withLock { $0 = server }
    server.peer.withLock { $0 = client }
    return (client, server)
  }

  public func send(_ payload: [UInt8]) {
    let target = peer.withLock { $0 }
    target?.incoming.yield(.frame(payload))
  }

  /// Delivers raw events to this side, as if the peer's bytes had produced them (for error-path tests).
  public func inject(_ event: InboundEvent) {
    incoming.yield(event)
  }

  public func flush() async {}

  /// Closes both directions: this side's and the peer's inbound streams finish.
  public func close() {
    let target = peer.withLock { current -> InMemoryChannel? in
      defer { current = nil }
      return current
    }
    incoming.finish()
    target?.closeFromPeer()
  }

  /// Ends this side's input: the peer hung up (like EOF on stdin).
  public func finishInbound() {
    incoming.finish()
  }

  private func closeFromPeer() {
    peer.withLock { $0 = nil }
    incoming.finish()
  }
}
