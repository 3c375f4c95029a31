import Foundation
import Testing
@testable import LLM
@testable import Providers
@testable import Secrets

/// Whatever a provider returns passes through the configured secrets' redaction: whole results, tool-call
/// arguments, and streamed deltas even when a key is split between two of them.
@Suite struct RedactingProviderTests {
  static let key = "sk-live-0123456789abcdef"
  static let redactor = SecretRedactor(secrets: [key, "other-secret-value"])

  /// Streams the given pieces, then a result whose text is their concatenation.
  struct Streaming: LLMProvider {
    let pieces: [String]
    var name: String { "stub" }
    func complete(_ request: ChatRequest) async throws -> ChatResult {
      ChatResult(
        text: pieces.joined(), toolCalls: [ToolCall(id: "t", name: "f", arguments: ["k": .string(RedactingProviderTests.key)])],
        finishReason: .stop, usage: Usage(), model: "m")
    }
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
      AsyncThrowingStream { continuation in
        for piece in pieces { continuation.yield(.delta(piece)) }
        continuation.yield(.done(ChatResult(text: pieces.joined(), finishReason: .stop, usage: Usage(), model: "m")))
        continuation.finish()
      }
    }
    func listModels() async throws -> [String] { [] }
  }

  static let request = ChatRequest(model: "m", messages: [.user("hi")])

  @Test func aCompleteResultAndItsToolArgumentsAreRedacted() async throws {
    let provider = RedactingProvider(base: Streaming(pieces: ["key: ", Self.key, "."]), redactor: Self.redactor)
    let result = try await provider.complete(Self.request)
    #expect(result.text == "key: [REDACTED].")
    #expect(result.toolCalls.first?.arguments == ["k": "[REDACTED]"])
  }

  @Test(arguments: [3, 10, 23])
  func aKeySplitAcrossDeltasIsStillRemoved(splitAt offset: Int) async throws {
    let text = "before \(Self.key) after"
    let cut = text.index(text.startIndex, offsetBy: 7 + offset)
    let pieces = [String(text[..<cut]), String(text[cut...])]
    let provider = RedactingProvider(base: Streaming(pieces: pieces), redactor: Self.redactor)
    var deltas: [String] = []
    var final: ChatResult?
    for try await event in provider.stream(Self.request) {
      switch event {
      case .delta(let piece): deltas.append(piece)
      case .done(let result): final = result
      }
    }
    #expect(deltas.joined() == "before [REDACTED] after")
    #expect(!deltas.contains { $0.contains("sk-l") }, "no piece of the key went out before it was recognised")
    #expect(final?.text == "before [REDACTED] after")
  }

  @Test func aPrefixThatNeverBecomesAKeyIsReleasedAtTheEnd() async throws {
    let provider = RedactingProvider(base: Streaming(pieces: ["ends with sk-li"]), redactor: Self.redactor)
    var deltas: [String] = []
    for try await event in provider.stream(Self.request) {
      if case .delta(let piece) = event { deltas.append(piece) }
    }
    #expect(deltas == ["ends with ", "sk-li"])
  }
}
