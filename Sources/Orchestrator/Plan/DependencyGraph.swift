import Foundation
import JSON

/// The `dependsOn` relation of a plan as index lists, checked to be a DAG.
///
/// Built once per run in O(subtasks + edges); the scheduler then only decrements counters.
struct DependencyGraph: Sendable {
  /// `dependencies[i]`: indices of the subtasks `i` waits for (deduplicated).
  let dependencies: [[Int]]
  /// `dependents[i]`: indices of the subtasks waiting for `i`.
  let dependents: [[Int]]

  /// Throws `EngineError(.invalidPlan)` naming duplicate ids, unknown ids or the subtasks of a cycle.
  init(_ subtasks: [Subtask]) throws {
    guard !subtasks.isEmpty else { throw EngineError(.invalidPlan, "the plan has no subtasks") }
    var indexById: [String: Int] = [:]
    indexById.reserveCapacity(subtasks.count)
    for (index, subtask) in subtasks.enumerated() {
      guard !subtask.id.isEmpty else { throw EngineError(.invalidPlan, "subtask \(index + 1) has an empty id") }
      if indexById.updateValue(index, forKey: subtask.id) != nil {
        throw EngineError(
          .invalidPlan, "two subtasks have the id \"\(subtask.id)\"", data: ["duplicateId": .string(subtask.id)])
      }
    }

    var dependencies = [[Int]](repeating: [], count: subtasks.count)
    var dependents = [[Int]](repeating: [], count: subtasks.count)
    var unknown: [String] = []
    for (index, subtask) in subtasks.enumerated() {
      var seen = Set<Int>()
      for name in subtask.dependsOn ?? [] {
        guard let dependency = indexById[name] else {
          unknown.append("\(subtask.id) -> \(name)")
          continue
        }
        if seen.insert(dependency).inserted {
          dependencies[index].append(dependency)
          dependents[dependency].append(index)
        }
      }
    }
    if !unknown.isEmpty {
      throw EngineError(
        .invalidPlan, "dependsOn names unknown subtask ids: \(unknown.joined(separator: ", "))",
        data: ["unknownDependencies": .array(unknown.map(JSONValue.string))])
    }
    self.dependencies = dependencies
    self.dependents = dependents

    if let cycle = Self.findCycle(dependencies: dependencies, dependents: dependents) {
      let ids = cycle.map { subtasks[$0].id }
      throw EngineError(
        .invalidPlan, "dependsOn forms a cycle: \((ids + [ids[0]]).joined(separator: " -> "))",
        data: ["cycle": .array(ids.map(JSONValue.string))])
    }
  }

  var count: Int { dependencies.count }

  /// Kahn's algorithm; if some subtasks never become ready, walks their dependencies until one repeats.
  private static func findCycle(dependencies: [[Int]], dependents: [[Int]]) -> [Int]? {
    var waiting = dependencies.map(\.count)
    var ready = waiting.indices.filter { waiting[$0] == 0 }
    var done = 0
    while let next = ready.popLast() {
      done += 1
      for dependent in dependents[next] {
        waiting[dependent] -= 1
        if waiting[dependent] == 0 { ready.append(dependent) }
      }
    }
    guard done < dependencies.count, let start = waiting.indices.first(where: { waiting[$0] > 0 }) else { return nil }
    // Every unfinished subtask has an unfinished dependency, so this walk must revisit a subtask.
    var position: [Int: Int] = [:]
    var path: [Int] = []
    var current = start
    while position[current] == nil {
      position[current] = path.count
      path.append(current)
      current = dependencies[current].first { waiting[$0] > 0 }!
    }
    return Array(path[position[current]!...])
  }
}
