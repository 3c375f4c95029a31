#!/usr/bin/env bash
# Tests the Neovim plugin headless: starts the mock LLM server, points a baton configuration at
# it, and runs test/baton_spec.lua inside `nvim --headless`, which drives the plugin's commands
# against the real binary. Exit code 0 when every test passed.
#
#   BATON_BINARY=/path/to/baton clients/neovim/test/run_test.sh    (default: .build/debug/baton)
set -euo pipefail
cd "$(dirname "$0")/../../.."

say() { printf '== %s\n' "$*" >&2; }

command -v nvim >/dev/null || { say "nvim is not installed (apt-get install neovim)"; exit 1; }
binary=${BATON_BINARY:-$PWD/.build/debug/baton}
[ -x "$binary" ] || swift build
[ -x "$binary" ] || { say "no baton binary at $binary"; exit 1; }

tmp=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

python3 scripts/mock_llm.py --port 0 >"$tmp/mock.out" 2>"$tmp/mock.err" &
mock_pid=$!
for _ in $(seq 100); do
  grep -q port "$tmp/mock.out" 2>/dev/null && break
  sleep 0.1
done
port=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["port"])' "$tmp/mock.out") \
  || { say "the mock server did not start"; cat "$tmp/mock.err" >&2; exit 1; }

cat >"$tmp/baton.json" <<EOF
{"defaultModel": "mock:mock-model",
 "providers": {"mock": {"kind": "openai", "baseURL": "http://127.0.0.1:$port/v1"}}}
EOF

nvim --version | head -1 >&2
# -i NONE: no shada; XDG_STATE_HOME/XDG_CACHE_HOME keep the LSP log (baton's stderr) in $tmp.
BATON_TEST_BINARY=$binary BATON_TEST_CONFIG=$tmp/baton.json BATON_TEST_MOCK_URL=http://127.0.0.1:$port \
BATON_STATE_DIR=$tmp/state XDG_STATE_HOME=$tmp/xdg XDG_CACHE_HOME=$tmp/xdg \
  timeout 600 nvim --headless -u NONE -i NONE --cmd "set rtp+=clients/neovim" \
    -c "luafile clients/neovim/test/baton_spec.lua"
