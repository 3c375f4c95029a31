/// Escapes untrusted text (tasks, prompts, model outputs, error messages) for HTML.
///
/// Every piece of journal text goes through `escape` before it reaches the page, in element content and in
/// quoted attribute values alike, so `<script>` in a model's output renders as text and cannot close an
/// attribute. Control characters other than tab, newline and carriage return are shown as `\u{…}` escapes
/// rather than passed to the browser.
enum HTMLText {
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}
