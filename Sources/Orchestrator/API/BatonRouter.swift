import RPC

extension Router {
  /// Every method Baton serves. The one seam between the RPC layer and the orchestrator.
  public static func baton(registry: ProviderRegistry) -> Router {
    var router = Router()
    router.register(StatusMethod.self) { params, context in StatusMethod.handle(params, context) }
    router.register(ModelsListMethod.self) { _, _ in await ModelsListMethod.handle(registry: registry) }
    router.register(CompleteMethod.self) { params, context in
      try await CompleteMethod.handle(params, context, models: registry)
    }
    return router
  }
}
