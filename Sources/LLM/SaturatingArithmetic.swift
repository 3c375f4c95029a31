/// Arithmetic on counts that come from outside (a provider's usage, a header, a file): it stops at the
/// end of `Int`'s range instead of trapping, since one absurd number from a server must not end the process.
extension Int {
  /// `self + other`, pinned to `Int.min`...`Int.max`.
  package func adding(saturating other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other > 0 ? .max : .min) : sum
  }

  /// The whole part of `value`, pinned to `Int`'s range; nil for NaN.
  package init?(saturating value: Double) {
    guard !value.isNaN else { return nil }
    if value >= 9.2e18 {
      self = .max
    } else if value <= -9.2e18 {
      self = .min
    } else {
      self = Int(value.rounded(.towardZero))
    }
  }
}
