import Foundation
import JSON
import LLM

/// One line of a run journal.
///
/// A journal reads top to bottom as the run happened: `run` (the request), `plan`, `approval`, one `step` per
/// model call (its whole prompt, output, model, usage, timing, attempts and error), `event`s worth keeping
/// (retries, skips), then `report` and a short `end` line that `runs/list` reads without parsing the rest.
/// Deltas are not journaled: the step's output has the whole text. No request headers ever reach the engine.
package struct JournalRecord: Codable, Sendable {
  package enum Kind: String, Codable, Sendable {
    case run, plan, approval, step, event, report, end
  }

  package var kind: Kind
  /// Wall-clock time, seconds since 1970.
  package var at: Double
  package var runId: String?
  package var request: RunRequest?
  package var plan: Plan?
  package var decision: PlanDecision?
  package var step: JournalStep?
  package var event: RunEvent?
  package var report: RunReport?
  package var status: RunStatus?
  var costUSD: Double?
  var subtasks: Int?

  init(_ kind: Kind) {
    self.kind = kind
    at = Date().timeIntervalSince1970
  }
}

/// One model call as the journal keeps it: the step's whole prompt, what it produced, and its statistics.
package struct JournalStep: Codable, Sendable, CarriesCallStatistics {
  package var role: ModelRole
  package var subtaskId: String?
  package var status: SubtaskStatus
  package var system: String?
  package var messages: [ChatMessage]
  package var output: String?
  package var json: JSONValue?
  package var statistics: CallStatistics
  package var error: String?

  package init(
    role: ModelRole, subtaskId: String?, status: SubtaskStatus, system: String?, messages: [ChatMessage],
    output: String? = nil, json: JSONValue? = nil, statistics: CallStatistics, error: String? = nil
  ) {
    self.role = role
    self.subtaskId = subtaskId
    self.status = status
    self.system = system
    self.messages = messages
    self.output = output
    self.json = json
    self.statistics = statistics
    self.error = error
  }

  private enum CodingKeys: String, CodingKey { case role, subtaskId, status, system, messages, output, json, error }

  package init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    role = try container.decode(ModelRole.self, forKey: .role)
    subtaskId = try container.decodeIfPresent(String.self, forKey: .subtaskId)
    status = try container.decode(SubtaskStatus.self, forKey: .status)
    system = try container.decodeIfPresent(String.self, forKey: .system)
    messages = try container.decodeIfPresent([ChatMessage].self, forKey: .messages) ?? []
    output = try container.decodeIfPresent(String.self, forKey: .output)
    json = try container.decodeIfPresent(JSONValue.self, forKey: .json)
    error = try container.decodeIfPresent(String.self, forKey: .error)
    statistics = try CallStatistics(from: decoder)
  }

  package func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(role, forKey: .role)
    try container.encodeIfPresent(subtaskId, forKey: .subtaskId)
    try container.encode(status, forKey: .status)
    try container.encodeIfPresent(system, forKey: .system)
    try container.encode(messages, forKey: .messages)
    try container.encodeIfPresent(output, forKey: .output)
    try container.encodeIfPresent(json, forKey: .json)
    try container.encodeIfPresent(error, forKey: .error)
    try statistics.encode(to: encoder)
  }
}

extension JournalRecord {
  /// The record as a JSON line without `JSONEncoder`, for steps (one per model call); nil for the rest, and for
  /// steps with tool calls, which take the general path.
  func fastLine() -> [UInt8]? {
    guard kind == .step, let step, runId == nil, request == nil, plan == nil, decision == nil, event == nil,
      report == nil, status == nil, costUSD == nil, subtasks == nil,
      step.messages.allSatisfy({ $0.toolCalls == nil && $0.toolCallId == nil })
    else { return nil }
    var writer = JSONLineWriter(capacity: 512 + step.messages.reduce(0) { $0 + $1.content.utf8.count })
    writer.beginObject()
    writer.field("kind", kind.rawValue)
    writer.field("at", at)
    writer.beginObject("step")
    writer.field("role", step.role.rawValue)
    writer.field("subtaskId", step.subtaskId)
    writer.field("status", step.status.rawValue)
    writer.field("model", step.model)
    writer.field("system", step.system)
    writer.beginArray("messages")
    for message in step.messages {
      writer.beginElement()
      writer.field("role", message.role.rawValue)
      writer.field("content", message.content)
      writer.endObject()
    }
    writer.endArray()
    writer.field("output", step.output)
    writer.field("json", step.json)
    writer.beginObject("usage")
    writer.field("inputTokens", step.usage.inputTokens)
    writer.field("outputTokens", step.usage.outputTokens)
    writer.endObject()
    writer.field("costUSD", step.costUSD)
    writer.field("attempts", step.attempts)
    writer.field("durationMs", step.durationMs)
    writer.field("finishReason", step.finishReason?.rawValue)
    writer.field("error", step.error)
    writer.endObject()
    writer.endObject()
    return writer.bytes
  }
}
