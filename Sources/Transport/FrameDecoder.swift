import Foundation

/// Splits an incoming byte stream into frames, incrementally: bytes may arrive split anywhere.
///
/// A pure value with no I/O, so every split of every input can be tested. After an error it
/// resynchronises where the framing allows: an oversized or undecodable LSP body is skipped by its
/// declared length, a header block without a length is dropped up to the next `Content-Length`,
/// a body that turns out to hold the next frame's `Content-Length` line (its declared length was too
/// long) is cut there, and an oversized line is dropped up to its newline.
public struct FrameDecoder: Sendable {
  /// One step of decoding: a complete frame, or a reason some bytes were dropped.
  public enum Output: Sendable, Equatable {
    case frame([UInt8])
    case error(FramingError)
  }

  /// Header blocks longer than this are malformed; real ones are under 100 bytes.
  public static let maxHeaderBytes = 8192

  /// The framing in use: fixed at creation, or sniffed from the first non-blank byte.
  public private(set) var framing: Framing?
  public let maxFrameBytes: Int

  private var buffer: [UInt8] = []
  /// Index of the first unconsumed byte in `buffer`; consumed bytes are compacted away lazily.
  private var start = 0
  /// Where the newline search resumes, so a long line is scanned once, not once per chunk.
  private var scanFrom = 0
  /// Body bytes still to drop after a refused LSP frame.
  private var skipRemaining = 0
  /// Body length of an LSP frame whose header has been read.
  private var pendingBodyLength: Int?
  /// How much of the pending body (from `start`) is known to hold no `Content-Length` line, so a
  /// large body arriving in many chunks is searched once.
  private var pendingBodySearched = 0
  /// Dropping bytes until the next `Content-Length` header after a header block without one.
  private var huntingForHeader = false
  /// Dropping the rest of an oversized line.
  private var discardingLine = false

  public init(framing: Framing? = nil, maxFrameBytes: Int = 16 * 1024 * 1024) {
    self.framing = framing
    self.maxFrameBytes = maxFrameBytes
  }

  /// Bytes received but not yet returned as frames.
  public var bufferedByteCount: Int { buffer.count - start }

  /// Whether the buffered bytes hold the beginning of a frame (not just white space or skipped bytes).
  public var hasPartialFrame: Bool {
    if pendingBodyLength != nil { return true }
    if skipRemaining > 0 || huntingForHeader || discardingLine { return false }
    return buffer[start...].contains { !Self.isWhitespace($0) }
  }

  public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    if start > 0 && start >= buffer.count / 2 {
      buffer.removeSubrange(0..<start)
      scanFrom -= start
      start = 0
    }
    buffer.append(contentsOf: bytes)
  }

  /// The next frame or error, or nil when more bytes are needed.
  public mutating func next() -> Output? {
    while true {
      if framing == nil {
        switch sniffFraming() {
        case .needMoreBytes: return nil
        case .unusable(let error): return .error(error)
        case .decided: break
        }
      }
      switch framing! {
      case .contentLength:
        return nextContentLengthFrame()
      case .newline:
        return nextLine()
      }
    }
  }

  // MARK: - Sniffing

  private enum SniffOutcome {
    case needMoreBytes
    case decided
    case unusable(FramingError)
  }

  /// Decides the framing from the first non-blank byte.
  private mutating func sniffFraming() -> SniffOutcome {
    skipWhitespace()
    guard start < buffer.count else { return .needMoreBytes }
    let first = buffer[start]
    if let sniffed = Framing.sniff(firstByte: first) {
      framing = sniffed
      scanFrom = start
      return .decided
    }
    // Unusable byte: drop its line so the next line can be judged afresh.
    if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
      start = newline + 1
    } else {
      start = buffer.count
    }
    return .unusable(.unrecognisedFraming(firstByte: first))
  }

  private mutating func skipWhitespace() {
    while start < buffer.count, Self.isWhitespace(buffer[start]) { start += 1 }
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  // MARK: - Newline-delimited JSON

  private mutating func nextLine() -> Output? {
    while true {
      if discardingLine {
        guard let newline = firstNewline() else {
          start = buffer.count
          scanFrom = start
          return nil
        }
        start = newline + 1
        scanFrom = start
        discardingLine = false
      }
      guard let newline = firstNewline() else {
        let pending = buffer.count - start
        if pending > maxFrameBytes {
          discardingLine = true
          start = buffer.count
          scanFrom = start
          return .error(.frameTooLarge(size: pending, limit: maxFrameBytes))
        }
        return nil
      }
      var end = newline
      if end > start && buffer[end - 1] == 0x0D { end -= 1 }
      let lineStart = start
      start = newline + 1
      scanFrom = start
      if buffer[lineStart..<end].allSatisfy(Self.isWhitespace) { continue }
      if end - lineStart > maxFrameBytes {
        return .error(.frameTooLarge(size: end - lineStart, limit: maxFrameBytes))
      }
      return .frame(Array(buffer[lineStart..<end]))
    }
  }

  private mutating func firstNewline() -> Int? {
    if let newline = buffer[scanFrom...].firstIndex(of: UInt8(ascii: "\n")) { return newline }
    scanFrom = buffer.count
    return nil
  }

  // MARK: - Content-Length (LSP)

  private mutating func nextContentLengthFrame() -> Output? {
    while true {
      if skipRemaining > 0 {
        let dropped = min(skipRemaining, buffer.count - start)
        start += dropped
        skipRemaining -= dropped
        if skipRemaining > 0 { return nil }
      }
      if let length = pendingBodyLength {
        return nextPendingBody(length: length)
      }
      if huntingForHeader {
        guard huntForHeader() else { return nil }
      }
      skipWhitespace()
      guard start < buffer.count else { return nil }
      guard let (headerEnd, bodyStart) = findHeaderEnd() else {
        if buffer.count - start > Self.maxHeaderBytes {
          start += 1
          huntingForHeader = true
          return .error(.malformedHeader("no blank line within \(Self.maxHeaderBytes) bytes of headers"))
        }
        return nil
      }
      let header = buffer[start..<headerEnd]
      start = bodyStart
      switch Self.parseHeader(header) {
      case .failure(let error):
        huntingForHeader = true
        return .error(error)
      case .success(let fields):
        if fields.length > maxFrameBytes {
          skipRemaining = fields.length
          return .error(.frameTooLarge(size: fields.length, limit: maxFrameBytes))
        }
        if let charset = fields.refusedCharset {
          skipRemaining = fields.length
          return .error(.unsupportedCharset(charset))
        }
        pendingBodyLength = fields.length
      }
    }
  }

  /// The pending body once it is whole, or an error as soon as a `Content-Length` line shows up inside
  /// it: searched as bytes arrive, because a too-long declared length may never be filled otherwise.
  private mutating func nextPendingBody(length: Int) -> Output? {
    let bodyEnd = start + length
    let candidatesEnd = min(buffer.count, bodyEnd)
    switch EmbeddedHeader.search(buffer, from: start + pendingBodySearched, candidatesEnd: candidatesEnd) {
    case .found(let header):
      let received = header - start
      start = header
      pendingBodyLength = nil
      pendingBodySearched = 0
      return .error(.bodyInterrupted(declared: length, received: received))
    case .undecided(let candidate):
      // Wait for the bytes that decide it. A valid JSON body never ends in the start of a header line,
      // so a whole valid body is never held back here.
      pendingBodySearched = candidate - start
      return nil
    case .none:
      pendingBodySearched = candidatesEnd - start
      guard buffer.count >= bodyEnd else { return nil }
      let body = Array(buffer[start..<bodyEnd])
      start = bodyEnd
      pendingBodyLength = nil
      pendingBodySearched = 0
      return .frame(body)
    }
  }

  /// Finds the blank line ending a header block: returns (end of headers, start of body).
  private func findHeaderEnd() -> (Int, Int)? {
    let limit = min(buffer.count, start + Self.maxHeaderBytes + 4)
    var index = start
    while index < limit {
      if buffer[index] == 0x0A {
        // "\n\n" or "\n\r\n" ends the block.
        if index + 1 < buffer.count && buffer[index + 1] == 0x0A { return (index, index + 2) }
        if index + 2 < buffer.count && buffer[index + 1] == 0x0D && buffer[index + 2] == 0x0A {
          return (index, index + 3)
        }
      }
      index += 1
    }
    return nil
  }

  /// Drops bytes up to the next `Content-Length:`; true when found. Bodies carry no delimiter, so the
  /// header name itself is the only landmark.
  private mutating func huntForHeader() -> Bool {
    let needle = Array("content-length:".utf8)
    var index = start
    while index + needle.count <= buffer.count {
      if Self.matchesCaseInsensitive(buffer, at: index, needle) {
        start = index
        huntingForHeader = false
        return true
      }
      index += 1
    }
    // Keep a tail that may be the start of a split header name.
    start = max(start, buffer.count - needle.count)
    return false
  }

  private static func matchesCaseInsensitive(_ bytes: [UInt8], at offset: Int, _ lowercaseNeedle: [UInt8]) -> Bool {
    for (i, wanted) in lowercaseNeedle.enumerated() {
      var byte = bytes[offset + i]
      if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
      if byte != wanted { return false }
    }
    return true
  }

  private struct HeaderFields {
    var length: Int
    var refusedCharset: String?
  }

  private static func parseHeader(_ header: ArraySlice<UInt8>) -> Result<HeaderFields, FramingError> {
    var length: Int?
    var refusedCharset: String?
    // Split on bytes, not Characters: in Swift "\r\n" is one Character and would not split on "\n".
    for rawLine in header.split(separator: 0x0A, omittingEmptySubsequences: true) {
      let lineBytes = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
      if lineBytes.isEmpty { continue }
      guard let line = String(bytes: lineBytes, encoding: .utf8) else {
        return .failure(.malformedHeader("header line is not valid text"))
      }
      guard let colon = line.firstIndex(of: ":") else {
        return .failure(.malformedHeader("header line without a colon: \(line.prefix(80))"))
      }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      switch name {
      case "content-length":
        guard value.allSatisfy(\.isASCII), let parsed = Int(value), parsed >= 0 else {
          return .failure(.malformedHeader("Content-Length is not a non-negative integer: \(value.prefix(40))"))
        }
        length = parsed
      case "content-type":
        if let charset = charset(inContentType: value), !["utf-8", "utf8"].contains(charset) {
          refusedCharset = charset
        }
      default:
        continue
      }
    }
    guard let length else { return .failure(.malformedHeader("missing Content-Length")) }
    return .success(HeaderFields(length: length, refusedCharset: refusedCharset))
  }

  /// The lowercased `charset` parameter of a Content-Type value, quotes removed.
  private static func charset(inContentType value: String) -> String? {
    for parameter in value.split(separator: ";").dropFirst() {
      let parts = parameter.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
        continue
      }
      return parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        .lowercased()
    }
    return nil
  }
}
