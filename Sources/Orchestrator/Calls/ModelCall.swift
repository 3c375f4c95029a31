import Foundation
import LLM

/// One logical call to a role's model: tried on each candidate model in turn, each up to the retry policy's
/// attempts, paced by the rate limiter, checked against the budget and bounded by the attempt timeout.
struct ModelCall: Sendable {
  var role: ModelRole
  /// The subtask this call works for (retry and delta events carry it).
  var subtaskId: String?
  /// Model names, primary first, then fallbacks; nil means the resolver's default model.
  var candidates: [String?]
  /// The request; its `model` is replaced by each candidate's provider-side model id.
  var request: ChatRequest
  var stream: Bool
  var attemptTimeout: Double?

  struct Success: Sendable {
    var result: ChatResult
    /// `provider:model` of the model that answered.
    var model: String
    var attempts: Int
    var durationMs: Double
    var costUSD: Double?

    var statistics: CallStatistics {
      CallStatistics(
        model: model, usage: result.usage, costUSD: costUSD, attempts: attempts, durationMs: durationMs,
        finishReason: result.finishReason)
    }
  }

  /// Why the call gave up, with what it had spent trying.
  struct Failure: Error, Sendable, CustomStringConvertible {
    var error: any Error
    var attempts: Int
    var model: String?
    var durationMs: Double

    /// What was spent trying: attempts and time (a failed call reports no usage).
    var statistics: CallStatistics { CallStatistics(model: model, attempts: attempts, durationMs: durationMs) }

    var isCancellation: Bool { error is CancellationError }

    /// A subtask that ended this way: cancelled, skipped for the budget, or failed.
    var subtaskStatus: SubtaskStatus {
      if isCancellation { return .cancelled }
      return (error as? EngineError)?.kind == .budgetExceeded ? .skipped : .failed
    }

    /// `error` as a failure, or the failure itself when it is one (nothing spent yet).
    static func wrapping(_ error: any Error) -> Failure {
      error as? Failure ?? Failure(error: error, attempts: 0, model: nil, durationMs: 0)
    }
    var description: String { Self.describe(error) }

    static func describe(_ error: any Error) -> String {
      switch error {
      case let error as ProviderError: return error.description
      case let error as EngineError: return error.message
      case is CancellationError: return "cancelled"
      default: return "\(error)"
      }
    }
  }

  /// Runs the call. Throws only `Failure`.
  func perform(in context: CallContext) async throws -> Success {
    let started = context.clock.now
    var attempts = 0
    var lastError: any Error = ProviderError(.notConfigured, "no model to call for the \(role.rawValue)")
    var lastModel: String?
    func failure(_ error: any Error) -> Failure {
      Failure(error: error, attempts: attempts, model: lastModel, durationMs: (context.clock.now - started) * 1000)
    }

    for (index, candidate) in candidates.enumerated() {
      let resolved: ResolvedModel
      do {
        resolved = try context.models.resolve(candidate)
      } catch {
        lastError = error
        announceFallback(after: error, from: candidate ?? "default model", next: index + 1, context: context)
        continue
      }
      let model = resolved.reference.description
      lastModel = model
      var request = self.request
      request.model = resolved.reference.model
      let price = context.prices.price(for: resolved.reference)
      let estimate = Self.estimateTokens(request)
      let estimatedTokens = estimate.input + estimate.output
      let estimatedCost = price?.cost(inputTokens: estimate.input, outputTokens: estimate.output)

      for attempt in 1...max(1, context.retry.maxAttempts) {
        if Task.isCancelled { throw failure(CancellationError()) }
        if let deadline = context.deadline, context.clock.now >= deadline {
          throw failure(EngineError(.deadlineExceeded, "the run's deadline passed before the \(role.rawValue) call"))
        }
        let reservation: RunLedger.Reservation
        do {
          reservation = try context.ledger.reserve(tokens: estimatedTokens, cost: estimatedCost, model: model)
        } catch {
          throw failure(error)
        }
        attempts += 1
        let ticket: RateLimiter.Ticket
        do {
          ticket = try await context.limiter.acquire(
            provider: resolved.reference.provider, tokenCost: Double(estimatedTokens))
        } catch {
          context.ledger.settle(reservation, usage: Usage(), cost: nil)
          throw failure(CancellationError())
        }

        do {
          let result = try await invoke(resolved.provider, request, context: context)
          context.limiter.succeeded(ticket, usage: result.usage, snapshot: result.rateLimit)
          let cost = price?.cost(inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens)
          context.ledger.settle(reservation, usage: result.usage, cost: cost)
          return Success(
            result: result, model: model, attempts: attempts, durationMs: (context.clock.now - started) * 1000,
            costUSD: cost)
        } catch {
          context.ledger.settle(reservation, usage: Usage(), cost: nil)
          let providerError = error as? ProviderError
          if Task.isCancelled || error is CancellationError {
            context.limiter.failed(ticket, snapshot: nil)
            throw failure(CancellationError())
          }
          if let providerError, providerError.kind == .rateLimited {
            context.limiter.rateLimited(
              ticket, retryAfter: providerError.retryAfter?.seconds, snapshot: providerError.rateLimit)
          } else {
            context.limiter.failed(ticket, snapshot: providerError?.rateLimit)
          }
          lastError = error
          guard let providerError, providerError.isRetryable, attempt < context.retry.maxAttempts else { break }

          let delay = context.retry.delay(
            afterAttempt: attempt, retryAfter: providerError.retryAfter?.seconds,
            rateLimited: providerError.kind == .rateLimited, unit: context.random.nextUnit())
          if let deadline = context.deadline, context.clock.now + delay >= deadline {
            throw failure(
              EngineError(
                .deadlineExceeded,
                "the run's deadline leaves no time to retry the \(role.rawValue) call after: \(providerError)"))
          }
          context.events?.emit(
            .retrying(
              subtaskId: subtaskId, role: role, attempt: attempt, reason: providerError.description,
              delaySeconds: delay, model: model))
          do {
            try await context.clock.sleep(for: delay)
          } catch {
            throw failure(CancellationError())
          }
        }
      }
      announceFallback(after: lastError, from: model, next: index + 1, context: context)
    }
    throw failure(lastError)
  }

  /// Tells the event stream the call moves on to the next candidate, if there is one.
  private func announceFallback(after error: any Error, from model: String, next: Int, context: CallContext) {
    guard next < candidates.count else { return }
    let target = candidates[next] ?? "the default model"
    context.events?.emit(
      .retrying(
        subtaskId: subtaskId, role: role, attempt: 0,
        reason: "\(model) failed (\(Failure.describe(error))); falling back to \(target)", delaySeconds: 0,
        model: target))
  }

  /// One attempt: plain or streamed, cancelled by the attempt timeout when there is one.
  private func invoke(_ provider: any LLMProvider, _ request: ChatRequest, context: CallContext) async throws
    -> ChatResult
  {
    guard let timeout = attemptTimeout else { return try await send(provider, request, context: context) }
    return try await context.timeouts.run(
      seconds: timeout,
      onTimeout: { ProviderError(.timeout, "no answer within \(timeout) seconds", provider: provider.name) },
      operation: { try await send(provider, request, context: context) })
  }

  private func send(_ provider: any LLMProvider, _ request: ChatRequest, context: CallContext) async throws
    -> ChatResult
  {
    guard stream else { return try await provider.complete(request) }
    var final: ChatResult?
    for try await event in provider.stream(request) {
      switch event {
      case .delta(let text):
        guard !text.isEmpty, let events = context.events else { continue }
        if role == .synthesizer {
          events.emit(.synthesisDelta(text: text))
        } else if let subtaskId {
          events.emit(.subtaskDelta(subtaskId: subtaskId, text: text))
        }
      case .done(let result):
        final = result
      }
    }
    // A cancelled consumer leaves the loop without an error.
    try Task.checkCancellation()
    guard let final else {
      throw ProviderError(.malformedResponse, "the stream ended without a final result", provider: provider.name)
    }
    return final
  }

  /// Output tokens assumed for budgeting and pacing when a request sets no cap.
  static let defaultOutputTokens = 1024

  /// Prompt bytes / 4 and the output cap: cheap, and on the high side for English.
  static func estimateTokens(_ request: ChatRequest) -> (input: Int, output: Int) {
    var bytes = request.system?.utf8.count ?? 0
    for message in request.messages { bytes += message.content.utf8.count }
    return (bytes / 4, request.maxTokens ?? defaultOutputTokens)
  }
}
