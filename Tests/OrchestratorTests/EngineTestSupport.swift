import Foundation
import RPC
import Synchronization
import Testing

@testable import Orchestrator

/// Holds tasks until opened. Waiting honours cancellation (the waiter gets `CancellationError`).
final class Gate: Sendable {
  private struct State {
    var open = false
    var nextId = 0
    var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    var cancelledEarly: Set<Int> = []
  }

  private let state = Mutex(State())
  private let arrivals = Mutex<(count: Int, watchers: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

  /// Returns once `count` tasks have arrived at the gate in all (waiting, or passed since it opened).
  func waitForArrivals(_ count: Int) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = arrivals.withLock { arrivals -> Bool in
        if arrivals.count >= count { return true }
        arrivals.watchers.append((count, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  private func arrive() {
    let ready = arrivals.withLock { arrivals -> [CheckedContinuation<Void, Never>] in
      arrivals.count += 1
      let count = arrivals.count
      let ready = arrivals.watchers.filter { $0.0 <= count }.map(\.1)
      arrivals.watchers.removeAll { $0.0 <= count }
      return ready
    }
    for continuation in ready { continuation.resume() }
  }

  func open() {
    let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
      state.open = true
      defer { state.waiters = [:] }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  func wait() async throws {
    try Task.checkCancellation()
    let id = state.withLock { state -> Int in
      state.nextId += 1
      return state.nextId
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let outcome = state.withLock { state -> Bool? in
          if state.cancelledEarly.remove(id) != nil { return false }
          if state.open { return true }
          state.waiters[id] = continuation
          return nil
        }
        switch outcome {
        case true?: continuation.resume()
        case false?: continuation.resume(throwing: CancellationError())
        case nil: break
        }
        arrive()
      }
    } onCancel: {
      let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
        guard let waiter = state.waiters.removeValue(forKey: id) else {
          state.cancelledEarly.insert(id)
          return nil
        }
        return waiter
      }
      waiter?.resume(throwing: CancellationError())
    }
  }
}

/// An `LLMProvider` that answers from a script, records every call, and measures concurrency.
final class FakeProvider: LLMProvider, Sendable {
  enum Reply: Sendable {
    case text(
      String, usage: Usage = Usage(inputTokens: 10, outputTokens: 5), finish: FinishReason = .stop,
      rateLimit: RateLimitSnapshot? = nil)
    case failure(ProviderError)
    /// Waits at the gate (cancellably), then gives the reply.
    indirect case gated(Gate, then: Reply)
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

/// Collects a run's events; tests can wait for a condition on them without sleeping.
final class EventRecorder: Sendable {
  private struct State {
    var events: [RunEvent] = []
    var watchers: [(condition: @Sendable ([RunEvent]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
  }

  private let state = Mutex(State())

  var sink: @Sendable (RunEvent) -> Void {
    { event in
      let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
        state.events.append(event)
        let events = state.events
        let ready = state.watchers.filter { $0.condition(events) }
        state.watchers.removeAll { $0.condition(events) }
        return ready.map(\.continuation)
      }
      for continuation in ready { continuation.resume() }
    }
  }

  var events: [RunEvent] { state.withLock { $0.events } }
  var types: [RunEvent.Kind] { events.map(\.type) }

  /// Returns once the events recorded so far satisfy `condition`.
  func waitFor(_ condition: @escaping @Sendable ([RunEvent]) -> Bool) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ready = state.withLock { state -> Bool in
        if condition(state.events) { return true }
        state.watchers.append((condition, continuation))
        return false
      }
      if ready { continuation.resume() }
    }
  }

  /// Returns once `count` events of `kind` have been recorded.
  func waitFor(_ count: Int, _ kind: RunEvent.Kind) async {
    await waitFor { events in events.filter { $0.type == kind }.count >= count }
  }
}

/// Jitter that always draws the same number, so backoff delays are exact.
struct FixedRandom: RandomSource {
  var value: Double
  func nextUnit() -> Double { value }
}

/// What the fake answers to each role, recognised by the system prompt the engine sends.
enum Role {
  static func of(_ request: ChatRequest) -> ModelRole {
    switch request.system {
    case BuiltInPrompts.plannerSystem?: return .planner
    case BuiltInPrompts.synthesizerSystem?: return .synthesizer
    default: return .worker
    }
  }
}

/// A planner answer with the given subtasks: (id, name, dependsOn).
func planJSON(_ subtasks: [(String, String, [String])]) -> String {
  let items = subtasks.map { id, name, dependsOn -> JSONValue in
    var item: [String: JSONValue] = ["id": .string(id), "name": .string(name), "description": .string("Do \(name).")]
    if !dependsOn.isEmpty { item["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
    return .object(item)
  }
  return JSONText.encode(["objective": "test objective", "subtasks": .array(items)])
}

/// The id of the subtask a worker request is for (from the `{subtaskId}` in the built-in worker prompt).
func subtaskId(of request: ChatRequest) -> String? {
  guard let text = request.messages.first?.content, let range = text.range(of: "Your part (") else { return nil }
  return String(text[range.upperBound...].prefix { $0 != ")" })
}

/// An engine over fake providers with a manual clock and no attempt timeouts (which would add sleepers).
func makeEngine(
  _ providers: [FakeProvider], clock: TestClock = TestClock(),
  configure: (inout EngineConfiguration) -> Void = { _ in },
  random: any RandomSource = FixedRandom(value: 0.5), approver: (any PlanApprover)? = nil
) -> Engine {
  var configuration = EngineConfiguration()
  configuration.retry.attemptTimeoutSeconds = nil
  configure(&configuration)
  return Engine(
    configuration: configuration, models: FakeModels(providers), clock: clock, random: random, approver: approver)
}
