#!/usr/bin/env bash
# The main job: build Baton, make sure a model is there, and run one real orchestration.
#   scripts/run.sh "Write a short guide to brewing green tea"
# With no API key set, it runs on the local model (installed on first use: ~6-8 min to compile
# llama.cpp once, seconds afterwards). With OPENAI_API_KEY, ANTHROPIC_API_KEY, ... or BATON_MODEL set,
# it uses that provider instead. Extra arguments go to `baton run` (see `baton run --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

say() { printf '== %s\n' "$*" >&2; }

task="${1:-Write a short practical guide to brewing green tea}"
[ $# -gt 0 ] && shift

say "building baton (release)"
swift build -c release 2>&1 | grep -E "error|warning:|Compiling|Build complete" | tail -n 3 >&2

uses_local=1
for key in OPENAI_API_KEY ANTHROPIC_API_KEY GROQ_API_KEY GEMINI_API_KEY AWS_BEARER_TOKEN_BEDROCK OPENROUTER_API_KEY TOGETHER_API_KEY; do
  [ -n "${!key:-}" ] && uses_local=0
done
if [ -n "${BATON_MODEL:-}" ] && [ "${BATON_MODEL%%:*}" != "local" ]; then uses_local=0; fi
if [ "$uses_local" = 1 ]; then
  say "no API key set: using the local model (SmolLM2-135M on llama.cpp)"
  scripts/local-llm.sh start >/dev/null
fi

say "baton run \"$task\""
exec .build/release/baton run "$task" "$@"
