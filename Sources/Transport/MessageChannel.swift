/// Something that arrived on a channel: a whole frame (one JSON text), or bytes that could not be framed.
public enum InboundEvent: Sendable, Equatable {
  case frame([UInt8])
  case framingError(FramingError)
}

/// A bidirectional pipe of whole frames. Knows nothing of JSON-RPC.
public protocol MessageChannel: Sendable {
  /// Frames from the peer, in order; finishes when the peer closes its side.
  var inbound: AsyncStream<InboundEvent> { get }
  /// The framing in use, once known (sniffed channels learn it from the peer's first bytes).
  var framing: Framing? { get }
  /// Queues one JSON text to be framed and written whole. Never blocks; order is kept.
  func send(_ payload: [UInt8])
  /// Returns once everything queued so far has been written, or the output has failed.
  func flush() async
  /// Stops reading and writing; `inbound` finishes.
  func close()
}
