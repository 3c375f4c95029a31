/// A request id, kept as the exact JSON the peer sent (string, integer, or null) so it is echoed unchanged.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
  public let value: JSONValue

  public init(_ value: JSONValue) { self.value = value }
  public init(_ integer: Int) { value = .int(integer) }
  public init(_ string: String) { value = .string(string) }

  public static let null = RequestID(JSONValue.null)

  /// Only strings, numbers and null are ids.
  static func validated(_ value: JSONValue) -> RequestID? {
    switch value {
    case .string, .int, .double, .null: return RequestID(value)
    default: return nil
    }
  }

  /// Strings are quoted so `1` and `"1"` read differently in logs.
  public var description: String { JSONWriter.string(value) }
}
