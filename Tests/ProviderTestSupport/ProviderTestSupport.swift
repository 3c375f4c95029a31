import Foundation
import Synchronization
import Testing
@testable import HTTP
@testable import JSON
@testable import LLM
@testable import Providers
@testable import Secrets

/// An `HTTPClient` that records every request and answers from a script, one step per call, in order.
/// Streams deliver their body in the chunks given, so tests control the splits exactly.
final class ScriptedHTTPClient: HTTPClient, Sendable {
  enum Step: Sendable {
    /// A whole response (for `send`) or head + one body chunk (for `stream`).
    case respond(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: Data)
    /// A head, then the body in exactly these chunks (for `stream`; joined for `send`).
    case stream(status: Int, headers: HTTPHeaders = HTTPHeaders(), chunks: [Data])
    /// The transport fails before any response.
    case fail(HTTPError)
  }

  private struct State {
    var steps: [Step]
    var requests: [HTTPRequest] = []
  }

  private let state: Mutex<State>

  init(_ steps: [Step]) {
    state = Mutex(State(steps: steps))
  }

  convenience init(_ step: Step) {
    self.init([step])
  }

  /// Every request received so far.
  var requests: [HTTPRequest] { state.withLock { $0.requests } }

  private func next(_ request: HTTPRequest) -> Step? {
    state.withLock { state in
      state.requests.append(request)
      return state.steps.isEmpty ? nil : state.steps.removeFirst()
    }
  }

  func send(_ request: HTTPRequest) async throws -> HTTPResponse {
    switch next(request) {
    case .respond(let status, let headers, let body):
      return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: body)
    case .stream(let status, let headers, let chunks):
      return HTTPResponse(head: HTTPResponseHead(status: status, headers: headers), body: chunks.reduce(Data(), +))
    case .fail(let error):
      throw error
    case nil:
      throw HTTPError.transferFailed("the script has no step for \(request.method) \(request.url)")
    }
  }

  func stream(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPStreamEvent, any Error> {
    let step = next(request)
    return AsyncThrowingStream { continuation in
      switch step {
      case .respond(let status, let headers, let body):
        continuation.yield(.head(HTTPResponseHead(status: status, headers: headers)))
        continuation.yield(.body(body))
        continuation.finish()
      case .stream(let status, let headers, let chunks):
        continuation.yield(.head(HTTPResponseHead(status: status, headers: headers)))
        for chunk in chunks { continuation.yield(.body(chunk)) }
        continuation.finish()
      case .fail(let error):
        continuation.finish(throwing: error)
      case nil:
        continuation.finish(throwing: HTTPError.transferFailed("the script has no step"))
      }
    }
  }
}

/// Test helpers shared by the provider suites.
enum ProviderFixtures {
  /// A fixed clock so header dates and reset times are exact.
  static let now = Date(timeIntervalSince1970: 1_750_000_000)
  static let clock: @Sendable () -> Date = { now }

  static func settings(
    name: String, kind: ProviderKind, baseURL: String, apiKey: String? = nil, models: [String] = [],
    tokenLimitField: OpenAITokenLimitField = .maxTokens, headers: HTTPHeaders = HTTPHeaders()
  ) -> ProviderSettings {
    ProviderSettings(
      name: name, kind: kind, baseURL: URL(string: baseURL)!, apiKey: apiKey.map(Secret.init),
      requiresAPIKey: apiKey != nil, models: models, headers: headers, timeout: .seconds(30), idleTimeout: .seconds(10),
      tokenLimitField: tokenLimitField)
  }

  /// A representative request: system prompt, a conversation with a tool round trip, settings, schema, tools.
  static let weatherSchema: JSONValue = [
    "type": "object",
    "properties": ["city": ["type": "string"], "temperature": ["type": "number"]],
    "required": ["city", "temperature"],
    "additionalProperties": false,
  ]

  static let weatherTool = ToolDefinition(
    name: "get_weather", description: "Current weather for a city",
    parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])

  static let toolConversation: [ChatMessage] = [
    .user("What is the weather in Paris?"),
    ChatMessage(
      role: .assistant, content: "",
      toolCalls: [ToolCall(id: "call_1", name: "get_weather", arguments: ["city": "Paris"])]),
    ChatMessage(role: .tool, content: #"{"celsius":21}"#, toolCallId: "call_1"),
  ]

  static func body(of request: HTTPRequest) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: #require(request.body))
  }

  static func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }

  /// `data` cut into pieces of the given sizes, cycling, so frames, lines, CRLFs and UTF-8 sequences
  /// are split in awkward places.
  static func chunks(_ text: String, sizes: [Int] = [1, 3, 7, 2, 11, 5]) -> [Data] {
    chunks(Data(text.utf8), sizes: sizes)
  }

  static func chunks(_ data: Data, sizes: [Int]) -> [Data] {
    var pieces: [Data] = []
    var offset = 0
    var turn = 0
    while offset < data.count {
      let size = min(sizes[turn % sizes.count], data.count - offset)
      pieces.append(data.subdata(in: offset..<offset + size))
      offset += size
      turn += 1
    }
    return pieces
  }

  /// SSE text from `data:` payloads, one event each, with the given line ending.
  static func sse(_ events: [(event: String?, data: String)], lineEnding: String = "\n") -> String {
    events.map { event in
      (event.event.map { "event: \($0)\(lineEnding)" } ?? "") + "data: \(event.data)\(lineEnding)\(lineEnding)"
    }.joined()
  }

  struct Collected {
    var deltas: [String] = []
    var result: ChatResult?
    var error: (any Error)?
    var doneCount = 0
  }

  /// Drains a chat stream, keeping the deltas, the `.done` result and a thrown error.
  static func collect(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async -> Collected {
    var collected = Collected()
    do {
      for try await event in stream {
        switch event {
        case .delta(let text): collected.deltas.append(text)
        case .done(let result):
          collected.result = result
          collected.doneCount += 1
        }
      }
    } catch {
      collected.error = error
    }
    return collected
  }

  /// The `ProviderError` a call threw, failing the test when it threw something else or nothing.
  static func providerError(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
  ) async -> ProviderError? {
    do {
      try await body()
      Issue.record("expected a ProviderError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as ProviderError {
      return error
    } catch {
      Issue.record("expected a ProviderError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
  }
}
