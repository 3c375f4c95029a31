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

  private var runStates: [String: RunState] = [:]
  private var runOrder: [String] = []
  /// Plans by id: a run's plan maps to the run's state, a plan made by `plan` to a state of its own.
  private var plans: [String: RunState] = [:]
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
    let begin: RunExecution.Start
    if let subtasks = request.subtasks {
      let plan = Plan(planId: Identifiers.make("plan"), objective: request.task, subtasks: subtasks)
      begin = .given(plan, try DependencyGraph(subtasks))
    } else {
      // The configured size unless the request says otherwise; never below what it asks for at least.
      let minimum = request.minSubtasks ?? 1
      let maximum = request.maxSubtasks ?? max(minimum, configuration.maxSubtasks)
      begin = .plan(
        schema: try PlanningStep.schema(
          minSubtasks: minimum, maxSubtasks: maximum, subtaskSchema: request.subtaskSchema,
          configuration: configuration),
        minSubtasks: minimum, maxSubtasks: maximum)
    }
    let approver = approver ?? defaultApprover
    if request.approvePlan, approver == nil {
      throw EngineError(.approvalUnavailable, "approvePlan is set, but no client is able to approve plans")
    }

    let runId = Identifiers.make("run")
    var journal: RunJournal?
    var journalError: String?
    if let directory = configuration.stateDirectory {
      do {
        journal = try RunJournal(stateDirectory: directory, runId: runId, redactor: redactor)
      } catch {
        journalError = ModelCall.Failure.describe(error)
      }
    }
    let state = RunState(
      runId: runId, task: request.task, context: request.context, instructions: request.instructions,
      startedAtClock: services.clock.now - max(0, elapsedBeforeStart), ledger: RunLedger(budget: request.budget),
      outlets: RunOutlets(
        emitter: RunEventEmitter(runId: runId, journal: journal, sink: events), journal: journal,
        journalError: journalError, clock: services.clock))
    await register(run: state, runId: runId)
    let execution = RunExecution(
      request: request, start: begin, state: state, services: services, builder: builder, approver: approver,
      register: { [weak self] planId, state in await self?.register(plan: state, planId: planId) })
    let task = Task { await execution.execute() }
    state.attach(task)
    return RunHandle(runId: runId, task: task, record: state)
  }

  /// Stops a run: calls in flight are cancelled, nothing new starts, results so far are kept, and `run`
  /// returns with status `cancelled`. Returns false when no such run is in progress.
  @discardableResult
  public func cancel(runId: String) -> Bool {
    runStates[runId]?.stop(.cancelled) ?? false
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
    if let state = runStates[runId] { return state.report(now: services.clock.now) }
    if let journals, let report = try journals.report(runId: runId) { return report }
    throw EngineError(.notFound, "no run has the id \"\(runId)\"", data: ["runId": .string(runId)])
  }

  /// Runs of this process and, when journals are kept, of earlier ones; newest first.
  public func runs() -> [RunSummary] {
    var summaries: [RunSummary] = runOrder.compactMap { id in
      guard let state = runStates[id] else { return nil }
      let report = state.report(now: services.clock.now)
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
    runStates[runId]?.progress
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
    let schema = try PlanningStep.schema(
      minSubtasks: minimum, maxSubtasks: maximum, subtaskSchema: request.subtaskSchema, configuration: configuration)
    let state = RunState(
      runId: nil, task: request.task, context: request.context, instructions: request.instructions,
      startedAtClock: services.clock.now)
    let plan = try await Self.unwrapping {
      try await PlanningStep(services: services, state: state).perform(
        builder: builder, minSubtasks: minimum, maxSubtasks: maximum, schema: schema, model: request.model,
        context: services.callContext(ledger: state.ledger))
    }
    await register(plan: state, planId: plan.planId)
    state.publish(plan)
    return plan
  }

  /// Runs one subtask: of a stored plan (its worker sees the outputs of the subtasks it depends on, which must
  /// have results), or a free-standing one. Throws `EngineError`, `ProviderError` or `CancellationError`.
  public nonisolated func runSubtask(_ request: SubtaskRequest) async throws -> SubtaskResult {
    try request.checkLimits()
    let state: RunState
    let subtask: Subtask
    var dependencies: [(Subtask, String)] = []
    if let planId = request.planId {
      guard let stored = await planState(planId), let plan = stored.plan else {
        throw EngineError(.notFound, "no plan has the id \"\(planId)\"", data: ["planId": .string(planId)])
      }
      guard let subtaskId = request.subtaskId else {
        throw EngineError(.invalidRequest, "subtaskId is required with planId")
      }
      guard let found = plan.subtask(subtaskId) else {
        throw EngineError(
          .notFound, "plan \(planId) has no subtask \"\(subtaskId)\"", data: ["subtaskId": .string(subtaskId)])
      }
      var missing: [String] = []
      for id in found.dependsOn ?? [] {
        if let result = stored.result(id), let dependency = plan.subtask(id) {
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
      (state, subtask) = (stored, found)
    } else {
      guard let given = request.subtask, let givenTask = request.task else {
        throw EngineError(.invalidRequest, "runSubtask needs planId and subtaskId, or task and subtask")
      }
      state = RunState(runId: nil, task: givenTask, startedAtClock: services.clock.now)
      subtask = given
    }

    let builder = try PromptBuilder(
      templates: PerRole(worker: request.template).overriding(configuration.templates), task: state.task,
      context: request.context ?? state.context, instructions: request.instructions ?? state.instructions,
      roles: [.worker])
    return try await Self.unwrapping {
      try await WorkerStep(services: services, state: state).perform(
        subtask, dependencies: dependencies, builder: builder, model: request.model,
        outputSchema: request.outputSchema, maxTokens: request.maxTokens, stream: false,
        context: services.callContext(ledger: RunLedger(budget: nil)))
    }
  }

  /// Merges results into one answer: a stored plan's (subtasks without a result are named as missing),
  /// or the given ones. Throws `EngineError`, `ProviderError` or `CancellationError`.
  public nonisolated func synthesize(_ request: SynthesisRequest) async throws -> Synthesis {
    try request.checkLimits()
    let inputs: [SynthesisInput]
    let state: RunState
    if let planId = request.planId {
      guard let stored = await planState(planId) else {
        throw EngineError(.notFound, "no plan has the id \"\(planId)\"", data: ["planId": .string(planId)])
      }
      (state, inputs) = (stored, stored.synthesisInputs())
    } else {
      guard let givenTask = request.task, let results = request.results else {
        throw EngineError(.invalidRequest, "synthesize needs planId, or task and results")
      }
      (state, inputs) = (RunState(runId: nil, task: givenTask, startedAtClock: services.clock.now), results)
    }
    let builder = try PromptBuilder(
      templates: PerRole(synthesizer: request.template).overriding(configuration.templates), task: state.task,
      context: request.context ?? state.context, instructions: request.instructions ?? state.instructions,
      roles: [.synthesizer])
    let step = SynthesisStep(services: services, state: state)
    let prepared = try step.prepare(
      inputs: inputs, builder: builder, format: request.format, style: request.style, maxTokens: request.maxTokens)
    return try await Self.unwrapping {
      try await step.perform(
        prepared, model: request.model, stream: false, context: services.callContext(ledger: RunLedger(budget: nil)))
    }
  }

  // MARK: Bookkeeping

  private func register(run state: RunState, runId: String) {
    trimRuns()
    runStates[runId] = state
    runOrder.append(runId)
  }

  private func register(plan state: RunState, planId: String) {
    if plans.updateValue(state, forKey: planId) == nil { planOrder.append(planId) }
    // Plans of runs go with their runs; free-standing plans are capped like runs.
    while planOrder.count > max(1, configuration.retainedRuns) * 4 {
      plans[planOrder.removeFirst()] = nil
    }
  }

  private func planState(_ planId: String) -> RunState? { plans[planId] }

  /// Makes room for one more run by forgetting the oldest finished ones beyond `retainedRuns`
  /// (their journals remain).
  private func trimRuns() {
    var excess = runOrder.count + 1 - max(1, configuration.retainedRuns)
    guard excess > 0 else { return }
    runOrder.removeAll { id in
      guard excess > 0, let state = runStates[id], state.isFinished else { return false }
      excess -= 1
      runStates[id] = nil
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
