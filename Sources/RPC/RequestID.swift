import JSON

/// A request id: its value (string, number or null), and the JSON text the peer wrote for it.
///
/// Replies echo `text` byte for byte, because a value does not always survive the trip through Swift:
/// `123456789012345678901234567890` is no `Int`, `1e400` is no finite `Double`, and `"\ud800"` (a lone
/// surrogate) is no `String`. Ids are matched by value (a cancel names the id by value too), so ids that
/// differ only in such unrepresentable detail count as the same id.
public struct RequestID: Hashable, Sendable, CustomStringConvertible {
  public let value: JSONValue
  /// The id's JSON text as the peer sent it; nil for ids Baton made itself.
  private let text: [UInt8]?

  public init(_ value: JSONValue) { self.init(value, text: nil) }
  public init(_ integer: Int) { self.init(.int(integer)) }
  public init(_ string: String) { self.init(.string(string)) }

  private init(_ value: JSONValue, text: [UInt8]?) {
    self.value = value
    self.text = text
  }

  public static let null = RequestID(JSONValue.null)

  /// Only strings, numbers and null are ids. `text` is the raw JSON the value was parsed from.
  static func validated(_ value: JSONValue, text: [UInt8]? = nil) -> RequestID? {
    switch value {
    case .string, .int, .double, .null: return RequestID(value, text: text)
    default: return nil
    }
  }

  /// Appends the id as JSON: the peer's own text when there is one.
  public func write(into output: inout [UInt8]) {
    if let text { output.append(contentsOf: text) } else { JSONWriter.write(value, into: &output) }
  }

  /// The id as JSON text, exactly as it goes on the wire.
  public var json: [UInt8] {
    var output: [UInt8] = []
    write(into: &output)
    return output
  }

  public static func == (lhs: RequestID, rhs: RequestID) -> Bool { lhs.value == rhs.value }
  public func hash(into hasher: inout Hasher) { hasher.combine(value) }

  /// Strings are quoted so `1` and `"1"` read differently in logs.
  public var description: String { String(decoding: json, as: UTF8.self) }
}
