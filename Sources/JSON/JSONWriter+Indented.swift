extension JSONWriter {
  /// The value as text for people to read: keys sorted, two spaces per level, `"key": value`. Leaves are
  /// written exactly as the compact form writes them, so both read back to the same value.
  public static func indented(_ value: JSONValue, options: Options = []) -> String {
    var output: [UInt8] = []
    writeIndented(value, depth: 0, into: &output, options: options.union(.sortedKeys))
    return String(decoding: output, as: UTF8.self)
  }

  private static func writeIndented(_ value: JSONValue, depth: Int, into output: inout [UInt8], options: Options) {
    func newline(_ level: Int) {
      output.append(UInt8(ascii: "\n"))
      output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
    switch value {
    case .array(let elements) where !elements.isEmpty:
      output.append(UInt8(ascii: "["))
      for (offset, element) in elements.enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        newline(depth + 1)
        writeIndented(element, depth: depth + 1, into: &output, options: options)
      }
      newline(depth)
      output.append(UInt8(ascii: "]"))
    case .object(let members) where !members.isEmpty:
      output.append(UInt8(ascii: "{"))
      for (offset, key) in members.keys.sorted().enumerated() {
        if offset > 0 { output.append(UInt8(ascii: ",")) }
        newline(depth + 1)
        write(.string(key), into: &output, options: options)
        output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
        writeIndented(members[key]!, depth: depth + 1, into: &output, options: options)
      }
      newline(depth)
      output.append(UInt8(ascii: "}"))
    default:
      write(value, into: &output, options: options)
    }
  }
}
