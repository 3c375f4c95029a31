import Foundation
import JSON

/// Turns a planner's schema-valid JSON into a `Plan`: assigns ids where the model gave none or repeated one,
/// maps `dependsOn` names to ids, and checks the result is a DAG.
///
/// Problems come back as messages meant for the model, so a repair attempt can fix them.
enum PlanDecoder {
  static func decode(_ value: JSONValue, planId: String, task: String) -> Result<Plan, PlanProblems> {
    let items = value["subtasks"]?.arrayValue ?? []
    guard !items.isEmpty else { return .failure(PlanProblems(["the plan has no subtasks; give at least one"])) }

    var subtasks: [Subtask] = []
    var givenIds: [String?] = []
    var rawDependencies: [[String]] = []
    for item in items {
      let members = item.objectValue ?? [:]
      var extra = members["params"]?.objectValue ?? [:]
      for (key, member) in members where !PlannerSchema.coreFields.contains(key) { extra[key] = member }
      let name = (members["name"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
      subtasks.append(
        Subtask(
          id: "", name: name, description: members["description"]?.stringValue ?? "",
          type: members["type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
          params: extra.isEmpty ? nil : .object(extra),
          constraints: members["constraints"].flatMap { $0.objectValue == nil ? nil : $0 }))
      givenIds.append(members["id"]?.stringValue?.trimmingCharacters(in: .whitespaces))
      rawDependencies.append((members["dependsOn"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    // Keep the model's ids only when every subtask has a distinct, non-empty one.
    let keepIds = givenIds.allSatisfy { !($0 ?? "").isEmpty } && Set(givenIds).count == givenIds.count
    for index in subtasks.indices { subtasks[index].id = keepIds ? givenIds[index]! : "s\(index + 1)" }

    var idByReference: [String: String] = [:]
    for (index, subtask) in subtasks.enumerated() {
      idByReference[subtask.id] = subtask.id
      if let given = givenIds[index], !given.isEmpty, idByReference[given] == nil { idByReference[given] = subtask.id }
    }
    var idsByName: [String: [String]] = [:]
    for subtask in subtasks { idsByName[subtask.name.lowercased(), default: []].append(subtask.id) }

    var problems: [String] = []
    for index in subtasks.indices {
      var resolved: [String] = []
      for reference in rawDependencies[index] {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        let id: String? =
          idByReference[trimmed] ?? idsByName[trimmed.lowercased()].flatMap { $0.count == 1 ? $0[0] : nil }
        guard let id else {
          problems.append(
            "subtask \"\(subtasks[index].name)\" depends on \"\(trimmed)\", "
              + "which is not the id or unique name of a subtask")
          continue
        }
        if id == subtasks[index].id {
          problems.append("subtask \"\(subtasks[index].name)\" depends on itself")
        } else if !resolved.contains(id) {
          resolved.append(id)
        }
      }
      subtasks[index].dependsOn = resolved.isEmpty ? nil : resolved
    }
    guard problems.isEmpty else { return .failure(PlanProblems(problems)) }

    do {
      _ = try DependencyGraph(subtasks)
    } catch let error as EngineError {
      return .failure(PlanProblems([error.message]))
    } catch {
      return .failure(PlanProblems(["\(error)"]))
    }
    let objective = value["objective"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
    return .success(
      Plan(planId: planId, objective: objective.flatMap { $0.isEmpty ? nil : $0 } ?? task, subtasks: subtasks))
  }
}

/// Why a planner answer was unusable, phrased for the model.
struct PlanProblems: Error, Sendable {
  var messages: [String]
  init(_ messages: [String]) { self.messages = messages }
}
