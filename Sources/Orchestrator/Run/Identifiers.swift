import Foundation

/// Ids for runs and plans: a kind prefix, the UTC time (so journal files sort by start), and random bits.
package enum Identifiers {
  static func make(_ prefix: String) -> String {
    var seconds = time(nil)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    let stamp = String(
      format: "%04d%02d%02dT%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
      parts.tm_min, parts.tm_sec)
    let random = String(UInt64.random(in: 0...UInt64.max) & 0xff_ffff_ffff, radix: 36)
    return "\(prefix)-\(stamp)-\(random)"
  }

  /// Whether `id` is safe to use as a file name (no path separators, no dot-dot tricks).
  package static func isSafe(_ id: String) -> Bool {
    !id.isEmpty && id.count <= 128
      && id.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
          || byte == 0x2d || byte == 0x5f
      }
  }
}
