import Foundation

/// How the report page words numbers and times: short, unambiguous, the same on every machine (no locale).
enum ReportFormat {
  /// `0.4 ms`, `153 ms`, `1.53 s`, `12.3 s`, `2 min 05 s`, `1 h 02 min`.
  static func duration(milliseconds: Double) -> String {
    let ms = max(0, milliseconds)
    if ms < 1 { return ms == 0 ? "0 ms" : String(format: "%.1f ms", ms) }
    if ms < 1000 { return "\(Int(ms.rounded())) ms" }
    let seconds = ms / 1000
    if seconds < 10 { return String(format: "%.2f s", seconds) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
    return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
  }

  /// The unit of a time axis `length` seconds long, and how many seconds one unit is.
  static func axisUnit(length: Double) -> (name: String, seconds: Double) {
    if length < 1 { return ("ms", 0.001) }
    if length < 180 { return ("s", 1) }
    if length < 3 * 3600 { return ("min", 60) }
    return ("h", 3600)
  }

  /// A tick label on a time axis `length` seconds long: a number in the axis' unit (`250`, `1.5`); the page
  /// puts the unit after the last one.
  static func tick(seconds: Double, length: Double) -> String {
    let value = seconds / axisUnit(length: length).seconds
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  /// `12,345`.
  static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
  }

  /// `$0.00`, `$0.000123`, `$0.0421`, `$12.40`; `—` when the price is unknown.
  static func cost(_ value: Double?) -> String {
    guard let value else { return "—" }
    if value == 0 { return "$0.00" }
    if value >= 1 { return String(format: "$%.2f", value) }
    if value >= 0.01 { return String(format: "$%.4f", value) }
    return String(format: "$%.6f", value)
  }

  /// `2026-11-21 11:34:24 UTC`.
  static func timestamp(_ secondsSince1970: Double) -> String {
    var seconds = time_t(secondsSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(
      format: "%04d-%02d-%02d %02d:%02d:%02d UTC", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
      parts.tm_hour, parts.tm_min, parts.tm_sec)
  }

  /// `2026-11-21T11:34:24.786Z`, for `<time datetime>`.
  static func iso8601(_ secondsSince1970: Double) -> String {
    Date(timeIntervalSince1970: secondsSince1970).formatted(
      Date.ISO8601FormatStyle(includingFractionalSeconds: true))
  }
}
