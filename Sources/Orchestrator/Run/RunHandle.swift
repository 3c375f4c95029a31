import Foundation

/// A run that has started: its id at once, its report when it ends.
public struct RunHandle: Sendable {
  public let runId: String
  private let task: Task<RunReport, Never>
  private let record: RunState

  init(runId: String, task: Task<RunReport, Never>, record: RunState) {
    self.runId = runId
    self.task = task
    self.record = record
  }

  /// Waits for the run to end. Cancelling the waiting task stops the run (as `cancel()` does) and this returns
  /// its partial report with status `cancelled`.
  public func report() async -> RunReport {
    await withTaskCancellationHandler {
      await task.value
    } onCancel: {
      record.stop(.cancelled)
    }
  }

  /// Stops the run; `report()` then returns with status `cancelled`. False when it had already ended.
  @discardableResult
  public func cancel() -> Bool {
    record.stop(.cancelled)
  }
}
