import Foundation
import JSON

/// Caps on what one run may spend, checked before every call.
public struct Budget: Codable, Sendable, Equatable {
  public var maxTokens: Int?
  public var maxCostUSD: Double?

  public init(maxTokens: Int? = nil, maxCostUSD: Double? = nil) {
    self.maxTokens = maxTokens
    self.maxCostUSD = maxCostUSD
  }
}

/// The whole flow: plan, optionally ask for approval, run the workers, synthesize.
public struct RunRequest: Codable, Sendable, Equatable {
  public var task: String
  public var context: [String: JSONValue]?
  /// Guidance for every step (planner, workers and synthesizer).
  public var instructions: String?
  /// Worker calls in flight at once (default: the configuration's `concurrency`).
  public var concurrency: Int?
  /// Model names (`provider:model`) for this run, overriding the configuration role by role.
  public var models: PerRole<String>?
  public var budget: Budget?
  /// Ask the `PlanApprover` before spending anything on workers.
  public var approvePlan: Bool
  /// "bullets", "paragraphs", or free text describing the shape of the answer.
  public var format: String?
  /// How to organise the answer, e.g. "time-based" or "goal-based", or free text.
  public var style: String?
  public var maxSubtasks: Int?
  public var minSubtasks: Int?
  /// Extra typed fields every subtask must carry (see `PlanRequest.subtaskSchema`).
  public var subtaskSchema: JSONValue?
  /// Skip the planner and run these subtasks: prompt chaining (each `dependsOn` the one before) or a fixed
  /// fan-out. Checked before anything runs: a cycle or unknown id is an `.invalidPlan` error.
  public var subtasks: [Subtask]?
  /// Stop the run (status failed, partial results kept) after this many seconds.
  public var deadlineSeconds: Double?
  /// Send worker and synthesizer text as `subtaskDelta` / `synthesisDelta` events while it is generated.
  public var stream: Bool
  /// Prompt templates for this run, each one set replacing the configuration's (see
  /// `EngineConfiguration.templates`).
  public var templates: PerRole<String>?

  public init(
    task: String, context: [String: JSONValue]? = nil, instructions: String? = nil, concurrency: Int? = nil,
    models: PerRole<String>? = nil, budget: Budget? = nil, approvePlan: Bool = false, format: String? = nil,
    style: String? = nil, maxSubtasks: Int? = nil, minSubtasks: Int? = nil, subtaskSchema: JSONValue? = nil,
    subtasks: [Subtask]? = nil, deadlineSeconds: Double? = nil, stream: Bool = false, templates: PerRole<String>? = nil
  ) {
    self.task = task
    self.context = context
    self.instructions = instructions
    self.concurrency = concurrency
    self.models = models
    self.budget = budget
    self.approvePlan = approvePlan
    self.format = format
    self.style = style
    self.maxSubtasks = maxSubtasks
    self.minSubtasks = minSubtasks
    self.subtaskSchema = subtaskSchema
    self.subtasks = subtasks
    self.deadlineSeconds = deadlineSeconds
    self.stream = stream
    self.templates = templates
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    task = try container.decode(String.self, forKey: .task)
    context = try container.decodeIfPresent([String: JSONValue].self, forKey: .context)
    instructions = try container.decodeIfPresent(String.self, forKey: .instructions)
    concurrency = try container.decodeIfPresent(Int.self, forKey: .concurrency)
    models = try container.decodeIfPresent(PerRole<String>.self, forKey: .models)
    budget = try container.decodeIfPresent(Budget.self, forKey: .budget)
    approvePlan = try container.decodeIfPresent(Bool.self, forKey: .approvePlan) ?? false
    format = try container.decodeIfPresent(String.self, forKey: .format)
    style = try container.decodeIfPresent(String.self, forKey: .style)
    maxSubtasks = try container.decodeIfPresent(Int.self, forKey: .maxSubtasks)
    minSubtasks = try container.decodeIfPresent(Int.self, forKey: .minSubtasks)
    subtaskSchema = try container.decodeIfPresent(JSONValue.self, forKey: .subtaskSchema)
    subtasks = try container.decodeIfPresent([Subtask].self, forKey: .subtasks)
    deadlineSeconds = try container.decodeIfPresent(Double.self, forKey: .deadlineSeconds)
    stream = try container.decodeIfPresent(Bool.self, forKey: .stream) ?? false
    templates = try container.decodeIfPresent(PerRole<String>.self, forKey: .templates)
  }
}
