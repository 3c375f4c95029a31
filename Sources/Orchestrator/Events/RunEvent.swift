import Foundation
import LLM

/// One thing that happened in a run, in order: `seq` increases by one per event of the run.
///
/// Encodes flat, `{"runId", "seq", "type", ...fields}`, so the RPC layer can send it as the params of a
/// `run/event` notification unchanged. After a `retrying` event for a subtask (or the synthesis), the deltas
/// already streamed for it are void: the next attempt streams its text from the start.
public struct RunEvent: Sendable, Equatable {
  public enum Kind: String, Codable, Sendable {
    case planReady, subtaskStarted, subtaskDelta, subtaskCompleted, subtaskFailed, subtaskSkipped, retrying
    case synthesisStarted, synthesisDelta, usage, runCompleted
  }

  public enum Payload: Sendable, Equatable {
    case planReady(Plan)
    /// `model`: the model tried first.
    case subtaskStarted(subtaskId: String, name: String, model: String?)
    case subtaskDelta(subtaskId: String, text: String)
    case subtaskCompleted(SubtaskOutcome, progress: RunProgress)
    case subtaskFailed(SubtaskOutcome, progress: RunProgress)
    case subtaskSkipped(SubtaskOutcome, progress: RunProgress)
    /// `attempt` is the attempt that failed and `delaySeconds` the wait before the next one; a switch to a
    /// fallback model has `attempt` 0, no delay, and names the fallback in `model`.
    case retrying(
      subtaskId: String?, role: ModelRole, attempt: Int, reason: String, delaySeconds: Double, model: String)
    case synthesisStarted(model: String?)
    case synthesisDelta(text: String)
    /// Running totals for the run so far.
    case usage(Usage, costUSD: Double)
    case runCompleted(status: RunStatus, error: String?)
  }

  public var runId: String
  public var seq: Int
  public var payload: Payload

  public init(runId: String, seq: Int, payload: Payload) {
    self.runId = runId
    self.seq = seq
    self.payload = payload
  }

  public var type: Kind {
    switch payload {
    case .planReady: return .planReady
    case .subtaskStarted: return .subtaskStarted
    case .subtaskDelta: return .subtaskDelta
    case .subtaskCompleted: return .subtaskCompleted
    case .subtaskFailed: return .subtaskFailed
    case .subtaskSkipped: return .subtaskSkipped
    case .retrying: return .retrying
    case .synthesisStarted: return .synthesisStarted
    case .synthesisDelta: return .synthesisDelta
    case .usage: return .usage
    case .runCompleted: return .runCompleted
    }
  }
}

extension RunEvent: Codable {
  private enum Key: String, CodingKey {
    case runId, seq, type, plan, subtaskId, name, model, text, status, output, error, usage, costUSD, attempts
    case durationMs, finishReason, completed, total, role, attempt, reason, delaySeconds
  }

  public func encode(to encoder: any Encoder) throws {
    var out = encoder.container(keyedBy: Key.self)
    try out.encode(runId, forKey: .runId)
    try out.encode(seq, forKey: .seq)
    try out.encode(type, forKey: .type)
    switch payload {
    case .planReady(let plan):
      try out.encode(plan, forKey: .plan)
    case .subtaskStarted(let subtaskId, let name, let model):
      try out.encode(subtaskId, forKey: .subtaskId)
      try out.encode(name, forKey: .name)
      try out.encodeIfPresent(model, forKey: .model)
    case .subtaskDelta(let subtaskId, let text):
      try out.encode(subtaskId, forKey: .subtaskId)
      try out.encode(text, forKey: .text)
    case .subtaskCompleted(let outcome, let progress), .subtaskFailed(let outcome, let progress),
      .subtaskSkipped(let outcome, let progress):
      try out.encode(outcome.subtaskId, forKey: .subtaskId)
      try out.encode(outcome.status, forKey: .status)
      try out.encodeIfPresent(outcome.output, forKey: .output)
      try out.encodeIfPresent(outcome.error, forKey: .error)
      try out.encode(outcome.usage, forKey: .usage)
      try out.encodeIfPresent(outcome.costUSD, forKey: .costUSD)
      try out.encode(outcome.attempts, forKey: .attempts)
      try out.encode(outcome.durationMs, forKey: .durationMs)
      try out.encodeIfPresent(outcome.model, forKey: .model)
      try out.encodeIfPresent(outcome.finishReason, forKey: .finishReason)
      try out.encode(progress.completed, forKey: .completed)
      try out.encode(progress.total, forKey: .total)
    case .retrying(let subtaskId, let role, let attempt, let reason, let delaySeconds, let model):
      try out.encodeIfPresent(subtaskId, forKey: .subtaskId)
      try out.encode(role, forKey: .role)
      try out.encode(attempt, forKey: .attempt)
      try out.encode(reason, forKey: .reason)
      try out.encode(delaySeconds, forKey: .delaySeconds)
      try out.encode(model, forKey: .model)
    case .synthesisStarted(let model):
      try out.encodeIfPresent(model, forKey: .model)
    case .synthesisDelta(let text):
      try out.encode(text, forKey: .text)
    case .usage(let usage, let costUSD):
      try out.encode(usage, forKey: .usage)
      try out.encode(costUSD, forKey: .costUSD)
    case .runCompleted(let status, let error):
      try out.encode(status, forKey: .status)
      try out.encodeIfPresent(error, forKey: .error)
    }
  }

  public init(from decoder: any Decoder) throws {
    let input = try decoder.container(keyedBy: Key.self)
    runId = try input.decode(String.self, forKey: .runId)
    seq = try input.decode(Int.self, forKey: .seq)
    func outcome() throws -> (SubtaskOutcome, RunProgress) {
      let outcome = SubtaskOutcome(
        subtaskId: try input.decode(String.self, forKey: .subtaskId),
        status: try input.decode(SubtaskStatus.self, forKey: .status),
        output: try input.decodeIfPresent(String.self, forKey: .output),
        error: try input.decodeIfPresent(String.self, forKey: .error),
        usage: try input.decodeIfPresent(Usage.self, forKey: .usage) ?? Usage(),
        costUSD: try input.decodeIfPresent(Double.self, forKey: .costUSD),
        attempts: try input.decodeIfPresent(Int.self, forKey: .attempts) ?? 0,
        durationMs: try input.decodeIfPresent(Double.self, forKey: .durationMs) ?? 0,
        model: try input.decodeIfPresent(String.self, forKey: .model),
        finishReason: try input.decodeIfPresent(FinishReason.self, forKey: .finishReason))
      let progress = RunProgress(
        completed: try input.decode(Int.self, forKey: .completed), total: try input.decode(Int.self, forKey: .total))
      return (outcome, progress)
    }
    switch try input.decode(Kind.self, forKey: .type) {
    case .planReady:
      payload = .planReady(try input.decode(Plan.self, forKey: .plan))
    case .subtaskStarted:
      payload = .subtaskStarted(
        subtaskId: try input.decode(String.self, forKey: .subtaskId),
        name: try input.decode(String.self, forKey: .name),
        model: try input.decodeIfPresent(String.self, forKey: .model))
    case .subtaskDelta:
      payload = .subtaskDelta(
        subtaskId: try input.decode(String.self, forKey: .subtaskId), text: try input.decode(String.self, forKey: .text)
      )
    case .subtaskCompleted:
      let (outcome, progress) = try outcome()
      payload = .subtaskCompleted(outcome, progress: progress)
    case .subtaskFailed:
      let (outcome, progress) = try outcome()
      payload = .subtaskFailed(outcome, progress: progress)
    case .subtaskSkipped:
      let (outcome, progress) = try outcome()
      payload = .subtaskSkipped(outcome, progress: progress)
    case .retrying:
      payload = .retrying(
        subtaskId: try input.decodeIfPresent(String.self, forKey: .subtaskId),
        role: try input.decode(ModelRole.self, forKey: .role), attempt: try input.decode(Int.self, forKey: .attempt),
        reason: try input.decode(String.self, forKey: .reason),
        delaySeconds: try input.decode(Double.self, forKey: .delaySeconds),
        model: try input.decode(String.self, forKey: .model))
    case .synthesisStarted:
      payload = .synthesisStarted(model: try input.decodeIfPresent(String.self, forKey: .model))
    case .synthesisDelta:
      payload = .synthesisDelta(text: try input.decode(String.self, forKey: .text))
    case .usage:
      payload = .usage(
        try input.decode(Usage.self, forKey: .usage), costUSD: try input.decode(Double.self, forKey: .costUSD))
    case .runCompleted:
      payload = .runCompleted(
        status: try input.decode(RunStatus.self, forKey: .status),
        error: try input.decodeIfPresent(String.self, forKey: .error))
    }
  }
}
