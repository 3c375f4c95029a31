import RPC

extension Router {
  /// Every method Baton serves. The one seam between the RPC layer and the orchestrator.
  public static func baton() -> Router {
    var router = Router()
    router.register(StatusMethod.self) { params, context in StatusMethod.handle(params, context) }
    return router
  }
}
