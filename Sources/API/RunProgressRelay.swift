import Orchestrator
import RPC

/// Turns a run's events into `$/progress` / `notifications/progress` percentages:
/// planning is the first 10%, workers share 10-90% by subtasks finished, synthesis the rest.
final class RunProgressRelay: Sendable {
  private let progress: ProgressReporter

  init(_ progress: ProgressReporter) {
    self.progress = progress
  }

  func observe(_ event: RunEvent) {
    guard progress.isActive else { return }
    let update: (String, Double)?
    switch event.payload {
    case .planReady(let plan):
      update = ("plan ready: \(plan.subtasks.count) subtasks", 10)
    case .subtaskCompleted(_, let done), .subtaskFailed(_, let done), .subtaskSkipped(_, let done):
      update = ("\(done.completed) of \(done.total) subtasks done", 10 + 80 * done.fraction)
    case .synthesisStarted:
      update = ("synthesizing", 90)
    default:
      update = nil
    }
    if let (message, percentage) = update { progress.report(message: message, percentage: percentage) }
  }
}
