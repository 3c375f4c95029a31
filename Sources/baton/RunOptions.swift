import Foundation
import Orchestrator

/// Options of `baton run "task"`.
struct RunOptions: Equatable {
  var task = ""
  var model: String?
  var concurrency: Int?
  var maxCostUSD: Double?
  var maxTokens: Int?
  var maxSubtasks: Int?
  var format: String?
  var style: String?
  var json = false
  var quiet = false
  var configPath: String?
  var stateDirectory: String?

  /// The engine request these options describe.
  var request: RunRequest {
    let models = model.map { PerRole(planner: $0, worker: $0, synthesizer: $0) }
    let budget = (maxCostUSD != nil || maxTokens != nil) ? Budget(maxTokens: maxTokens, maxCostUSD: maxCostUSD) : nil
    return RunRequest(
      task: task, concurrency: concurrency, models: models, budget: budget, format: format, style: style,
      maxSubtasks: maxSubtasks)
  }

  static func parse(_ arguments: ArraySlice<String>) throws -> RunOptions {
    var options = RunOptions()
    var words: [String] = []
    var remaining = arguments
    while let argument = remaining.popFirst() {
      guard argument.hasPrefix("--") else {
        words.append(argument)
        continue
      }
      let (name, inlineValue) = CommandLineOptions.split(argument)
      func value() throws -> String {
        if let inlineValue { return inlineValue }
        guard let next = remaining.popFirst() else { throw UsageError(description: "\(name) needs a value") }
        return next
      }
      func number<Value: LosslessStringConvertible & Comparable>(_ minimum: Value) throws -> Value {
        let text = try value()
        guard let parsed = Value(text), parsed >= minimum else {
          throw UsageError(description: "\(name) must be a number of at least \(minimum) (got '\(text)')")
        }
        return parsed
      }
      switch name {
      case "--model": options.model = try value()
      case "--concurrency": options.concurrency = try number(1)
      case "--budget": options.maxCostUSD = try number(0.0)
      case "--budget-tokens": options.maxTokens = try number(1)
      case "--max-subtasks": options.maxSubtasks = try number(1)
      case "--format": options.format = try value()
      case "--style": options.style = try value()
      case "--json": options.json = true
      case "--quiet": options.quiet = true
      case "--config": options.configPath = try value()
      case "--state-dir": options.stateDirectory = try value()
      default: throw UsageError(description: "unknown option '\(argument)' for run")
      }
    }
    options.task = words.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    guard !options.task.isEmpty else { throw UsageError(description: "run needs a task: baton run \"what to do\"") }
    return options
  }
}
