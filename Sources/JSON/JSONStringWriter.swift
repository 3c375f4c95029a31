extension JSONWriter {
  private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// Writes `text` as a JSON string. Runs of bytes that need no escape are copied in one go: only quotes,
  /// backslashes and control bytes are escaped (`/` and non-ASCII text are written as they are).
  public static func writeString(_ text: String, into output: inout [UInt8], options: Options = []) {
    output.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      var runStart = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        runStart = index + 1
        writeEscape(byte, into: &output, options: options)
      }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }
    output.append(UInt8(ascii: "\""))
  }

  private static func writeEscape(_ byte: UInt8, into output: inout [UInt8], options: Options) {
    switch byte {
    case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
    case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    case 0x08 where options.contains(.foundationFormatting): output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
    case 0x0C where options.contains(.foundationFormatting): output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
    default:
      output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
      output.append(hexDigits[Int(byte >> 4)])
      output.append(hexDigits[Int(byte & 0x0F)])
    }
  }
}
