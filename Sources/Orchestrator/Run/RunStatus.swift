import Foundation

/// Where a run stands. `running` only appears while it is in progress; `interrupted` only for a journal whose
/// process ended before the run did.
public enum RunStatus: String, Codable, Sendable {
  case running, completed, failed, cancelled, budgetExceeded, rejected, interrupted

  public var isFinished: Bool { self != .running }
}

/// Where one subtask of a run stands.
public enum SubtaskStatus: String, Codable, Sendable {
  case pending, running, completed, failed, skipped, cancelled
}
