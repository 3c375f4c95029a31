import Configuration
import Orchestrator
import RPC

/// What the methods are served by.
public struct BatonServices: Sendable {
  public var registry: ProviderRegistry
  public var engine: Engine
  /// How long a `plan/approve` request waits for the client.
  public var approvalTimeout: Duration

  public init(registry: ProviderRegistry, engine: Engine, approvalTimeout: Duration = .seconds(900)) {
    self.registry = registry
    self.engine = engine
    self.approvalTimeout = approvalTimeout
  }
}

extension Router {
  /// Every method Baton serves. The one seam between the RPC layer and the orchestrator.
  public static func baton(_ services: BatonServices) -> Router {
    let registry = services.registry
    let engine = services.engine
    var router = Router()
    router.register(StatusMethod.self) { params, context in StatusMethod.handle(params, context) }
    router.register(ModelsListMethod.self) { _, _ in await ModelsListMethod.handle(registry: registry) }
    router.register(CompleteMethod.self) { params, context in
      try await CompleteMethod.handle(params, context, models: registry)
    }
    router.register(PlanMethod.self) { request, _ in try await engine.plan(request) }
    router.register(RunSubtaskMethod.self) { request, _ in try await engine.runSubtask(request) }
    router.register(SynthesizeMethod.self) { request, _ in try await engine.synthesize(request) }
    router.register(RunMethod.self) { request, context in
      let relay = RunProgressRelay(context.progress)
      let approver = ClientPlanApprover(connection: context.connection, timeout: services.approvalTimeout)
      let decoding = ContinuousClock.now - context.receivedAt
      return try await engine.run(request, approver: approver, elapsedBeforeStart: decoding.secondsValue) { event in
        context.notifyAboutRequest(RunEventNotification.self, event)
        relay.observe(event)
      }
    }
    router.register(CancelMethod.self) { params, _ in
      switch (params.runId, params.planId) {
      case (let runId?, _): return CancelMethod.Result(cancelled: await engine.cancel(runId: runId))
      case (nil, let planId?): return CancelMethod.Result(cancelled: await engine.cancel(planId: planId))
      case (nil, nil): throw RPCError.invalidParams("invalid params: give 'runId' or 'planId'")
      }
    }
    router.register(RunsGetMethod.self) { params, _ in try await engine.report(runId: params.runId) }
    router.register(RunsListMethod.self) { _, _ in RunsListMethod.Result(runs: await engine.runs()) }
    return router
  }
}
