import Foundation
import JSON
import LLM
import Timeouts

/// One run from plan to report. Executed in a task of its own so `Engine.cancel(runId:)` can stop it;
/// never throws: every ending, cancellation included, produces a report, journaled like any other.
///
/// It decides what happens next; what happened is recorded in the run's `RunState` by the steps
/// themselves (`PlanningStep`, `WorkerStep`, `SynthesisStep`), which announce and journal it.
struct RunExecution: Sendable {
  /// What `Engine.start` checked and built before the run began, so nothing is built twice.
  enum Start: Sendable {
    /// The planner makes the plan: the schema it must satisfy and the bounds on its size.
    case plan(schema: JSONValue, minSubtasks: Int, maxSubtasks: Int)
    /// The caller gave the subtasks; their dependency graph is already checked.
    case given(Plan, DependencyGraph)
  }

  let request: RunRequest
  let start: Start
  let state: RunState
  let services: EngineServices
  let builder: PromptBuilder
  let approver: (any PlanApprover)?
  /// Makes the run's plan available to `runSubtask` / `synthesize` by `planId`.
  let register: @Sendable (_ planId: String, RunState) async -> Void

  private var configuration: EngineConfiguration { services.configuration }
  private var ledger: RunLedger { state.ledger }

  func execute() async -> RunReport {
    state.begin(request)
    guard let seconds = request.deadlineSeconds else { return await flow(deadline: nil) }
    let deadline = state.startedAtClock + seconds
    // At the deadline the run is stopped like a cancel, and ends with its report as any stop does.
    return await withTimeout(
      after: { [services] in try await services.clock.sleep(until: deadline) },
      onExpiry: { [state] in state.stop(.deadline(seconds: seconds)) }
    ) {
      await flow(deadline: deadline)
    }
  }

  private func flow(deadline: Double?) async -> RunReport {
    let context = services.callContext(ledger: ledger, events: emitter, deadline: deadline)

    // Plan, unless the caller gave the subtasks.
    var plan: Plan
    var graph: DependencyGraph?
    switch start {
    case .given(let given, let givenGraph):
      (plan, graph) = (given, givenGraph)
    case .plan(let schema, let minSubtasks, let maxSubtasks):
      do {
        plan = try await PlanningStep(services: services, state: state).perform(
          builder: builder, minSubtasks: minSubtasks, maxSubtasks: maxSubtasks, schema: schema,
          model: request.models?.planner, context: context)
      } catch {
        let failure = ModelCall.Failure.wrapping(error)
        return finish(status(of: failure), error: "planning failed: \(failure)")
      }
    }
    await register(plan.planId, state)
    state.publish(plan)

    // Approval.
    if request.approvePlan, let approver {
      let decision: PlanDecision
      do {
        decision = try await approver.review(plan, runId: state.runId ?? "")
      } catch {
        let cancelled = error is CancellationError || Task.isCancelled
        return finish(
          cancelled ? .cancelled : .failed, error: cancelled ? nil : "asking for plan approval failed: \(error)")
      }
      state.approved(decision)
      switch decision {
      case .approve:
        break
      case .reject(let reason):
        return finish(.rejected, error: "the plan was rejected: \(reason)")
      case .edit(var edited):
        edited.planId = plan.planId
        do {
          graph = try DependencyGraph(edited.subtasks)
        } catch {
          return finish(.failed, error: "the edited plan is unusable: \(ModelCall.Failure.describe(error))")
        }
        plan = edited
        state.publish(plan)
      }
    }

    // Workers.
    let dependencies: DependencyGraph
    do {
      dependencies = try graph ?? DependencyGraph(plan.subtasks)
    } catch {
      return finish(.failed, error: ModelCall.Failure.describe(error))
    }
    let subtasks = plan.subtasks
    let worker = WorkerStep(services: services, state: state)
    let outcomes = await SubtaskScheduler(
      subtasks: subtasks, graph: dependencies, concurrency: request.concurrency ?? configuration.concurrency
    ).run(
      execute: { index, inputs in
        await work(subtasks[index], dependencies: inputs, worker: worker, context: context)
      },
      stopReason: { [ledger] in ledger.exceededReason.map { "the budget is exhausted (\($0))" } },
      onSettled: { _, outcome in state.settledWithoutRunning(outcome) })

    if state.stopCause != nil || Task.isCancelled { return finish(.cancelled, error: nil) }
    if let reason = ledger.exceededReason { return finish(.budgetExceeded, error: reason) }
    guard outcomes.contains(where: { $0.status == .completed }) else {
      return finish(.failed, error: "no subtask completed, so there is nothing to synthesize")
    }

    // Synthesis.
    let synthesis = SynthesisStep(services: services, state: state)
    let prepared: SynthesisStep.Prepared
    do {
      prepared = try synthesis.prepare(
        inputs: state.synthesisInputs(), builder: builder, format: request.format, style: request.style,
        maxTokens: nil)
    } catch {
      return finish(.failed, error: ModelCall.Failure.describe(error))
    }
    do {
      let answer = try await synthesis.perform(
        prepared, model: request.models?.synthesizer, stream: request.stream, context: context)
      let cutOff = answer.finishReason == .length
      return finish(
        .completed, output: answer.output,
        error: cutOff ? "the synthesized answer hit the token limit and is incomplete" : nil)
    } catch {
      let failure = ModelCall.Failure.wrapping(error)
      return finish(status(of: failure), error: "synthesis failed: \(failure)")
    }
  }

  /// Runs one subtask for the scheduler, which wants its outcome whatever it is (the step has recorded it).
  private func work(
    _ subtask: Subtask, dependencies: [(Subtask, String)], worker: WorkerStep, context: CallContext
  ) async -> SubtaskOutcome {
    do {
      let result = try await worker.perform(
        subtask, dependencies: dependencies, builder: builder, model: request.models?.worker, outputSchema: nil,
        maxTokens: nil, stream: request.stream, context: context)
      return SubtaskOutcome(
        subtaskId: subtask.id, status: .completed, output: result.output, statistics: result.statistics)
    } catch {
      let failure = ModelCall.Failure.wrapping(error)
      return SubtaskOutcome(
        subtaskId: subtask.id, status: failure.subtaskStatus, error: failure.description,
        statistics: failure.statistics)
    }
  }

  /// The event stream model calls report retries and deltas to.
  private var emitter: RunEventEmitter? { state.emitter }

  /// The run status a failed step leads to.
  private func status(of failure: ModelCall.Failure) -> RunStatus {
    if failure.isCancellation { return .cancelled }
    if (failure.error as? EngineError)?.kind == .budgetExceeded { return .budgetExceeded }
    return .failed
  }

  /// Ends the run. A stop (cancel, deadline) overrides the proposed status.
  private func finish(_ proposed: RunStatus, output: String? = nil, error: String?) -> RunReport {
    var status = proposed
    var message = error
    switch (proposed, state.stopCause) {
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
    return state.finish(status: status, output: output, error: message, now: services.clock.now)
  }
}
