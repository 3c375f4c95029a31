import Foundation

/// Removes configured secrets (API keys, tokens) from text and bytes that leave Baton.
///
/// Provider error bodies echo the key they rejected ("Incorrect API key provided: sk-..."), a misbehaving
/// gateway can echo it in a completion, and a user can paste one into a task; so the provider layer, the
/// protocol output, the journal and the logs all pass through one of these, with one marker.
public struct SecretRedactor: Sendable {
  public static let marker = "[REDACTED]"
  private static let markerBytes = Array(marker.utf8)

  /// Longest first, so a key that contains another key is removed whole.
  private let secrets: [String]
  private let secretBytes: [[UInt8]]

  public init(secrets: [String]) {
    // Very short values (a placeholder like "x") would mangle ordinary text; real keys are long.
    self.secrets = Array(Set(secrets.filter { $0.utf8.count >= Self.minimumLength })).sorted {
      $0.utf8.count > $1.utf8.count
    }
    secretBytes = self.secrets.map { Array($0.utf8) }
  }

  /// Shorter values are not treated as secrets.
  public static let minimumLength = 6

  public static let none = SecretRedactor(secrets: [])

  public var isEmpty: Bool { secrets.isEmpty }

  public func redact(_ text: String) -> String {
    var result = text
    for secret in secrets where result.contains(secret) {
      result = result.replacingOccurrences(of: secret, with: Self.marker)
    }
    return result
  }

  /// Replaces every secret in UTF-8 (or JSON) bytes. Returns the input itself when there is none, which
  /// is the common case and costs one scan per secret.
  public func redact(_ bytes: [UInt8]) -> [UInt8] {
    var result = bytes
    for secret in secretBytes {
      guard let first = Self.firstIndex(of: secret, in: result, from: 0) else { continue }
      var output: [UInt8] = []
      output.reserveCapacity(result.count)
      var start = 0
      var found: Int? = first
      while let index = found {
        output.append(contentsOf: result[start..<index])
        output.append(contentsOf: Self.markerBytes)
        start = index + secret.count
        found = Self.firstIndex(of: secret, in: result, from: start)
      }
      output.append(contentsOf: result[start...])
      result = output
    }
    return result
  }

  /// How many bytes at the end of `text` could be the start of a secret: a stream must hold those back
  /// until the next piece shows whether the secret is completed.
  public func heldBackCount(_ text: String) -> Int {
    let bytes = Array(text.utf8)
    var longest = 0
    for secret in secretBytes {
      let limit = min(secret.count - 1, bytes.count)
      guard limit > longest else { continue }
      for length in stride(from: limit, to: longest, by: -1)
      where bytes[(bytes.count - length)...].elementsEqual(secret[..<length]) {
        longest = length
        break
      }
    }
    return longest
  }

  private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard let head = needle.first, haystack.count - start >= needle.count else { return nil }
    var index = start
    let last = haystack.count - needle.count
    while index <= last {
      if haystack[index] == head, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
      index += 1
    }
    return nil
  }
}
