/// How frames are delimited on a byte stream.
public enum Framing: String, Sendable, CaseIterable {
  /// LSP style: `Content-Length: N\r\n\r\n` then N bytes of JSON.
  case contentLength = "lsp"
  /// MCP/ACP style: one JSON text per line.
  case newline = "ndjson"
}
