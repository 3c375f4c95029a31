import Foundation
import HTTP
import JSON
import LLM
import Synchronization

/// Context windows an OpenAI-compatible provider has asked its server for, one lookup per model,
/// shared by every copy of the provider. A failed lookup is remembered as nil, so a server without
/// the endpoints is asked once, not once per call.
final class ContextWindowLookups: Sendable {
  private let lookups = Mutex<[String: Task<Int?, Never>]>([:])

  /// The cached answer for `model`, or the answer of `ask`, run once per model however many callers
  /// arrive together (they all wait for the same lookup).
  func window(for model: String, ask: @escaping @Sendable () async -> Int?) async -> Int? {
    let lookup = lookups.withLock { lookups in
      if let existing = lookups[model] { return existing }
      let task = Task { await ask() }
      lookups[model] = task
      return task
    }
    return await lookup.value
  }
}

extension OpenAICompatibleProvider {
  /// How long a context-window lookup may take: it is metadata, not a model call.
  static let contextWindowLookupTimeout: Duration = .seconds(5)

  /// The built-in table first (`KnownContextWindows`); else, for a server that is not api.openai.com,
  /// what the server says, asked once per model: llama.cpp's `GET /props` (beside `/v1`:
  /// `default_generation_settings.n_ctx`, else a top-level `n_ctx`), then `GET {baseURL}/models`
  /// (`data[].meta.n_ctx_train` of the entry whose id is `model`). nil when neither tells.
  public func contextWindow(for model: String) async -> Int? {
    if let known = KnownContextWindows.tokens(for: model) { return known }
    guard settings.baseURL.host?.lowercased() != "api.openai.com" else { return nil }
    return await contextWindowLookups.window(for: model) { [self] in
      if let window = await propsContextWindow() { return window }
      return await modelsContextWindow(for: model)
    }
  }

  private func propsContextWindow() async -> Int? {
    var root = settings.baseURLString
    if root.hasSuffix("/v1") { root.removeLast(3) }
    guard let url = URL(string: root + "/props"), let props = await lookUp(url) else { return nil }
    return Self.positive(props["default_generation_settings"]?["n_ctx"]) ?? Self.positive(props["n_ctx"])
  }

  private func modelsContextWindow(for model: String) async -> Int? {
    guard let url = try? settings.url("/models"), let list = await lookUp(url) else { return nil }
    let entry = list["data"]?.arrayValue?.first { $0["id"]?.stringValue == model }
    return Self.positive(entry?["meta"]?["n_ctx_train"])
  }

  /// A GET through the provider's transport with a short timeout; nil on any failure.
  private func lookUp(_ url: URL) async -> JSONValue? {
    do {
      var request = try transport.makeRequest(method: "GET", url: url, headers: authHeaders(), body: nil)
      let limit = Self.contextWindowLookupTimeout
      request.totalTimeout = min(request.totalTimeout ?? limit, limit)
      request.idleTimeout = min(request.idleTimeout ?? limit, limit)
      let response = try await transport.fetch(request)
      return try JSONParser.parse(response.body, options: .foundationCompatible)
    } catch {
      return nil
    }
  }

  private static func positive(_ value: JSONValue?) -> Int? {
    guard let tokens = value?.intValue, tokens > 0 else { return nil }
    return tokens
  }
}
