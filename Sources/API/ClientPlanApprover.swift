import JSON
import Orchestrator
import RPC

/// Asks the client to approve a plan with a server-to-client `plan/approve` request.
struct ClientPlanApprover: PlanApprover {
  static let method = "plan/approve"
  let connection: Connection
  /// A person may be deciding; the run's own cancellation and deadline still apply meanwhile.
  let timeout: Duration

  func review(_ plan: Plan, runId: String) async throws -> PlanDecision {
    let answer = try await connection.sendRequest(
      method: Self.method, params: ["runId": .string(runId), "plan": try JSONCoding.jsonValue(plan)], timeout: timeout)
    do {
      return try JSONCoding.decode(PlanDecision.self, from: answer)
    } catch let error as DecodingError {
      throw EngineError(.invalidRequest, "the client's plan/approve answer is unusable: \(RPCError.describe(error))")
    }
  }
}
