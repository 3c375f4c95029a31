import Foundation

/// How far a run's subtasks have got: finished (completed, failed or skipped) out of all.
public struct RunProgress: Codable, Sendable, Equatable {
  public var completed: Int
  public var total: Int

  public init(completed: Int, total: Int) {
    self.completed = completed
    self.total = total
  }

  /// `completed / total`, 0 before a plan exists.
  public var fraction: Double { total == 0 ? 0 : Double(completed) / Double(total) }
}
