import Foundation

/// Runs a plan's subtasks in dependency order with at most `concurrency` in flight.
///
/// One task group holds every running subtask, so cancelling the run reaches each of them. A subtask starts
/// once all it depends on have completed; when one fails (or is skipped or cancelled), everything depending on
/// it, directly or not, is skipped with the reason, while unrelated subtasks carry on. The bookkeeping is
/// counters and index lists: O(subtasks + edges) for the whole run.
struct SubtaskScheduler: Sendable {
  let subtasks: [Subtask]
  let graph: DependencyGraph
  let concurrency: Int

  /// - Parameters:
  ///   - execute: runs subtask `index` given its dependencies and their outputs; returns `completed`, `failed`,
  ///     `skipped` (refused before it ran, e.g. by the budget) or `cancelled`.
  ///   - stopReason: asked before each start; a reason stops further starts and skips what has not started.
  ///   - onSettled: told about each subtask the scheduler settles itself (skipped or never started).
  /// - Returns: one outcome per subtask, in plan order.
  func run(
    execute: @escaping @Sendable (Int, [(Subtask, String)]) async -> SubtaskOutcome,
    stopReason: @escaping @Sendable () -> String?,
    onSettled: (Int, SubtaskOutcome) -> Void
  ) async -> [SubtaskOutcome] {
    var outcomes = [SubtaskOutcome?](repeating: nil, count: subtasks.count)
    var waiting = graph.dependencies.map(\.count)
    var ready = waiting.indices.filter { waiting[$0] == 0 }
    var nextReady = 0
    var running = 0
    var stop: (reason: String, status: SubtaskStatus)?
    let limit = max(1, concurrency)

    func settle(_ index: Int, _ status: SubtaskStatus, _ reason: String) {
      let outcome = SubtaskOutcome(subtaskId: subtasks[index].id, status: status, error: reason)
      outcomes[index] = outcome
      onSettled(index, outcome)
    }

    /// Skips everything downstream of `index`, breadth first, naming the subtask each one waited for.
    func skipDependents(of index: Int) {
      var queue = [index]
      var head = 0
      while head < queue.count {
        let upstream = queue[head]
        head += 1
        let upstreamStatus = outcomes[upstream]?.status ?? .skipped
        for dependent in graph.dependents[upstream] where outcomes[dependent] == nil {
          settle(dependent, .skipped, "depends on \(subtasks[upstream].id), which \(Self.describe(upstreamStatus))")
          queue.append(dependent)
        }
      }
    }

    await withTaskGroup(of: (Int, SubtaskOutcome).self) { group in
      func startReady() {
        while running < limit, nextReady < ready.count {
          if stop == nil {
            if Task.isCancelled {
              stop = ("not started: the run was cancelled", .cancelled)
            } else if let reason = stopReason() {
              stop = ("not started: \(reason)", .skipped)
            }
          }
          guard stop == nil else { return }
          let index = ready[nextReady]
          nextReady += 1
          let inputs = graph.dependencies[index].map { (subtasks[$0], outcomes[$0]?.output ?? "") }
          group.addTask { (index, await execute(index, inputs)) }
          running += 1
        }
      }

      startReady()
      while let (index, outcome) = await group.next() {
        running -= 1
        outcomes[index] = outcome
        if outcome.status == .completed {
          for dependent in graph.dependents[index] {
            waiting[dependent] -= 1
            if waiting[dependent] == 0, outcomes[dependent] == nil { ready.append(dependent) }
          }
        } else {
          skipDependents(of: index)
        }
        startReady()
      }
    }

    if stop == nil, Task.isCancelled { stop = ("not started: the run was cancelled", .cancelled) }
    for index in outcomes.indices where outcomes[index] == nil {
      settle(index, stop?.status ?? .skipped, stop?.reason ?? "not started")
    }
    return outcomes.map { $0! }
  }

  private static func describe(_ status: SubtaskStatus) -> String {
    switch status {
    case .failed: return "failed"
    case .cancelled: return "was cancelled"
    case .skipped: return "was skipped"
    case .pending, .running, .completed: return "did not complete"
    }
  }
}
