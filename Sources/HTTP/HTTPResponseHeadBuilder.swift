/// Assembles a response head from the raw header lines libcurl delivers one at a time.
///
/// Interim `1xx` heads are skipped, and lines after the final head (chunked trailers) are ignored,
/// so exactly one head comes out per response.
struct HTTPResponseHeadBuilder {
  private var status = 0
  private var fields: [(String, String)] = []
  /// Set once the final head is complete.
  private(set) var isComplete = false

  /// What has arrived so far, for a response that ends without the blank line (nil before a status line).
  var partialHead: HTTPResponseHead? {
    status > 0 ? HTTPResponseHead(status: status, headers: HTTPHeaders(fields)) : nil
  }

  /// Takes one header line, with or without its line ending. Returns the head when this line completes it.
  mutating func consume(line rawLine: some Collection<UInt8>) -> HTTPResponseHead? {
    guard !isComplete else { return nil }
    var line = Array(rawLine)
    while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") { line.removeLast() }

    if line.isEmpty { return completeHead() }
    if line.starts(with: Array("HTTP/".utf8)) {
      startHead(statusLine: line)
    } else if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
      appendContinuation(line)
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
      fields.append((text(line[..<colon]), trimmedText(line[(colon + 1)...])))
    }
    return nil
  }

  private mutating func completeHead() -> HTTPResponseHead? {
    guard status > 0 else { return nil }
    if (100..<200).contains(status) {
      // "100 Continue", "103 Early Hints": the real head follows.
      status = 0
      fields = []
      return nil
    }
    isComplete = true
    return partialHead
  }

  private mutating func startHead(statusLine: [UInt8]) {
    let parts = statusLine.split(separator: UInt8(ascii: " "), maxSplits: 2)
    status = parts.count >= 2 ? Int(text(parts[1])) ?? 0 : 0
    fields = []
  }

  /// Obsolete line folding: a line starting with white space continues the previous value.
  private mutating func appendContinuation(_ line: [UInt8]) {
    guard let last = fields.popLast() else { return }
    fields.append((last.0, last.1 + " " + trimmedText(line[...])))
  }

  private func text(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  private func trimmedText(_ bytes: ArraySlice<UInt8>) -> String {
    let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    guard let first = bytes.firstIndex(where: { !isBlank($0) }),
      let last = bytes.lastIndex(where: { !isBlank($0) })
    else { return "" }
    return text(bytes[first...last])
  }
}
