import API

/// What `baton --help` prints.
enum HelpText {
  static func text(for topic: String?) -> String {
    switch topic {
    case "serve"?: return serve
    case "run"?: return run
    case "report"?: return report
    default: return general
    }
  }

  static let general = """
    baton \(BatonRelease.version): a headless LLM-orchestration engine speaking JSON-RPC 2.0 over stdio.

    USAGE
      baton [serve] [options]     serve JSON-RPC on stdin/stdout (what a bare `baton` does)
      baton run "task" [options]  run one orchestration here: progress on stderr, the answer on stdout
      baton report <runId>        render a run's journal as one HTML page (timeline, inputs, outputs)
      baton --version             print the version
      baton help [command]        print help

    Run `baton serve --help`, `baton run --help` or `baton report --help` for their options. The wire contract is protocol.md.
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
    on `exit` (code 0 after `shutdown`, 1 otherwise), or with 1 once stdout can no longer be written.
    """

  static let run = """
    baton run: plan, run and synthesize one task in the terminal.

    USAGE
      baton run "task" [--model provider:model] [--concurrency N] [--budget USD] [--budget-tokens N]
                       [--max-subtasks N] [--format bullets|paragraphs] [--style STYLE] [--json] [--quiet]
                       [--config FILE] [--state-dir DIR]

    OPTIONS
      --model M           model for every role (else the configuration's roles, else the default model:
                          $BATON_MODEL, the configuration, a provider with a key, else local:smollm2-135m)
      --concurrency N     subtasks at once (default 8)
      --budget USD        stop before a call that would take the cost over USD
      --budget-tokens N   stop before a call that would take the tokens over N
      --max-subtasks N    at most N subtasks in the plan
      --format, --style   how the synthesis is written (e.g. bullets, time-based)
      --json              print the whole run report as JSON instead of the answer
      --quiet             no progress on stderr

    Progress is drawn on stderr (a live tree on a terminal, one line per event otherwise); the answer
    goes to stdout. Ctrl-C cancels cleanly: calls in flight are aborted and partial results printed.

    EXIT CODES
      0 completed · 1 failed · 2 usage or configuration error · 3 budget exceeded · 4 plan rejected ·
      130 cancelled
    """

  static let report = """
    baton report: render a run's journal as one self-contained HTML page.

    USAGE
      baton report <runId|prefix|latest> [--out FILE] [--state-dir DIR]

    The page shows a timeline of every step (plan, workers, retries, synthesis) with durations,
    tokens, cost, model and status, and each step's input and output on click. It needs nothing
    else to open (no network). Written to FILE, else <runId>.html in the current directory.
    Journals live in --state-dir, else $BATON_STATE_DIR, else ~/.local/state/baton.
    """
}
