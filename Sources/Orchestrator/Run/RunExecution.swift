import Foundation
import LLM

/// One run from plan to report. Executed in a task of its own so `Engine.cancel(runId:)` can stop it;
/// never throws: every ending, cancellation included, produces a report, journaled like any other.
struct RunExecution: Sendable {
  let request: RunRequest
  let record: RunRecord
  let services: EngineServices
  let builder: PromptBuilder
  let approver: (any PlanApprover)?
  let journal: RunJournal?
  let journalError: String?
  let emitter: RunEventEmitter
  /// Makes the run's plan available to `runSubtask` / `synthesize` by `planId`.
  let register: @Sendable (PlanRecord) async -> Void

  private var configuration: EngineConfiguration { services.configuration }
  private var ledger: RunLedger { record.ledger }

  func execute() async -> RunReport {
    var header = JournalRecord(.run)
    header.runId = record.runId
    header.request = request
    journal?.append(header)

    guard let seconds = request.deadlineSeconds else { return await flow(deadline: nil) }
    let deadline = record.startedAtClock + seconds
    return await withTaskGroup(of: RunReport?.self) { group in
      group.addTask { await flow(deadline: deadline) }
      group.addTask {
        do { try await services.clock.sleep(until: deadline) } catch { return nil }
        record.stop(.deadline(seconds: seconds))
        return nil
      }
      var report: RunReport?
      for await value in group where value != nil {
        report = value
        group.cancelAll()
      }
      return report!
    }
  }

  private func flow(deadline: Double?) async -> RunReport {
    let context = services.callContext(ledger: ledger, events: emitter, deadline: deadline)

    // Plan, unless the caller gave the subtasks.
    var plan: Plan
    if let subtasks = request.subtasks {
      plan = Plan(planId: Identifiers.make("plan"), objective: request.task, subtasks: subtasks)
    } else {
      do {
        plan = try await makePlan(context: context)
      } catch {
        let failure = Self.failure(error)
        journalStep(role: .planner, subtaskId: nil, request: nil, failure: failure)
        return finish(status(of: failure), error: "planning failed: \(failure)")
      }
    }
    let planRecord = PlanRecord(
      plan: plan, task: request.task, context: request.context, instructions: request.instructions,
      runId: record.runId)
    await register(planRecord)
    publish(plan)

    // Approval.
    if request.approvePlan, let approver {
      let decision: PlanDecision
      do {
        decision = try await approver.review(plan, runId: record.runId)
      } catch {
        let cancelled = error is CancellationError || Task.isCancelled
        return finish(
          cancelled ? .cancelled : .failed, error: cancelled ? nil : "asking for plan approval failed: \(error)")
      }
      var entry = JournalRecord(.approval)
      entry.decision = decision
      journal?.append(entry)
      switch decision {
      case .approve:
        break
      case .reject(let reason):
        return finish(.rejected, error: "the plan was rejected: \(reason)")
      case .edit(var edited):
        edited.planId = plan.planId
        do {
          _ = try DependencyGraph(edited.subtasks)
        } catch {
          return finish(.failed, error: "the edited plan is unusable: \(ModelCall.Failure.describe(error))")
        }
        plan = edited
        planRecord.replacePlan(plan)
        publish(plan)
      }
    }

    // Workers.
    let graph: DependencyGraph
    do {
      graph = try DependencyGraph(plan.subtasks)
    } catch {
      return finish(.failed, error: ModelCall.Failure.describe(error))
    }
    let subtasks = plan.subtasks
    let outcomes = await SubtaskScheduler(
      subtasks: subtasks, graph: graph, concurrency: request.concurrency ?? configuration.concurrency
    ).run(
      execute: { index, dependencies in
        await work(subtasks[index], dependencies: dependencies, planRecord: planRecord, context: context)
      },
      stopReason: { [ledger] in ledger.exceededReason.map { "the budget is exhausted (\($0))" } },
      onSettled: { _, outcome in settledWithoutRunning(outcome, planRecord: planRecord) })

    if record.stopCause != nil || Task.isCancelled { return finish(.cancelled, error: nil) }
    if let reason = ledger.exceededReason { return finish(.budgetExceeded, error: reason) }
    guard outcomes.contains(where: { $0.status == .completed }) else {
      return finish(.failed, error: "no subtask completed, so there is nothing to synthesize")
    }

    // Synthesis.
    let synthesizer = Synthesizer(services: services)
    let synthesisRequest: ChatRequest
    do {
      synthesisRequest = try synthesizer.request(
        inputs: planRecord.synthesisInputs(), builder: builder, format: request.format, style: request.style,
        maxTokens: nil
      ).request
    } catch {
      return finish(.failed, error: ModelCall.Failure.describe(error))
    }
    emitter.emit(
      .synthesisStarted(
        model: primaryModel(configuration.candidates(for: .synthesizer, requested: request.models?.synthesizer))))
    do {
      let result = try await synthesizer.run(
        request: synthesisRequest, model: request.models?.synthesizer, stream: request.stream, context: context)
      record.setSynthesis(
        CallSummary(
          model: result.model, usage: result.result.usage, costUSD: result.costUSD, attempts: result.attempts,
          durationMs: result.durationMs, finishReason: result.result.finishReason))
      journal?.append(
        JournalRecord.step(
          JournalStep(
            role: .synthesizer, subtaskId: nil, status: .completed, model: result.model,
            system: synthesisRequest.system, messages: synthesisRequest.messages, output: result.result.text,
            usage: result.result.usage, costUSD: result.costUSD, attempts: result.attempts,
            durationMs: result.durationMs, finishReason: result.result.finishReason)))
      let cutOff = result.result.finishReason == .length
      return finish(
        .completed, output: result.result.text,
        error: cutOff ? "the synthesized answer hit the token limit and is incomplete" : nil)
    } catch {
      let failure = Self.failure(error)
      journalStep(role: .synthesizer, subtaskId: nil, request: synthesisRequest, failure: failure)
      return finish(status(of: failure), error: "synthesis failed: \(failure)")
    }
  }

  /// Calls the planner and records the step. Throws `ModelCall.Failure`.
  private func makePlan(context: CallContext) async throws -> Plan {
    let planned = try await Planner(services: services).plan(
      task: request.task, builder: builder, minSubtasks: request.minSubtasks ?? 1,
      maxSubtasks: request.maxSubtasks ?? configuration.maxSubtasks, subtaskSchema: request.subtaskSchema,
      model: request.models?.planner, planId: Identifiers.make("plan"), context: context)
    let answer = planned.answer
    record.setPlanning(
      CallSummary(
        model: answer.model, usage: answer.usage, costUSD: answer.costUSD, attempts: answer.attempts,
        durationMs: answer.durationMs, finishReason: answer.finishReason))
    journal?.append(
      JournalRecord.step(
        JournalStep(
          role: .planner, subtaskId: nil, status: .completed, model: answer.model, system: planned.request.system,
          messages: answer.messages, output: answer.text, usage: answer.usage,
          costUSD: answer.costUSD, attempts: answer.attempts, durationMs: answer.durationMs,
          finishReason: answer.finishReason)))
    return planned.plan
  }

  /// Runs one subtask and reports it; called by the scheduler inside its task group.
  private func work(
    _ subtask: Subtask, dependencies: [(Subtask, String)], planRecord: PlanRecord, context: CallContext
  ) async -> SubtaskOutcome {
    record.started(subtask.id)
    let requested = request.models?.worker
    let candidates = configuration.candidates(
      for: .worker, requested: requested ?? subtask.constraints?["model"]?.stringValue, subtaskType: subtask.type)
    emitter.emit(.subtaskStarted(subtaskId: subtask.id, name: subtask.name, model: primaryModel(candidates)))
    let worker = SubtaskWorker(services: services)
    var chatRequest: ChatRequest?
    do {
      let built = try worker.request(for: subtask, dependencies: dependencies, builder: builder, maxTokens: nil)
      chatRequest = built
      let result = try await worker.run(
        subtask, request: built, model: requested, outputSchema: nil, stream: request.stream, context: context)
      let outcome = SubtaskOutcome(
        subtaskId: subtask.id, status: .completed, output: result.output, usage: result.usage, costUSD: result.costUSD,
        attempts: result.attempts, durationMs: result.durationMs, model: result.model,
        finishReason: result.finishReason)
      planRecord.store(result)
      emitter.emit(.subtaskCompleted(outcome, progress: record.settle(outcome)))
      journal?.append(
        JournalRecord.step(
          JournalStep(
            role: .worker, subtaskId: subtask.id, status: .completed, model: result.model, system: built.system,
            messages: built.messages, output: result.output, usage: result.usage, costUSD: result.costUSD,
            attempts: result.attempts, durationMs: result.durationMs, finishReason: result.finishReason)))
      let (usage, cost) = ledger.totals
      emitter.emitUsage(usage, costUSD: cost, now: services.clock.now)
      return outcome
    } catch {
      let failure = Self.failure(error)
      let status: SubtaskStatus =
        failure.isCancellation
        ? .cancelled : (failure.error as? EngineError)?.kind == .budgetExceeded ? .skipped : .failed
      let outcome = SubtaskOutcome(
        subtaskId: subtask.id, status: status, error: failure.description, attempts: failure.attempts,
        durationMs: failure.durationMs, model: failure.model)
      planRecord.storeFailure(subtask.id, status: status, error: failure.description)
      let progress = record.settle(outcome)
      emitter.emit(
        status == .skipped ? .subtaskSkipped(outcome, progress: progress) : .subtaskFailed(outcome, progress: progress))
      journalStep(role: .worker, subtaskId: subtask.id, request: chatRequest, failure: failure, status: status)
      return outcome
    }
  }

  /// A subtask the scheduler settled without running it (skipped, or not started before a stop).
  ///
  /// Once the run has stopped (deadline or cancel) the rest are settled without an event each: a plan may
  /// have 100,000 of them, and announcing each would hold `runCompleted` back by seconds. The report lists
  /// every one with its status and reason.
  private func settledWithoutRunning(_ outcome: SubtaskOutcome, planRecord: PlanRecord) {
    planRecord.storeFailure(outcome.subtaskId, status: outcome.status, error: outcome.error)
    let progress = record.settle(outcome)
    guard record.stopCause == nil, !Task.isCancelled else { return }
    emitter.emit(.subtaskSkipped(outcome, progress: progress))
  }

  /// The model a call will try first, by name (the resolver's default when the configuration names none).
  private func primaryModel(_ candidates: [String?]) -> String {
    candidates.first.flatMap { $0 } ?? services.models.defaultModel.description
  }

  private func publish(_ plan: Plan) {
    record.setPlan(plan)
    emitter.emit(.planReady(plan))
    var entry = JournalRecord(.plan)
    entry.plan = plan
    journal?.append(entry)
  }

  private func journalStep(
    role: ModelRole, subtaskId: String?, request: ChatRequest?, failure: ModelCall.Failure,
    status: SubtaskStatus = .failed
  ) {
    journal?.append(
      JournalRecord.step(
        JournalStep(
          role: role, subtaskId: subtaskId, status: status, model: failure.model, system: request?.system,
          messages: request?.messages ?? [], usage: Usage(), attempts: failure.attempts,
          durationMs: failure.durationMs, error: failure.description)))
  }

  /// The run status a failed step leads to.
  private func status(of failure: ModelCall.Failure) -> RunStatus {
    if failure.isCancellation { return .cancelled }
    if (failure.error as? EngineError)?.kind == .budgetExceeded { return .budgetExceeded }
    return .failed
  }

  /// Ends the run: final events, report, journal. A stop (cancel, deadline) overrides the proposed status.
  private func finish(_ proposed: RunStatus, output: String? = nil, error: String?) -> RunReport {
    var status = proposed
    var message = error
    switch (proposed, record.stopCause) {
    case (.completed, _):
      break
    case (_, .deadline(let seconds)?):
      status = .failed
      message = "the run's deadline of \(seconds) s passed; results so far are kept"
    case (_, .cancelled?), (.cancelled, nil):
      status = .cancelled
      message = "the run was cancelled; results so far are kept"
    default:
      break
    }
    let (usage, cost) = ledger.totals
    let now = services.clock.now
    emitter.emitUsage(usage, costUSD: cost, now: now, force: true)
    emitter.emit(.runCompleted(status: status, error: message))

    var report = record.report(now: now, status: status, output: output, error: message)
    report.journalPath = journal?.path
    report.journalError = journalError ?? journal?.failure
    var reportRecord = JournalRecord(.report)
    reportRecord.report = report
    journal?.append(reportRecord)
    var end = JournalRecord(.end)
    end.status = status
    end.costUSD = report.costUSD
    end.subtasks = report.plan?.subtasks.count
    journal?.append(end)
    journal?.close()
    record.finish(report)
    return report
  }

  private static func failure(_ error: any Error) -> ModelCall.Failure {
    if let failure = error as? ModelCall.Failure { return failure }
    return ModelCall.Failure(error: error, attempts: 0, model: nil, durationMs: 0)
  }
}

extension JournalRecord {
  static func step(_ step: JournalStep) -> JournalRecord {
    var record = JournalRecord(.step)
    record.step = step
    return record
  }
}
