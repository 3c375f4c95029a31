import Foundation
import JSON

/// Writes one JSON object as UTF-8 bytes, field by field.
///
/// For the records written once per model call (journal steps): `JSONEncoder` builds a tree of boxed values
/// and costs about 20 µs for such a record, this about a tenth of that. The output decodes with `JSONDecoder`
/// like the `Codable` form (the journal tests check exactly that).
struct JSONLineWriter {
  private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = []

  init(capacity: Int = 1024) {
    bytes.reserveCapacity(capacity)
  }

  mutating func beginObject() {
    bytes.append(UInt8(ascii: "{"))
    needsComma.append(false)
  }

  mutating func endObject() {
    bytes.append(UInt8(ascii: "}"))
    needsComma.removeLast()
  }

  mutating func beginArray(_ key: String) {
    self.key(key)
    bytes.append(UInt8(ascii: "["))
    needsComma.append(false)
  }

  mutating func endArray() {
    bytes.append(UInt8(ascii: "]"))
    needsComma.removeLast()
  }

  /// Starts an object as the next element of the array being written.
  mutating func beginElement() {
    separate()
    beginObject()
  }

  mutating func beginObject(_ key: String) {
    self.key(key)
    beginObject()
  }

  mutating func field(_ key: String, _ value: String?) {
    guard let value else { return }
    self.key(key)
    string(value)
  }

  mutating func field(_ key: String, _ value: Int?) {
    guard let value else { return }
    self.key(key)
    bytes += String(value).utf8
  }

  mutating func field(_ key: String, _ value: Double?) {
    guard let value else { return }
    self.key(key)
    bytes += (value.isFinite ? String(value) : "null").utf8
  }

  mutating func field(_ key: String, _ value: JSONValue?) {
    guard let value else { return }
    self.key(key)
    var text = ""
    JSONText.append(value, to: &text)
    bytes += text.utf8
  }

  private mutating func separate() {
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
  }

  private mutating func key(_ key: String) {
    separate()
    string(key)
    bytes.append(UInt8(ascii: ":"))
  }

  private mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      // Copy runs of plain bytes in one go; only quotes, backslashes and control bytes need escaping.
      var runStart = 0
      for (index, byte) in utf8.enumerated()
      where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        runStart = index + 1
        switch byte {
        case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        default:
          let hex = Array("0123456789abcdef".utf8)
          bytes += [
            UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
            hex[Int(byte & 15)],
          ]
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
