/// Something that arrived on a channel: a whole frame (one JSON text), or bytes that could not be framed.
public enum InboundEvent: Sendable, Equatable {
  case frame([UInt8])
  case framingError(FramingError)
}

/// A bidirectional pipe of whole frames. Knows nothing of JSON-RPC.
///
/// Inbound events are pushed to a receiver on the channel's own thread rather than pulled through a
/// stream: measured here, each hop between threads costs 50-100 µs of wake-up latency, and handing
/// frames straight to the receiver lets a quick request be answered on the thread that read it.
public protocol MessageChannel: Sendable {
  /// Starts reading. `receiver` gets every event in order, one at a time, then `nil` once when the
  /// peer closes its side. It runs on the channel's thread and must not block. Call once.
  ///
  /// `onOutputBroken` is called once, when a write fails for good (the reader of the output went
  /// away); every later frame is dropped. It runs on whichever thread found out, possibly inside
  /// `send`, with no channel lock held, and must not block. Input keeps being delivered: ending the
  /// session is the owner's decision.
  func start(
    receiver: @escaping @Sendable (InboundEvent?) -> Void,
    onOutputBroken: @escaping @Sendable (OutputFailure) -> Void)
  /// The framing in use, once known (sniffed channels learn it from the peer's first bytes).
  var framing: Framing? { get }
  /// Queues one JSON text to be framed and written whole. Never blocks; order is kept.
  func send(_ payload: [UInt8])
  /// Returns once everything queued so far has been written, or the output has failed.
  func flush() async
  /// Stops writing; queued frames are dropped.
  func close()
}

extension MessageChannel {
  /// Starts reading, for owners that learn of a broken output some other way (or not at all).
  public func start(receiver: @escaping @Sendable (InboundEvent?) -> Void) {
    start(receiver: receiver, onOutputBroken: { _ in })
  }

  /// Starts the channel and returns its events as a stream (for clients and tests).
  public func events() -> AsyncStream<InboundEvent> {
    let (stream, continuation) = AsyncStream.makeStream(of: InboundEvent.self)
    start { event in
      if let event { continuation.yield(event) } else { continuation.finish() }
    }
    return stream
  }
}
