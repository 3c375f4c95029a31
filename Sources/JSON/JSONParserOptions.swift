extension JSONParser {
  /// Departures from strict RFC 8259, each one something Foundation's `JSONDecoder` did when it parsed
  /// Baton's files, model answers and provider bodies: those inputs keep parsing exactly as before.
  /// The wire uses none of them.
  public struct Options: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `[1,]` and `{"a":1,}`: one comma before the closing bracket (models and hand-edited files write them).
    public static let trailingCommas = Options(rawValue: 1 << 0)
    /// A UTF-8 byte-order mark before the value (editors on Windows save one).
    public static let byteOrderMark = Options(rawValue: 1 << 1)
    /// A whole number written with a fraction or exponent (`1.0`, `1e2`) is an integer, and a number beyond
    /// `Double`'s range (`1e400`) is an error rather than infinity.
    public static let foundationNumbers = Options(rawValue: 1 << 2)

    /// Everything `JSONDecoder` into `JSONValue` accepted and produced.
    public static let foundationCompatible: Options = [.trailingCommas, .byteOrderMark, .foundationNumbers]
  }
}
