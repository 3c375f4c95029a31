import Foundation

/// The job a model call does; each role has its own model, fallbacks, limits and prompt.
public enum ModelRole: String, Codable, Sendable, CaseIterable {
  case planner, worker, synthesizer, router
}
