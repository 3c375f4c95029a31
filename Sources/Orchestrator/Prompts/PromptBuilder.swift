import Foundation
import JSON

/// Fills the three role templates for one task and context.
///
/// All templates are parsed and their variables checked when the builder is made, so a run with a bad template
/// fails before it spends anything rather than after the planner has been paid for.
struct PromptBuilder: Sendable {
  static let plannerVariables: Set<String> = [
    "task", "context", "instructions", "minSubtasks", "maxSubtasks", "example",
  ]
  static let workerVariables: Set<String> = [
    "task", "context", "instructions", "subtask", "subtaskId", "subtaskName", "subtaskDescription", "params",
    "dependencies",
  ]
  static let synthesizerVariables: Set<String> = [
    "task", "context", "instructions", "results", "missing", "format", "style",
  ]

  let planner: PromptTemplate
  let worker: PromptTemplate
  let synthesizer: PromptTemplate
  let task: String
  let context: [String: JSONValue]
  let instructions: String?
  private let taskBlock: String
  private let contextBlock: String

  /// Throws `.templateSyntax` or `.templateVariableMissing` for the first problem found in the templates of the
  /// `roles` about to be used (a `plan` call need not satisfy the worker template's variables).
  init(
    templates: PerRole<String>, task: String, context: [String: JSONValue]?, instructions: String?,
    roles: Set<ModelRole> = [.planner, .worker, .synthesizer]
  ) throws {
    let resolved = templates.overriding(BuiltInPrompts.all)
    planner = try PromptTemplate(resolved.planner!, role: "planner")
    worker = try PromptTemplate(resolved.worker!, role: "worker")
    synthesizer = try PromptTemplate(resolved.synthesizer!, role: "synthesizer")
    let values = context ?? [:]
    self.task = task
    self.context = values
    self.instructions = instructions.flatMap { $0.isEmpty ? nil : $0 }
    taskBlock = PromptInput.delimit("task", task)
    contextBlock =
      values.isEmpty
      ? ""
      : "Context:\n"
        + values.keys.sorted().map { PromptInput.delimit($0, PromptInput.text(of: values[$0]!)) }
        .joined(separator: "\n") + "\n"
    for (role, template, builtIns) in [
      (ModelRole.planner, planner, Self.plannerVariables), (.worker, worker, Self.workerVariables),
      (.synthesizer, synthesizer, Self.synthesizerVariables),
    ] where roles.contains(role) {
      for name in template.variables where !builtIns.contains(name) && contextValue(name) == nil {
        throw template.missing(name)
      }
    }
  }

  func plannerPrompt(minSubtasks: Int, maxSubtasks: Int) throws -> String {
    try planner.render { name in
      switch name {
      case "task": taskBlock
      case "context": contextBlock
      case "instructions": instructionsBlock
      case "minSubtasks": String(minSubtasks)
      case "maxSubtasks": String(maxSubtasks)
      case "example": BuiltInPrompts.plannerExample
      default: contextValue(name)
      }
    }
  }

  /// `dependencies`: the subtasks this one depends on, with their outputs, in `dependsOn` order.
  func workerPrompt(_ subtask: Subtask, dependencies: [(Subtask, String)]) throws -> String {
    try worker.render { name in
      switch name {
      case "task": taskBlock
      case "context": contextBlock
      case "instructions": instructionsBlock
      case "subtask": Self.describe(subtask)
      case "subtaskId": subtask.id
      case "subtaskName": PromptInput.delimit("name", subtask.name)
      case "subtaskDescription": PromptInput.delimit("description", subtask.description)
      case "params": subtask.params.map { PromptInput.delimit("params", JSONText.encode($0)) } ?? ""
      case "dependencies": Self.dependencyBlock(dependencies)
      default: contextValue(name)
      }
    }
  }

  /// Returns the prompt and the ids of the subtasks named as missing.
  func synthesizerPrompt(_ inputs: [SynthesisInput], format: String?, style: String?) throws -> (
    prompt: String, missing: [String]
  ) {
    let delivered = inputs.filter { $0.status == .completed && $0.output != nil }
    let missing = inputs.filter { !($0.status == .completed && $0.output != nil) }
    let results =
      delivered.isEmpty
      ? "(no part produced a result)\n"
      : delivered.map { PromptInput.delimit(Self.label($0.subtaskId, $0.name), $0.output!) }.joined(separator: "\n")
        + "\n"
    var missingBlock = ""
    if !missing.isEmpty {
      missingBlock = "These parts have no result, so the answer must say what is missing instead of inventing it:\n"
      for input in missing {
        let why = input.error.map { ": \($0)" } ?? ""
        missingBlock += "- \(Self.label(input.subtaskId, input.name)) (\(input.status.rawValue)\(why))\n"
      }
    }
    let prompt = try synthesizer.render { name in
      switch name {
      case "task": taskBlock
      case "context": contextBlock
      case "instructions": instructionsBlock
      case "results": results
      case "missing": missingBlock
      case "format": Self.formatLine(format)
      case "style": style.flatMap { $0.isEmpty ? nil : "Organise the answer this way: \($0).\n" } ?? ""
      default: contextValue(name)
      }
    }
    return (prompt, missing.map(\.subtaskId))
  }

  private var instructionsBlock: String {
    instructions.map { "Instructions from the person who asked:\n\($0)\n" } ?? ""
  }

  /// A context value by key, or by a dotted path into nested objects (`user.name`).
  func contextValue(_ name: String) -> String? {
    if let value = context[name] { return PromptInput.delimit(name, PromptInput.text(of: value)) }
    let path = name.split(separator: ".").map(String.init)
    guard path.count > 1, var value = context[path[0]] else { return nil }
    for key in path.dropFirst() {
      guard let next = value[key] else { return nil }
      value = next
    }
    return PromptInput.delimit(name, PromptInput.text(of: value))
  }

  private static func describe(_ subtask: Subtask) -> String {
    var text = "\(subtask.name)\n\(subtask.description)"
    if let params = subtask.params { text += "\nParameters: \(JSONText.encode(params))" }
    if let constraints = subtask.constraints { text += "\nConstraints: \(JSONText.encode(constraints))" }
    return PromptInput.delimit("subtask \(subtask.id)", text)
  }

  private static func dependencyBlock(_ dependencies: [(Subtask, String)]) -> String {
    guard !dependencies.isEmpty else { return "" }
    return "Results of the parts yours builds on:\n"
      + dependencies.map { PromptInput.delimit(label($0.0.id, $0.0.name), $0.1) }.joined(separator: "\n") + "\n"
  }

  private static func label(_ id: String, _ name: String?) -> String {
    guard let name, !name.isEmpty else { return id }
    return "\(id): \(name)"
  }

  private static func formatLine(_ format: String?) -> String {
    switch format?.lowercased() {
    case nil, "": return ""
    case "bullets", "bullet", "bullet points": return "Format the answer as a bulleted list, one point per line.\n"
    case "paragraphs", "paragraph", "prose": return "Format the answer as prose paragraphs, without lists.\n"
    default: return "Format the answer this way: \(format!).\n"
    }
  }
}
