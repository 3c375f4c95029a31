/// The shared time axis of the timeline: a round tick step (1, 2 or 5 × 10ⁿ seconds below a minute, then
/// 1, 2, 5, 10, 15, 30 minutes, hours) giving at most `maxTicks` intervals over the run, and the axis length
/// rounded up to a whole number of steps.
struct TimelineAxis {
  /// Seconds between ticks.
  var step: Double
  /// The axis length in seconds (a multiple of `step`, at least the run's span).
  var length: Double

  static let steps: [Double] =
    [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30]
    + [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

  init(span: Double, maxTicks: Int = 8) {
    let span = max(span, 0.001)
    var candidate = Self.steps.first { span / $0 <= Double(maxTicks) }
      ?? Self.steps.last! * (span / Self.steps.last! / Double(maxTicks)).rounded(.up)
    if !candidate.isFinite || candidate <= 0 { candidate = 1 }
    step = candidate
    length = max(candidate, (span / candidate).rounded(.up) * candidate)
  }

  /// The tick positions, from 0 to `length` inclusive.
  var ticks: [Double] {
    let count = Int((length / step).rounded())
    return (0...count).map { Double($0) * step }
  }

  /// Where `seconds` falls along the axis, in percent.
  func percent(_ seconds: Double) -> Double {
    length > 0 ? min(100, max(0, seconds / length * 100)) : 0
  }
}
