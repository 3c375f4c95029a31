/// Why bytes are not JSON, and where: `offset` is the byte where the problem was found, `line` and `column`
/// (1-based, the column counted in bytes) the same place for a person reading a file.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The problem's class, for callers that word it their own way (configuration files keep the wording
  /// their users have seen in earlier releases).
  public enum Kind: Sendable, Equatable {
    /// The input stopped inside a value.
    case unexpectedEnd
    /// A byte that cannot start or continue what came before it.
    case invalidValue
    case invalidEscape
    case controlCharacter
    /// A number outside `Double`'s range, refused only under `JSONParser.Options.foundationNumbers`.
    case numberOutOfRange
    case tooDeep
  }

  public var kind: Kind
  public var message: String
  public var offset: Int
  public var line: Int
  public var column: Int

  public init(kind: Kind, message: String, offset: Int, line: Int, column: Int) {
    self.kind = kind
    self.message = message
    self.offset = offset
    self.line = line
    self.column = column
  }

  /// Wire form: JSON-RPC parse errors have always named the byte (scripts/fuzz_rpc.py checks it).
  public var description: String { "\(message) at byte \(offset)" }

  /// For people: "unexpected character 'x' at line 2, column 8".
  public var located: String { "\(message) at line \(line), column \(column)" }

  /// The line and column of byte `offset`: counted only once a parse has failed, so parsing pays nothing.
  static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
      line += 1
      lineStart = index + 1
    }
    return (line, offset - lineStart + 1)
  }
}
