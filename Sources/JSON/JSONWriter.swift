/// Serialises `JSONValue` to compact UTF-8 JSON.
///
/// Hand-written for the hot path (`JSONSerialization` encodes ~30x slower on Linux). Slashes are not
/// escaped; non-ASCII text is written as UTF-8; NaN and infinities, which JSON cannot express, become null.
public enum JSONWriter {
  public static func bytes(_ value: JSONValue) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(128)
    write(value, into: &output)
    return output
  }

  public static func string(_ value: JSONValue) -> String {
    String(decoding: bytes(value), as: UTF8.self)
  }

  public static func write(_ value: JSONValue, into output: inout [UInt8]) {
    switch value {
    case .null: output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    case .bool(true): output.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
    case .bool(false): output.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
    case .int(let integer): output.append(contentsOf: String(integer).utf8)
    case .double(let double):
      if double.isFinite {
        if double == double.rounded(), abs(double) < 1e15 {
          output.append(contentsOf: String(Int(double)).utf8)
          output.append(contentsOf: [0x2E, 0x30])
        } else {
          output.append(contentsOf: "\(double)".utf8)
        }
      } else {
        output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
      }
    case .string(let text): writeString(text, into: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        write(element, into: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      output.append(UInt8(ascii: "{"))
      var first = true
      for (key, member) in members {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        writeString(key, into: &output)
        output.append(UInt8(ascii: ":"))
        write(member, into: &output)
      }
      output.append(UInt8(ascii: "}"))
    }
  }

  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  public static func writeString(_ text: String, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0x00..<0x20:
        output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0F)])
      default: output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}
