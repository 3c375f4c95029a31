import Foundation

/// The answer to "may this plan run?".
public enum PlanDecision: Sendable, Equatable {
  case approve
  /// Run this plan instead (it is checked like any caller-given plan; its `planId` is kept from the original).
  case edit(Plan)
  case reject(reason: String)
}

extension PlanDecision: Codable {
  private enum CodingKeys: String, CodingKey { case decision, plan, reason }

  /// Wire shape: `{"decision": "approve"}`, `{"decision": "edit", "plan": {...}}`,
  /// `{"decision": "reject", "reason": "..."}`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    switch try container.decode(String.self, forKey: .decision) {
    case "approve": self = .approve
    case "edit": self = .edit(try container.decode(Plan.self, forKey: .plan))
    case "reject": self = .reject(reason: try container.decodeIfPresent(String.self, forKey: .reason) ?? "rejected")
    case let other:
      throw DecodingError.dataCorruptedError(
        forKey: .decision, in: container, debugDescription: "decision must be approve, edit or reject, not \(other)")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .approve:
      try container.encode("approve", forKey: .decision)
    case .edit(let plan):
      try container.encode("edit", forKey: .decision)
      try container.encode(plan, forKey: .plan)
    case .reject(let reason):
      try container.encode("reject", forKey: .decision)
      try container.encode(reason, forKey: .reason)
    }
  }
}

/// Asked before a run spends anything on workers when `RunRequest.approvePlan` is set.
/// The RPC layer implements it as a server-to-client `plan/approve` request; cancelling the run cancels the wait.
public protocol PlanApprover: Sendable {
  func review(_ plan: Plan, runId: String) async throws -> PlanDecision
}

/// A `PlanApprover` made from a closure.
public struct PlanApproval: PlanApprover {
  private let decide: @Sendable (Plan, String) async throws -> PlanDecision

  public init(_ decide: @escaping @Sendable (Plan, String) async throws -> PlanDecision) {
    self.decide = decide
  }

  public func review(_ plan: Plan, runId: String) async throws -> PlanDecision {
    try await decide(plan, runId)
  }
}
