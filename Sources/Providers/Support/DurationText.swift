import Foundation

/// Parses the duration strings providers put in headers and bodies.
package enum DurationText {
  /// Go-style durations as OpenAI and Groq send in `x-ratelimit-reset-*`: `1s`, `6m0s`, `120ms`,
  /// `1h2m3.5s`, `7.66s`, also `µs`/`us`/`ns`. A bare number is taken as seconds. Returns seconds.
  static func seconds(fromGoDuration text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { return nil }
    if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
    var total = 0.0
    var rest = Substring(trimmed)
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number) else { return nil }
      rest = rest.dropFirst(number.count)
      let unit = rest.prefix { !($0.isNumber || $0 == ".") }
      rest = rest.dropFirst(unit.count)
      switch unit {
      case "h": total += value * 3600
      case "m": total += value * 60
      case "s": total += value
      case "ms": total += value / 1_000
      case "us", "µs", "μs": total += value / 1_000_000
      case "ns": total += value / 1_000_000_000
      default: return nil
      }
    }
    return total
  }

  /// Protobuf JSON durations as Gemini sends in `RetryInfo.retryDelay`: `"37s"`, `"0.5s"`.
  static func seconds(fromProtobufDuration text: String) -> Double? {
    guard text.hasSuffix("s"), let value = Double(text.dropLast()), value >= 0 else { return nil }
    return value
  }

  /// An HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms.
  static func date(fromHTTPDate text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) { return date }
    }
    return nil
  }

  /// An RFC 3339 timestamp as Anthropic sends in `anthropic-ratelimit-*-reset`, with or without fractions.
  static func date(fromRFC3339 text: String) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) { return date }
    return try? Date.ISO8601FormatStyle().parse(trimmed)
  }

  /// Seconds as a `Duration`, rounded to the millisecond; negative values and NaN become zero, and
  /// anything past a year (a `Retry-After: 1e300` from a broken server) becomes a year.
  package static func duration(seconds: Double) -> Duration {
    guard seconds > 0 else { return .zero }
    return .milliseconds(Int64((min(seconds, maxSeconds) * 1000).rounded()))
  }

  /// The longest duration read from outside: a year.
  static let maxSeconds: Double = 31_536_000
}

extension Duration {
  /// The duration in seconds as a floating-point number.
  package var secondsValue: Double {
    let parts = components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
  }

  /// The duration in milliseconds, for `ChatResult.latencyMs`.
  var millisecondsValue: Double { secondsValue * 1000 }
}
