import Foundation

/// One optional value per `ModelRole`: a run's models, prompt templates. On the wire and in the configuration
/// it is an object keyed by role name (`{"planner": …, "worker": …}`); a role left out is nil.
public struct PerRole<Value: Sendable>: Sendable {
  public var planner: Value?
  public var worker: Value?
  public var synthesizer: Value?
  /// Documented for the router the routing work will add; nothing reads it yet.
  public var router: Value?

  public init(planner: Value? = nil, worker: Value? = nil, synthesizer: Value? = nil, router: Value? = nil) {
    self.planner = planner
    self.worker = worker
    self.synthesizer = synthesizer
    self.router = router
  }

  public subscript(role: ModelRole) -> Value? {
    get {
      switch role {
      case .planner: return planner
      case .worker: return worker
      case .synthesizer: return synthesizer
      case .router: return router
      }
    }
    set {
      switch role {
      case .planner: planner = newValue
      case .worker: worker = newValue
      case .synthesizer: synthesizer = newValue
      case .router: router = newValue
      }
    }
  }

  /// `self`'s values where set, otherwise `fallback`'s: a request's choices over the configuration's.
  package func overriding(_ fallback: PerRole) -> PerRole {
    PerRole(
      planner: planner ?? fallback.planner, worker: worker ?? fallback.worker,
      synthesizer: synthesizer ?? fallback.synthesizer, router: router ?? fallback.router)
  }
}

extension PerRole: Equatable where Value: Equatable {}
extension PerRole: Codable where Value: Codable {}
