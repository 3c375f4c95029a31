import Orchestrator

/// What `baton --help` prints.
enum HelpText {
  static func text(for topic: String?) -> String {
    switch topic {
    case "serve"?: return serve
    default: return general
    }
  }

  static let general = """
    baton \(BatonRelease.version): a headless LLM-orchestration engine speaking JSON-RPC 2.0 over stdio.

    USAGE
      baton [serve] [options]     serve JSON-RPC on stdin/stdout (what a bare `baton` does)
      baton --version             print the version
      baton help [command]        print help

    Run `baton serve --help` for the server's options. The wire contract is protocol.md.
    """

  static let serve = """
    baton serve: serve JSON-RPC 2.0 on stdin/stdout, language-server style.

    USAGE
      baton serve [--framing auto|lsp|ndjson] [--max-frame-bytes N] [--log-level LEVEL]
                  [--config FILE] [--state-dir DIR]

    OPTIONS
      --framing auto|lsp|ndjson   auto (default) sniffs the first byte: 'Content-Length' headers (LSP)
                                  or one JSON text per line (MCP/ACP); replies use the same framing
      --max-frame-bytes N         largest accepted message (default 16777216); larger ones are refused
      --log-level LEVEL           stderr diagnostics: off, error, warning (default), info, debug, trace
      --config FILE               provider configuration (else $BATON_CONFIG, ./baton.json,
                                  ~/.config/baton/config.json)
      --state-dir DIR             where run journals live (else $BATON_STATE_DIR, ~/.local/state/baton)

    stdout carries protocol bytes only; diagnostics go to stderr. The process exits when stdin ends,
    or on `exit` (code 0 after `shutdown`, 1 otherwise).
    """
}
