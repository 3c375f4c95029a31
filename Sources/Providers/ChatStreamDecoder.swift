import Foundation
import HTTP
import LLM

/// Turns one provider's streamed response body into text deltas and, at the end, the result.
/// Chunk boundaries are arbitrary: implementations buffer partial frames themselves.
/// They throw `ProviderError` for errors reported inside the stream.
protocol ChatStreamDecoder: Sendable {
  /// Consumes the next body bytes and returns the text deltas they complete, in order.
  mutating func consume(_ bytes: Data) throws -> [String]
  /// The body ended: returns the deltas of any frame the end completed.
  mutating func finish() throws -> [String]
  /// The result once the body has ended (the transport adds latency, rate limits and a header request
  /// id). Throws `.malformedResponse` if the stream ended before the provider said it was finished.
  func result() throws -> ChatResult
}

/// What an SSE-based decoder does with each event; `SSEChatStreamDecoder` does the framing.
protocol SSEChatAccumulator: Sendable {
  mutating func apply(_ event: SSEEvent) throws -> [String]
  func result() throws -> ChatResult
}

/// A `ChatStreamDecoder` for `text/event-stream` bodies (OpenAI-compatible, Anthropic, Gemini).
struct SSEChatStreamDecoder<Accumulator: SSEChatAccumulator>: ChatStreamDecoder {
  private var parser = SSEParser()
  private var accumulator: Accumulator

  init(_ accumulator: Accumulator) {
    self.accumulator = accumulator
  }

  mutating func consume(_ bytes: Data) throws -> [String] {
    var deltas: [String] = []
    for event in parser.feed(bytes) {
      deltas += try accumulator.apply(event)
    }
    return deltas
  }

  mutating func finish() throws -> [String] {
    var deltas: [String] = []
    for event in parser.finish() {
      deltas += try accumulator.apply(event)
    }
    return deltas
  }

  func result() throws -> ChatResult {
    try accumulator.result()
  }
}
