import Foundation
import Synchronization
import Testing
@testable import LLM

/// An `LLMProvider` that answers from a script, records every call, and measures concurrency.
final class FakeProvider: LLMProvider, Sendable {
  enum Reply: Sendable {
    case text(
      String, usage: Usage = Usage(inputTokens: 10, outputTokens: 5), finish: FinishReason = .stop,
      rateLimit: RateLimitSnapshot? = nil)
    case failure(ProviderError)
    /// Waits at the gate (cancellably), then gives the reply.
    indirect case gated(TaskGate, then: Reply)
  }

  struct Call: Sendable {
    var request: ChatRequest
    var streamed: Bool
    /// The prompt as one string: system, then each message.
    var prompt: String {
      ([request.system ?? ""] + request.messages.map(\.content)).joined(separator: "\n")
    }
  }

  let name: String
  private let responder: @Sendable (ChatRequest, Int) -> Reply
  private let state = Mutex(State())

  private struct State {
    var script: [Reply] = []
    var calls: [Call] = []
    var inFlight = 0
    var peakInFlight = 0
    var cancelled = 0
    var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    var callWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
  }

  /// `script` replies are used first, in call order; then `responder(request, callIndex)`.
  init(
    name: String = "fake", script: [Reply] = [],
    responder: @escaping @Sendable (ChatRequest, Int) -> Reply = { request, _ in .text("answer for \(request.model)") }
  ) {
    self.name = name
    self.responder = responder
    state.withLock { $0.script = script }
  }

  var calls: [Call] { state.withLock { $0.calls } }
  var peakInFlight: Int { state.withLock { $0.peakInFlight } }
  var inFlight: Int { state.withLock { $0.inFlight } }
  /// Calls that ended because their task was cancelled.
  var cancelledCalls: Int { state.withLock { $0.cancelled } }

  /// Returns once at least `count` calls are in flight at the same time.
  func waitForInFlight(_ count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if state.inFlight >= count { return true }
        state.watchers.append((count, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Returns once at least `count` calls have been made in all.
  func waitForCalls(_ count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if state.calls.count >= count { return true }
        state.callWatchers.append((count, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  func complete(_ request: ChatRequest) async throws -> ChatResult {
    let (reply, index) = begin(request, streamed: false)
    defer { end() }
    return try await resolve(reply, request: request, index: index)
  }

  func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    let (reply, index) = begin(request, streamed: true)
    return AsyncThrowingStream { continuation in
      let task = Task {
        defer { end() }
        do {
          let result = try await resolve(reply, request: request, index: index)
          for word in result.text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            continuation.yield(.delta(word.offset == 0 ? String(word.element) : " " + word.element))
          }
          continuation.yield(.done(result))
          continuation.finish()
        } catch {
          continuation.finish(throwing: error)
        }
      }
      continuation.onTermination = { _ in task.cancel() }
    }
  }

  func listModels() async throws -> [String] { [] }

  private func begin(_ request: ChatRequest, streamed: Bool) -> (Reply, Int) {
    let (reply, index, ready) = state.withLock { state -> (Reply?, Int, [CheckedContinuation<Void, Never>]) in
      let index = state.calls.count
      state.calls.append(Call(request: request, streamed: streamed))
      state.inFlight += 1
      state.peakInFlight = max(state.peakInFlight, state.inFlight)
      let reply = state.script.isEmpty ? nil : state.script.removeFirst()
      var ready = state.watchers.filter { $0.count <= state.inFlight }.map(\.continuation)
      state.watchers.removeAll { $0.count <= state.inFlight }
      ready += state.callWatchers.filter { $0.count <= state.calls.count }.map(\.continuation)
      state.callWatchers.removeAll { $0.count <= state.calls.count }
      return (reply, index, ready)
    }
    for watcher in ready { watcher.resume() }
    return (reply ?? responder(request, index), index)
  }

  private func end() {
    state.withLock { $0.inFlight -= 1 }
  }

  private func resolve(_ reply: Reply, request: ChatRequest, index: Int) async throws -> ChatResult {
    switch reply {
    case .text(let text, let usage, let finish, let rateLimit):
      try Task.checkCancellation()
      return ChatResult(text: text, finishReason: finish, usage: usage, model: request.model, rateLimit: rateLimit)
    case .failure(let error):
      throw error
    case .gated(let gate, let then):
      do {
        try await gate.wait()
      } catch {
        state.withLock { $0.cancelled += 1 }
        throw error
      }
      return try await resolve(then, request: request, index: index)
    }
  }
}

/// Resolves `provider:model` names to fake providers.
struct FakeModels: ModelResolving {
  let providers: [String: FakeProvider]
  let defaultModel: ModelReference

  init(_ providers: [FakeProvider], defaultModel: String = "fake:default") {
    self.providers = Dictionary(uniqueKeysWithValues: providers.map { ($0.name, $0) })
    self.defaultModel = ModelReference(parsing: defaultModel)!
  }

  func resolve(_ name: String?) throws -> ResolvedModel {
    guard let name else { return ResolvedModel(reference: defaultModel, provider: providers[defaultModel.provider]!) }
    guard let reference = ModelReference(parsing: name) else {
      throw ProviderError(.notConfigured, "\"\(name)\" is not of the form provider:model")
    }
    guard let provider = providers[reference.provider] else {
      throw ProviderError(.notConfigured, "no provider named \(reference.provider)")
    }
    return ResolvedModel(reference: reference, provider: provider)
  }
}
