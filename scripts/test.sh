#!/usr/bin/env bash
# Runs every test Baton has: the Swift suites (unit, integration, end to end against the real binary)
# and the Python suites. Installs what it needs on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

say() { printf '== %s\n' "$*" >&2; }

missing=""
command -v nvim >/dev/null || missing="$missing neovim"
command -v chromium >/dev/null || missing="$missing chromium"
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
  say "installing Debian packages for the editor and report tests:$missing"
  { apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } || say "could not install$missing"
fi

say "architecture: targets and imports follow docs/architecture.md"
scripts/check-architecture.sh

say "protocol: generated clients match protocol/schema.json"
python3 scripts/gen_protocol.py --check

say "build (warnings are errors)"
build_log=$(mktemp)
swift build --build-tests 2>&1 | tee "$build_log" | grep -E "error:|warning:" || true
if grep -E "warning:" "$build_log" | grep -v "^warning: 'main'" | grep -q .; then
  say "swift build printed warnings"; exit 1
fi
grep -q "error:" "$build_log" && { say "swift build failed"; exit 1; }

if [ -x scripts/local-llm.sh ] && [ "${BATON_SKIP_LOCAL_LLM:-0}" != "1" ]; then
  say "local model (installs on first use)"
  if ! scripts/local-llm.sh status >/dev/null 2>&1; then
    trap 'scripts/local-llm.sh stop >/dev/null 2>&1 || true' EXIT   # stop only what this run started
  fi
  BATON_LOCAL_URL=$(scripts/local-llm.sh start)
  export BATON_LOCAL_URL
fi

say "swift test"
test_log=$(mktemp)
status=0
swift test >"$test_log" 2>&1 || status=$?
grep -E "^(✘|✔ Test run|✘ Test run)|error:|Executed .* tests" "$test_log" || true
if [ "$status" -ne 0 ]; then
  say "swift test failed (exit $status); the last lines of its log:"
  tail -n 60 "$test_log" >&2
  exit "$status"
fi

python_suites=$(find scripts clients -name 'test_*.py' -not -path '*/node_modules/*' 2>/dev/null | sort || true)
if [ -n "$python_suites" ]; then
  say "python tests"
  python3 -m pytest -q $python_suites
fi

if command -v node >/dev/null 2>&1; then
  say "node tests ($(node --version))"
  node --test clients/node/test/
else
  say "node not found: skipping the Node client tests (clients/node)"
fi

say "neovim plugin"
if command -v nvim >/dev/null; then clients/neovim/test/run_test.sh; else say "no nvim and not root: Neovim plugin tests skipped"; fi
