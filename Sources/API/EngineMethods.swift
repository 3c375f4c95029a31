import Orchestrator
import RPC

/// `plan`: the planner splits a task into subtasks (schema-enforced, repaired when invalid).
public enum PlanMethod: RPCMethod {
  public static let name = "plan"
  public typealias Params = PlanRequest
  public typealias Result = Plan
}

/// `runSubtask`: one worker call, for a subtask of a stored plan or one given inline.
public enum RunSubtaskMethod: RPCMethod {
  public static let name = "runSubtask"
  public typealias Params = SubtaskRequest
  public typealias Result = SubtaskResult
}

/// `synthesize`: merges subtask results (of a stored plan, or given inline) into one answer.
public enum SynthesizeMethod: RPCMethod {
  public static let name = "synthesize"
  public typealias Params = SynthesisRequest
  public typealias Result = Synthesis
}

/// `run`: the whole flow — plan, optional approval, parallel workers, synthesis — with `run/event`s.
public enum RunMethod: RPCMethod {
  public static let name = "run"
  public typealias Params = RunRequest
  public typealias Result = RunReport
}

/// `cancel`: stops a run by `runId` or `planId`; the run answers with `status: "cancelled"`.
public enum CancelMethod: RPCMethod {
  public static let name = "cancel"

  public struct Params: Decodable, Sendable {
    public var runId: String?
    public var planId: String?
  }

  public struct Result: Codable, Sendable {
    /// False when no such run was in progress.
    public var cancelled: Bool
  }
}

/// `runs/get`: a run's report, live or finished, from memory or from its journal.
public enum RunsGetMethod: RPCMethod {
  public static let name = "runs/get"

  public struct Params: Decodable, Sendable {
    public var runId: String
  }

  public typealias Result = RunReport
}

/// `runs/list`: runs of this process and, from their journals, of earlier ones; newest first.
public enum RunsListMethod: RPCMethod {
  public static let name = "runs/list"

  public struct Result: Codable, Sendable {
    public var runs: [RunSummary]
  }
}

/// `run/event`: one step of a run, as it happens (`{requestId, runId, seq, type, ...}`). The event's own
/// fields go out with the id of the `run` request they belong to (added by `notifyAboutRequest`), so a
/// client with several runs in flight can route events before it has learnt their run ids.
public enum RunEventNotification: RPCNotification {
  public static let name = "run/event"
  public typealias Params = RunEvent
}
