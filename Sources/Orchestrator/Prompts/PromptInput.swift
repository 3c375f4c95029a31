import Foundation
import JSON

/// Wraps text that is data, not instructions (the task, context values, subtask descriptions, earlier outputs)
/// in `<input name="…">…</input>`, escaping anything inside that could close the block or open a new one.
///
/// Prompts tell the model to treat these blocks as data, so a worker's output that says "ignore the above"
/// stays a quotation inside the synthesizer's prompt instead of posing as an instruction.
enum PromptInput {
  static func delimit(_ name: String, _ text: String) -> String {
    "<input name=\"\(escapeAttribute(name))\">\n\(escapeBody(text))\n</input>"
  }

  /// A context value as prompt text: strings as they are, anything else as compact JSON.
  static func text(of value: JSONValue) -> String {
    if case .string(let text) = value { return text }
    return JSONText.encode(value)
  }

  static func escapeBody(_ text: String) -> String {
    // Scans bytes rather than using Foundation's case-insensitive search: this runs on every inserted text of
    // every prompt, and almost no text mentions the tag at all.
    let bytes = Array(text.utf8)
    var cuts: [Int] = []
    var index = bytes.firstIndex(of: UInt8(ascii: "<"))
    while let at = index {
      if startsTag(bytes, at: at + 1) { cuts.append(at) }
      index = bytes[(at + 1)...].firstIndex(of: UInt8(ascii: "<"))
    }
    guard !cuts.isEmpty else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + cuts.count * 3)
    var from = 0
    for cut in cuts {
      out += bytes[from..<cut]
      out += "&lt;".utf8
      from = cut + 1
    }
    out += bytes[from...]
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether `input` or `/input` (any case) starts at `start`.
  private static func startsTag(_ bytes: [UInt8], at start: Int) -> Bool {
    var position = start
    if position < bytes.count, bytes[position] == UInt8(ascii: "/") { position += 1 }
    let tag = "input".utf8
    guard position + tag.count <= bytes.count else { return false }
    for (offset, letter) in tag.enumerated() where bytes[position + offset] | 0x20 != letter {
      return false
    }
    return true
  }

  private static func escapeAttribute(_ text: String) -> String {
    guard
      text.utf8.contains(where: {
        $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
      })
    else { return text }
    return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
      .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }
}
