import Foundation

/// A strict RFC 8259 parser from UTF-8 bytes to `JSONValue`: the program's one JSON parser (the wire,
/// configuration files, model answers, provider bodies; `Options` holds the few leniencies the latter need).
///
/// Hand-written because it sits on the hot path of every message: measured here it is about 10x
/// faster than `JSONDecoder` into an enum, and it keeps integers exact. Nesting is bounded so hostile
/// input cannot overflow the stack.
public struct JSONParser {
  public static let maxDepth = 512

  private let bytes: UnsafeBufferPointer<UInt8>
  private let options: Options
  /// `options.contains(.trailingCommas)`, read once: it is tested after every comma.
  private let allowsTrailingCommas: Bool
  private var index = 0
  private var depth = 0
  /// Set by `parseMessage`: the raw text of each message's `"id"` is kept, keyed by the message's position.
  private var capturesIDs = false
  private var topLevelIndex = 0
  private var topLevelIsArray = false
  private var rawIDs: [Int: [UInt8]] = [:]

  private init(bytes: UnsafeBufferPointer<UInt8>, options: Options = []) {
    self.bytes = bytes
    self.options = options
    self.allowsTrailingCommas = options.contains(.trailingCommas)
  }

  /// Parses exactly one JSON text (surrounding white space allowed).
  public static func parse<Bytes: ContiguousBytes>(
    _ data: Bytes, options: Options = []
  ) throws(JSONParseError) -> JSONValue {
    let outcome: Result<JSONValue, JSONParseError> = data.withUnsafeBytes { raw in
      var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self), options: options)
      do throws(Failure) {
        let value = try parser.parseDocument()
        return .success(value)
      } catch {
        return .failure(error.error(in: parser.bytes))
      }
    }
    return try outcome.get()
  }

  public static func parse(_ text: String, options: Options = []) throws(JSONParseError) -> JSONValue {
    try parse(Array(text.utf8), options: options)
  }

  /// Parses a JSON-RPC frame and also returns the raw JSON text of its `"id"` (of each element's, for a
  /// batch, keyed by position; key 0 for a single message), so a reply can echo the id byte for byte even
  /// when its value has no exact Swift form (`1e400`, `123456789012345678901234567890`, `"\ud800"`).
  public static func parseMessage<Bytes: ContiguousBytes>(
    _ data: Bytes
  ) throws(JSONParseError) -> (value: JSONValue, rawIDs: [Int: [UInt8]]) {
    let outcome: Result<(JSONValue, [Int: [UInt8]]), JSONParseError> = data.withUnsafeBytes { raw in
      var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self))
      parser.capturesIDs = true
      do throws(Failure) {
        let value = try parser.parseDocument()
        return .success((value, parser.rawIDs))
      } catch {
        return .failure(error.error(in: parser.bytes))
      }
    }
    return try outcome.get()
  }

  private mutating func parseDocument() throws(Failure) -> JSONValue {
    if options.contains(.byteOrderMark), bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
      index = 3
    }
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    guard index == bytes.count else { throw fail("unexpected data after the JSON value") }
    return value
  }

  /// The error for a problem at the current byte; `kind` defaults to what running out of input, or not,
  /// makes it. Out of line: errors are the cold path, and the parse loops stay small.
  @inline(never)
  private func fail(_ message: String, _ kind: JSONParseError.Kind? = nil) -> Failure {
    Failure(message: message, offset: index, kind: kind ?? (index >= bytes.count ? .unexpectedEnd : .invalidValue))
  }

  /// What the parse loops throw: small, because every call in the descent carries room for it; the line and
  /// column are added once, by `parse`.
  private struct Failure: Error {
    var message: String
    var offset: Int
    var kind: JSONParseError.Kind

    func error(in bytes: UnsafeBufferPointer<UInt8>) -> JSONParseError {
      let (line, column) = JSONParseError.position(of: offset, in: bytes)
      return JSONParseError(kind: kind, message: message, offset: offset, line: line, column: column)
    }
  }

  /// After a comma, where trailing commas are allowed: true (and past the bracket) when `close` follows.
  private mutating func closesAfterComma(_ close: UInt8) -> Bool {
    skipWhitespace()
    guard index < bytes.count, bytes[index] == close else { return false }
    index += 1
    return true
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(Failure) -> JSONValue {
    guard index < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
    let count = literal.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw fail("unexpected end of input") }
    let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
    for offset in 0..<count where bytes[index + offset] != expected[offset] {
      throw fail("invalid literal")
    }
    index += count
  }

  private mutating func enterContainer() throws(Failure) {
    depth += 1
    guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels", .tooDeep) }
  }

  private mutating func parseObject() throws(Failure) -> JSONValue {
    try enterContainer()
    defer { depth -= 1 }
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      index += 1
      skipWhitespace()
      let valueStart = index
      members[key] = try parseValue()
      if capturesIDs, depth == (topLevelIsArray ? 2 : 1), key == "id" {
        rawIDs[topLevelIndex] = Array(UnsafeBufferPointer(rebasing: bytes[valueStart..<index]))
      }
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of input in object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        if allowsTrailingCommas, closesAfterComma(UInt8(ascii: "}")) { return .object(members) }
        continue
      }
      guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
      index += 1
      return .object(members)
    }
  }

  private mutating func parseArray() throws(Failure) -> JSONValue {
    try enterContainer()
    defer { depth -= 1 }
    index += 1
    var elements: [JSONValue] = []
    if depth == 1 { topLevelIsArray = true }
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      if depth == 1 { topLevelIndex = elements.count }
      elements.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw fail("unexpected end of input in array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        if allowsTrailingCommas, closesAfterComma(UInt8(ascii: "]")) { return .array(elements) }
        continue
      }
      guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
      index += 1
      return .array(elements)
    }
  }

  private mutating func parseString() throws(Failure) -> String {
    index += 1
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail("control character in string", .controlCharacter) }
      index += 1
    }
    var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: scalars, as: UTF8.self)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw fail("unterminated escape") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          let scalar = try parseUnicodeEscape()
          scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw fail("invalid escape", .invalidEscape)
        }
      default:
        if byte < 0x20 { throw fail("control character in string", .controlCharacter) }
        scalars.append(byte)
        index += 1
      }
    }
    throw fail("unterminated string")
  }

  private mutating func parseHex4() throws(Failure) -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("truncated \\u escape", .unexpectedEnd) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in \\u escape", .invalidEscape)
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  /// Decodes `\uXXXX`, joining surrogate pairs; a lone surrogate becomes U+FFFD.
  private mutating func parseUnicodeEscape() throws(Failure) -> Unicode.Scalar {
    let first = try parseHex4()
    if (0xD800...0xDBFF).contains(first) {
      if index + 6 <= bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
        let save = index
        index += 2
        let second = try parseHex4()
        if (0xDC00...0xDFFF).contains(second) {
          let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
          return Unicode.Scalar(combined) ?? "\u{FFFD}"
        }
        index = save
      }
      return "\u{FFFD}"
    }
    return Unicode.Scalar(first) ?? "\u{FFFD}"
  }

  private mutating func parseNumber() throws(Failure) -> JSONValue {
    let start = index
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if isInteger, let integer = Int(text) { return .int(integer) }
    guard let double = Double(text) else { throw fail("invalid number") }
    if options.contains(.foundationNumbers) {
      if let integer = Int(exactly: double) { return .int(integer) }
      if !double.isFinite {
        index = start
        throw fail("number \(text) is out of range", .numberOutOfRange)
      }
    }
    return .double(double)
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
