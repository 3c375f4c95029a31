import Foundation
import JSON
import LLM
import Secrets

/// Baton's orchestration engine: plans tasks, runs subtasks in parallel, synthesizes results.
///
/// Everything below the RPC layer. Operations honour Swift task cancellation; a run can also be stopped by id.
/// Runs, plans and their results are kept in memory (and runs in journals on disk when a state directory is
/// configured), so later requests can refer to them by id.
public actor Engine {
  public nonisolated let configuration: EngineConfiguration
  private nonisolated let services: EngineServices
  private nonisolated let defaultApprover: (any PlanApprover)?
  private nonisolated let journals: JournalReader?
  /// Removes configured secrets from the journals.
  private nonisolated let redactor: SecretRedactor

  private var runRecords: [String: RunRecord] = [:]
  private var runOrder: [String] = []
  private var plans: [String: PlanRecord] = [:]
  private var planOrder: [String] = []

  /// - Parameters:
  ///   - models: resolves `provider:model` names to providers.
  ///   - clock: paces retries, rate limits, timeouts and deadlines (tests pass a manual clock).
  ///   - random: jitter for retry backoff.
  ///   - approver: asked to approve plans of runs with `approvePlan` when the run names no approver of its own.
  ///   - redactor: the configured secrets, kept out of every journal line.
  public init(
    configuration: EngineConfiguration = EngineConfiguration(), models: any ModelResolving,
    clock: any Clock<Duration> = ContinuousClock(), random: any RandomSource = SystemRandomSource(),
    approver: (any PlanApprover)? = nil, redactor: SecretRedactor = .none
  ) {
    self.configuration = configuration
    self.redactor = redactor
    let engineClock = EngineClock(clock)
    services = EngineServices(
      configuration: configuration, models: models, clock: engineClock, random: random,
      limiter: RateLimiter(configured: configuration.rateLimits, clock: engineClock),
      timeouts: AttemptTimeouts(clock: engineClock),
      prices: PriceTable(configuration.prices))
    defaultApprover = approver
    journals = configuration.stateDirectory.map { JournalReader(stateDirectory: $0) }
  }

  // MARK: Runs

  /// Plans, optionally asks for approval, runs the workers and synthesizes; returns when the run has ended.
  ///
  /// Throws only for a request that cannot start (`EngineError` with `isInvalidParams`: a bad field, a
  /// template naming an unknown variable, `approvePlan` without an approver). Everything after that, failure,
  /// budget stop, rejection and cancellation included, returns a report. Cancelling the calling task stops the
  /// run like `cancel(runId:)` does and returns the partial report with status `cancelled`: the RPC layer can
  /// answer its cancelled request with -32800, and the journal is complete either way.
  ///
  /// - Parameters:
  ///   - elapsedBeforeStart: seconds already spent on the request before it got here (reading and decoding
  ///     it), which count against its `deadlineSeconds`.
  ///   - events: called once per event, in `seq` order, never concurrently; it must not block.
  public nonisolated func run(
    _ request: RunRequest, approver: (any PlanApprover)? = nil, elapsedBeforeStart: Double = 0,
    events: @escaping @Sendable (RunEvent) -> Void = { _ in }
  ) async throws -> RunReport {
    let handle = try await start(request, approver: approver, elapsedBeforeStart: elapsedBeforeStart, events: events)
    return await handle.report()
  }

  /// Starts a run and returns at once with its id (see `run` for what is checked before it starts).
  public nonisolated func start(
    _ request: RunRequest, approver: (any PlanApprover)? = nil, elapsedBeforeStart: Double = 0,
    events: @escaping @Sendable (RunEvent) -> Void = { _ in }
  ) async throws -> RunHandle {
    try Self.validate(request)
    let templates = (request.templates ?? PerRole()).overriding(configuration.templates)
    let builder = try PromptBuilder(
      templates: templates, task: request.task, context: request.context, instructions: request.instructions,
      roles: request.subtasks == nil ? [.planner, .worker, .synthesizer] : [.worker, .synthesizer])
    _ = try PlannerSchema.make(
      minSubtasks: 1, maxSubtasks: 1, subtaskSchema: request.subtaskSchema, types: [])
    if let subtasks = request.subtasks { _ = try DependencyGraph(subtasks) }
    let approver = approver ?? defaultApprover
    if request.approvePlan, approver == nil {
      throw EngineError(.approvalUnavailable, "approvePlan is set, but no client is able to approve plans")
    }

    let runId = Identifiers.make("run")
    let record = RunRecord(
      runId: runId, task: request.task, startedAtClock: services.clock.now - max(0, elapsedBeforeStart),
      ledger: RunLedger(budget: request.budget))
    var journal: RunJournal?
    var journalError: String?
    if let directory = configuration.stateDirectory {
      do {
        journal = try RunJournal(stateDirectory: directory, runId: runId, redactor: redactor)
      } catch {
        journalError = ModelCall.Failure.describe(error)
      }
    }
    await register(record)
    let execution = RunExecution(
      request: request, record: record, services: services, builder: builder, approver: approver, journal: journal,
      journalError: journalError, emitter: RunEventEmitter(runId: runId, journal: journal, sink: events),
      register: { [weak self] plan in await self?.register(plan) })
    let task = Task { await execution.execute() }
    record.attach(task)
    return RunHandle(runId: runId, task: task, record: record)
  }

  /// Stops a run: calls in flight are cancelled, nothing new starts, results so far are kept, and `run`
  /// returns with status `cancelled`. Returns false when no such run is in progress.
  @discardableResult
  public func cancel(runId: String) -> Bool {
    runRecords[runId]?.stop(.cancelled) ?? false
  }

  /// Stops the run working on plan `planId` (see `cancel(runId:)`).
  @discardableResult
  public func cancel(planId: String) -> Bool {
    guard let runId = plans[planId]?.runId else { return false }
    return cancel(runId: runId)
  }

  /// A run's report: live while it runs, final once it has ended, or read back from its journal when an
  /// earlier process ran it. Throws `EngineError(.notFound)`.
  public func report(runId: String) throws -> RunReport {
    if let record = runRecords[runId] { return record.report(now: services.clock.now) }
    if let journals, let report = try journals.report(runId: runId) { return report }
    throw EngineError(.notFound, "no run has the id \"\(runId)\"", data: ["runId": .string(runId)])
  }

  /// Runs of this process and, when journals are kept, of earlier ones; newest first.
  public func runs() -> [RunSummary] {
    var summaries: [RunSummary] = runOrder.compactMap { id in
      guard let record = runRecords[id] else { return nil }
      let report = record.report(now: services.clock.now)
      return RunSummary(
        runId: id, status: report.status, task: report.task, startedAt: report.startedAt,
        finishedAt: report.finishedAt, subtasks: report.plan?.subtasks.count, costUSD: report.costUSD)
    }
    if let journals {
      let known = Set(summaries.map(\.runId))
      summaries += journals.summaries().filter { !known.contains($0.runId) }
    }
    return summaries.sorted { ($0.startedAt, $0.runId) > ($1.startedAt, $1.runId) }
  }

  /// Finished subtasks out of all, for `$/progress`; nil for an unknown run.
  public func progress(runId: String) -> RunProgress? {
    runRecords[runId]?.progress
  }

  // MARK: Single steps

  /// Asks the planner for a plan and keeps it for `runSubtask` / `synthesize` by `planId`.
  /// Throws `EngineError` (`.planningFailed` after the repairs), `ProviderError` or `CancellationError`.
  public nonisolated func plan(_ request: PlanRequest) async throws -> Plan {
    guard !request.task.isEmpty else { throw EngineError(.invalidRequest, "task must not be empty") }
    try request.checkLimits()
    let (minimum, maximum) = try Self.subtaskBounds(
      min: request.minSubtasks, max: request.maxSubtasks, default: configuration.maxSubtasks)
    let builder = try PromptBuilder(
      templates: PerRole(planner: request.template).overriding(configuration.templates), task: request.task,
      context: request.context, instructions: request.instructions, roles: [.planner])
    let outcome = try await Self.unwrapping {
      try await Planner(services: services).plan(
        task: request.task, builder: builder, minSubtasks: minimum, maxSubtasks: maximum,
        subtaskSchema: request.subtaskSchema, model: request.model, planId: Identifiers.make("plan"),
        context: services.callContext(ledger: RunLedger(budget: nil)))
    }
    await register(
      PlanRecord(plan: outcome.plan, task: request.task, context: request.context, instructions: request.instructions))
    return outcome.plan
  }

  /// Runs one subtask: of a stored plan (its worker sees the outputs of the subtasks it depends on, which must
  /// have results), or a free-standing one. Throws `EngineError`, `ProviderError` or `CancellationError`.
  public nonisolated func runSubtask(_ request: SubtaskRequest) async throws -> SubtaskResult {
    try request.checkLimits()
    let stored: PlanRecord?
    let subtask: Subtask
    let task: String
    var dependencies: [(Subtask, String)] = []
    if let planId = request.planId {
      guard let record = await planRecord(planId) else {
        throw EngineError(.notFound, "no plan has the id \"\(planId)\"", data: ["planId": .string(planId)])
      }
      let plan = record.plan
      guard let subtaskId = request.subtaskId else {
        throw EngineError(.invalidRequest, "subtaskId is required with planId")
      }
      guard let found = plan.subtask(subtaskId) else {
        throw EngineError(
          .notFound, "plan \(planId) has no subtask \"\(subtaskId)\"", data: ["subtaskId": .string(subtaskId)])
      }
      var missing: [String] = []
      for id in found.dependsOn ?? [] {
        if let result = record.result(id), let dependency = plan.subtask(id) {
          dependencies.append((dependency, result.output))
        } else {
          missing.append(id)
        }
      }
      guard missing.isEmpty else {
        throw EngineError(
          .dependencyNotReady,
          "subtask \(subtaskId) depends on \(missing.joined(separator: ", ")), which have no results yet",
          data: ["missing": .array(missing.map(JSONValue.string))])
      }
      (stored, subtask, task) = (record, found, record.task)
    } else {
      guard let given = request.subtask, let givenTask = request.task else {
        throw EngineError(.invalidRequest, "runSubtask needs planId and subtaskId, or task and subtask")
      }
      (stored, subtask, task) = (nil, given, givenTask)
    }

    let builder = try PromptBuilder(
      templates: PerRole(worker: request.template).overriding(configuration.templates), task: task,
      context: request.context ?? stored?.context, instructions: request.instructions ?? stored?.instructions,
      roles: [.worker])
    let worker = SubtaskWorker(services: services)
    let chatRequest = try worker.request(
      for: subtask, dependencies: dependencies, builder: builder, maxTokens: request.maxTokens)
    let result = try await Self.unwrapping {
      try await worker.run(
        subtask, request: chatRequest, model: request.model, outputSchema: request.outputSchema, stream: false,
        context: services.callContext(ledger: RunLedger(budget: nil)))
    }
    stored?.store(result)
    return result
  }

  /// Merges results into one answer: a stored plan's (subtasks without a result are named as missing),
  /// or the given ones. Throws `EngineError`, `ProviderError` or `CancellationError`.
  public nonisolated func synthesize(_ request: SynthesisRequest) async throws -> Synthesis {
    try request.checkLimits()
    let inputs: [SynthesisInput]
    let task: String
    var stored: PlanRecord?
    if let planId = request.planId {
      guard let record = await planRecord(planId) else {
        throw EngineError(.notFound, "no plan has the id \"\(planId)\"", data: ["planId": .string(planId)])
      }
      (stored, inputs, task) = (record, record.synthesisInputs(), record.task)
    } else {
      guard let givenTask = request.task, let results = request.results else {
        throw EngineError(.invalidRequest, "synthesize needs planId, or task and results")
      }
      (inputs, task) = (results, givenTask)
    }
    let builder = try PromptBuilder(
      templates: PerRole(synthesizer: request.template).overriding(configuration.templates), task: task,
      context: request.context ?? stored?.context, instructions: request.instructions ?? stored?.instructions,
      roles: [.synthesizer])
    let synthesizer = Synthesizer(services: services)
    let (chatRequest, missing) = try synthesizer.request(
      inputs: inputs, builder: builder, format: request.format, style: request.style, maxTokens: request.maxTokens)
    let answer = try await Self.unwrapping {
      try await synthesizer.run(
        request: chatRequest, model: request.model, stream: false,
        context: services.callContext(ledger: RunLedger(budget: nil)))
    }
    return Synthesis(
      output: answer.result.text, usage: answer.result.usage, costUSD: answer.costUSD, model: answer.model,
      attempts: answer.attempts, durationMs: answer.durationMs, missing: missing)
  }

  // MARK: Bookkeeping

  private func register(_ record: RunRecord) {
    trimRuns()
    runRecords[record.runId] = record
    runOrder.append(record.runId)
  }

  private func register(_ plan: PlanRecord) {
    let planId = plan.planId
    if plans.updateValue(plan, forKey: planId) == nil { planOrder.append(planId) }
    // Plans of runs go with their runs; free-standing plans are capped like runs.
    while planOrder.count > max(1, configuration.retainedRuns) * 4 {
      plans[planOrder.removeFirst()] = nil
    }
  }

  private func planRecord(_ planId: String) -> PlanRecord? { plans[planId] }

  /// Makes room for one more run by forgetting the oldest finished ones beyond `retainedRuns`
  /// (their journals remain).
  private func trimRuns() {
    var excess = runOrder.count + 1 - max(1, configuration.retainedRuns)
    guard excess > 0 else { return }
    runOrder.removeAll { id in
      guard excess > 0, let record = runRecords[id], record.isFinished else { return false }
      excess -= 1
      runRecords[id] = nil
      return true
    }
  }

  private static func validate(_ request: RunRequest) throws {
    guard !request.task.isEmpty else { throw EngineError(.invalidRequest, "task must not be empty") }
    try request.checkLimits()
    _ = try subtaskBounds(min: request.minSubtasks, max: request.maxSubtasks, default: 1)
  }

  private static func subtaskBounds(min: Int?, max: Int?, default fallback: Int) throws -> (Int, Int) {
    let maximum = max ?? Swift.max(fallback, min ?? 1)
    let minimum = min ?? 1
    guard minimum >= 1, maximum >= minimum else {
      throw EngineError(.invalidRequest, "need 1 <= minSubtasks <= maxSubtasks (got \(minimum) and \(maximum))")
    }
    return (minimum, maximum)
  }

  /// Runs a step and rethrows what made it fail, without the step's bookkeeping.
  private static func unwrapping<T>(_ body: () async throws -> T) async throws -> T {
    do {
      return try await body()
    } catch let failure as ModelCall.Failure {
      throw failure.error
    }
  }
}
