/// Serialises `JSONValue` to compact UTF-8 JSON: the program's one JSON writer (the wire, prompts, journals,
/// provider request bodies), differing between them only by `Options`.
///
/// Hand-written for the hot path (`JSONSerialization` encodes ~30x slower on Linux). Slashes are not
/// escaped; non-ASCII text is written as UTF-8; NaN and infinities, which JSON cannot express, become null.
/// A double is written as Swift prints it (`1.0`, `-0.0`, `1e+20`), so it reads back as a double.
public enum JSONWriter {
  /// The wire form; an overload of its own so `map(JSONWriter.bytes)` still reads.
  public static func bytes(_ value: JSONValue) -> [UInt8] {
    bytes(value, options: [])
  }

  public static func bytes(_ value: JSONValue, options: Options) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(128)
    write(value, into: &output, options: options)
    return output
  }

  public static func string(_ value: JSONValue, options: Options = []) -> String {
    String(decoding: bytes(value, options: options), as: UTF8.self)
  }

  /// `bytes`, refusing NaN and infinities instead of writing null: for bodies that must not lose a number
  /// without saying so (what `JSONEncoder` did for provider requests).
  public static func checkedBytes(_ value: JSONValue, options: Options = []) throws(NonFiniteNumber) -> [UInt8] {
    if let number = value.firstNonFiniteNumber { throw NonFiniteNumber(value: number) }
    return bytes(value, options: options)
  }

  public static func write(_ value: JSONValue, into output: inout [UInt8], options: Options = []) {
    switch value {
    case .null: output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    case .bool(true): output.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
    case .bool(false): output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
    case .int(let integer): output.append(contentsOf: String(integer).utf8)
    case .double(let double): writeDouble(double, into: &output, options: options)
    case .string(let text): writeString(text, into: &output, options: options)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        write(element, into: &output, options: options)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      output.append(UInt8(ascii: "{"))
      if options.contains(.sortedKeys) {
        for (offset, key) in members.keys.sorted().enumerated() {
          if offset > 0 { output.append(UInt8(ascii: ",")) }
          writeMember(key, members[key]!, into: &output, options: options)
        }
      } else {
        var first = true
        for (key, member) in members {
          if !first { output.append(UInt8(ascii: ",")) }
          first = false
          writeMember(key, member, into: &output, options: options)
        }
      }
      output.append(UInt8(ascii: "}"))
    }
  }

  private static func writeMember(
    _ key: String, _ member: JSONValue, into output: inout [UInt8], options: Options
  ) {
    writeString(key, into: &output, options: options)
    output.append(UInt8(ascii: ":"))
    write(member, into: &output, options: options)
  }

  public static func writeDouble(_ double: Double, into output: inout [UInt8], options: Options = []) {
    guard double.isFinite else {
      output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
      return
    }
    // Whole numbers through `Int` (several times cheaper than printing a double); -0.0 keeps its sign.
    if double == double.rounded(), abs(double) < 1e15, double != 0 || double.sign == .plus {
      output.append(contentsOf: String(Int(double)).utf8)
      if !options.contains(.foundationFormatting) { output.append(contentsOf: [0x2E, 0x30]) }
      return
    }
    var text = "\(double)"
    if options.contains(.foundationFormatting), text.hasSuffix(".0") { text.removeLast(2) }
    output.append(contentsOf: text.utf8)
  }
}
