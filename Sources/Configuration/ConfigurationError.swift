/// A configuration problem, located precisely enough to fix without guessing:
/// `baton.json: providers.openai.baseURL: expected a string, got number`. Messages name keys and
/// types, never key values.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as it was found (`baton.json`, `/home/me/.config/baton/config.json`) or `environment`.
  public var source: String
  /// The dotted key path inside the source (`providers.openai.baseURL`, or a variable name), if any.
  public var keyPath: String?
  public var problem: String

  public init(source: String, keyPath: String? = nil, problem: String) {
    self.source = source
    self.keyPath = keyPath
    self.problem = problem
  }

  /// Problems with environment variables use this source name.
  public static let environmentSource = "environment"

  public var description: String {
    [source, keyPath, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
  }
}
