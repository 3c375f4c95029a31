import Foundation

/// Percent-encoding for values placed in URL paths and queries (Bedrock model ids contain `:` and, for
/// ARNs, `/`; page tokens may contain anything).
enum PathComponent {
  private static let unreserved = CharacterSet(
    charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

  /// Every byte outside RFC 3986's unreserved set, percent-encoded.
  static func encode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
  }
}
