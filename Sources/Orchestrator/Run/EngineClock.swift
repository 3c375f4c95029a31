import Foundation

/// The engine's view of time: seconds since the engine was created, and sleeping until such a moment.
///
/// It wraps any `Clock<Duration>` once, so the rest of the engine works with plain `Double` seconds
/// (cheap arithmetic in the rate limiter and scheduler) while tests still inject a manual clock.
struct EngineClock: Sendable {
  private let elapsed: @Sendable () -> Double
  private let sleeper: @Sendable (Double) async throws -> Void

  init(_ clock: any Clock<Duration>) {
    self = Self.wrapping(clock)
  }

  private init(elapsed: @escaping @Sendable () -> Double, sleeper: @escaping @Sendable (Double) async throws -> Void) {
    self.elapsed = elapsed
    self.sleeper = sleeper
  }

  private static func wrapping<C: Clock>(_ clock: C) -> EngineClock where C.Duration == Duration {
    let origin = clock.now
    return EngineClock(
      elapsed: { origin.duration(to: clock.now).seconds },
      sleeper: { moment in
        try await clock.sleep(until: origin.advanced(by: .seconds(Self.representable(moment))), tolerance: nil)
      }
    )
  }

  /// A moment `Duration` can hold: NaN is now (zero), and anything past about 300 years is that far
  /// away, so no value that slipped past the checks can trap in the conversion.
  private static func representable(_ moment: Double) -> Double {
    moment.isNaN ? 0 : min(max(moment, 0), 1e10)
  }

  /// Seconds since the engine started.
  var now: Double { elapsed() }

  /// Sleeps until `moment` (engine seconds); returns at once when it has passed. Throws on cancellation.
  func sleep(until moment: Double) async throws {
    try await sleeper(moment)
  }

  /// Sleeps for `seconds`; throws on cancellation.
  func sleep(for seconds: Double) async throws {
    try await sleeper(now + seconds)
  }
}

extension Duration {
  /// The duration as fractional seconds.
  var seconds: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
  }
}
