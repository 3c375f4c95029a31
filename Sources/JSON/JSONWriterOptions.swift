extension JSONWriter {
  /// How the text is laid out; the default is the wire's compact form, keys in dictionary order.
  public struct Options: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Keys in `String` order: the same value always gives the same text (prompts, journals, request
    /// bodies that tests and caches compare).
    public static let sortedKeys = Options(rawValue: 1 << 0)
    /// The number and escape spellings of Foundation's `JSONEncoder`: a whole double without its fraction
    /// (`1`, `-0`; `1e+20` as Swift prints it), `\b` and `\f` as short escapes. Provider request
    /// bodies were written by `JSONEncoder`; with this they stay byte for byte the same.
    public static let foundationFormatting = Options(rawValue: 1 << 1)
  }

  /// A NaN or infinity in a value `checkedBytes` was asked to write.
  public struct NonFiniteNumber: Error, Sendable, Equatable, CustomStringConvertible {
    public var value: Double
    public var description: String { "\(value) cannot be written as JSON" }
  }
}

extension JSONValue {
  /// The first NaN or infinity inside the value, if any.
  var firstNonFiniteNumber: Double? {
    switch self {
    case .double(let double): return double.isFinite ? nil : double
    case .array(let elements): return elements.lazy.compactMap(\.firstNonFiniteNumber).first
    case .object(let members): return members.values.lazy.compactMap(\.firstNonFiniteNumber).first
    default: return nil
    }
  }
}
