import Foundation

/// Where retry jitter comes from. Injected so tests can make backoff delays exact.
public protocol RandomSource: Sendable {
  /// A number in `0..<1`.
  func nextUnit() -> Double
}

/// The system's random number generator.
public struct SystemRandomSource: RandomSource {
  public init() {}
  public func nextUnit() -> Double { Double.random(in: 0..<1) }
}
