/// How frames are delimited on a byte stream.
public enum Framing: String, Sendable, CaseIterable {
  /// LSP style: `Content-Length: N\r\n\r\n` then N bytes of JSON.
  case contentLength = "lsp"
  /// MCP/ACP style: one JSON text per line.
  case newline = "ndjson"

  /// Wraps one JSON text as a frame of this framing.
  public func encode(_ payload: [UInt8]) -> [UInt8] {
    switch self {
    case .contentLength:
      var frame = Array("Content-Length: \(payload.count)\r\n\r\n".utf8)
      frame.append(contentsOf: payload)
      return frame
    case .newline:
      var frame = payload
      frame.append(UInt8(ascii: "\n"))
      return frame
    }
  }

  /// The framing a peer uses, judged from the first byte that is not white space:
  /// `C`/`c` means LSP headers, `{` or `[` means one JSON text per line. Nil when undecidable.
  public static func sniff(firstByte byte: UInt8) -> Framing? {
    switch byte {
    case UInt8(ascii: "C"), UInt8(ascii: "c"): return .contentLength
    case UInt8(ascii: "{"), UInt8(ascii: "["): return .newline
    default: return nil
    }
  }
}

/// What the command line asks for: a fixed framing, or sniffing once per connection.
public enum FramingChoice: String, Sendable, CaseIterable {
  case auto, lsp, ndjson

  /// The fixed framing, or nil for `auto`.
  public var fixed: Framing? {
    switch self {
    case .auto: return nil
    case .lsp: return .contentLength
    case .ndjson: return .newline
    }
  }
}
