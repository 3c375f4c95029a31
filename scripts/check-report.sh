#!/usr/bin/env bash
# Renders a run report with headless Chromium and saves a screenshot, to look at the page as a person would.
#
# Usage: scripts/check-report.sh JOURNAL.jsonl|REPORT.html OUT.png [STEPS]
#   A journal (under <state-dir>/runs/) is rendered with `baton report` (BATON=path/to/baton, default
#   .build/debug/baton); while that command does not exist yet, with the env-gated Swift test
#   ReportPageFileTests instead (slower: it builds the tests). STEPS opens timeline rows before the shot:
#   `2,3` (row numbers, from 1) or `all`.
#   WINDOW=1280,1600 sets the window size; DARK=1 renders with the dark colour scheme.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { echo "usage: $0 JOURNAL.jsonl|REPORT.html OUT.png [STEPS]" >&2; exit 2; }
input=$1 out=$2 fragment=${3:+#open=$3}
[ -f "$input" ] || { echo "$0: no such file: $input" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    browser=$(command -v chromium)
  else
    echo "$0: no chromium; install it (apt-get install chromium)" >&2; exit 1
  fi
fi

case "$input" in
  *.html) html=$(realpath "$input") ;;
  *)
    html=$(mktemp --suffix=.html)
    trap 'rm -f "$html"' EXIT
    journal=$(realpath "$input")
    run_id=$(basename "$journal" .jsonl)
    state_dir=$(dirname "$(dirname "$journal")")
    baton=${BATON:-.build/debug/baton}
    # `baton report --help` exits 0 with the general help until the command exists: look for its usage line.
    if [ -x "$baton" ] && "$baton" report --help 2>&1 | grep -q "baton report"; then
      "$baton" report "$run_id" --state-dir "$state_dir" --out "$html"
    else
      log=$(mktemp)
      if ! BATON_REPORT_JOURNAL=$journal BATON_REPORT_OUT=$html \
        swift test --filter ReportPageFileTests >"$log" 2>&1; then
        tail -n 30 "$log" >&2; rm -f "$log"; exit 1
      fi
      rm -f "$log"
    fi
    ;;
esac

mkdir -p "$(dirname "$out")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${WINDOW:-1280,1600}")
[ "${DARK:-0}" = 1 ] && flags+=(--force-dark-mode --blink-settings=preferredColorScheme=0)
"$browser" "${flags[@]}" --screenshot="$(realpath -m "$out")" "file://$html$fragment" >/dev/null 2>&1
[ -s "$out" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
