import Foundation
import RPC

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
    // Fast path: almost no output mentions the tag at all.
    guard text.range(of: "<input", options: .caseInsensitive) != nil
      || text.range(of: "</input", options: .caseInsensitive) != nil
    else { return text }
    var out = ""
    var rest = text[...]
    while let range = rest.range(of: "<", options: []) {
      out += rest[..<range.lowerBound]
      let after = rest[range.upperBound...]
      let head = after.prefix(6).lowercased()
      if head.hasPrefix("input") || head.hasPrefix("/input") {
        out += "&lt;"
      } else {
        out += "<"
      }
      rest = after
    }
    out += rest
    return out
  }

  private static func escapeAttribute(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
      .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
  }
}
