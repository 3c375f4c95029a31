#!/usr/bin/env python3
"""Makes real run journals for `baton report`: the real binary against scripts/mock_llm.py.

Usage:
    python3 scripts/report_journals.py --state-dir DIR [--baton .build/debug/baton] [SCENARIO ...]

Scenarios (all by default):
    plain      plan, three workers in parallel, synthesis: everything completes
    retries    the first worker call fails twice with 500 and is retried
    failed     one worker is answered 500 on every attempt and fails; the others complete
    cancelled  the run is cancelled while two of its three workers are held at the mock's gate
    truncated  a copy of `plain` cut in the middle of a line, as a killed process leaves it

Prints one JSON object: {scenario: {"runId": ..., "path": ...}}. Where calls must fail, every request to
the mock is held at its gate and released one at a time (concurrency 1), so which call fails is decided,
not raced; nothing sleeps to wait. Used by scripts/test_report_render.py too.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TASK = "Plan a picnic for six people <script>alert('task')</script> & pick a park"


class Mock:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_llm.py"), "--port", "0"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        self.base = f"http://127.0.0.1:{json.loads(self.proc.stdout.readline())['port']}"

    def call(self, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST" if data is not None else "GET")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def configure(self, **knobs):
        self.call("/_mock/config", knobs)

    def wait(self, timeout=60, **stats):
        """Returns once every stat is at least its value; raises urllib.error.HTTPError (408) on timeout."""
        query = "&".join(f"{k}={v}" for k, v in stats.items())
        self.call(f"/_mock/wait?{query}&timeout={timeout}", timeout=timeout + 10)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Baton:
    """`baton serve` over newline-delimited JSON-RPC; replies and notifications arrive on a queue."""

    def __init__(self, binary, config_path, state_dir):
        self.proc = subprocess.Popen([binary, "serve", "--config", config_path, "--state-dir", state_dir],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        self.messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})
        self.reply(0)

    def _read(self):
        for line in self.proc.stdout:
            if line.strip():
                self.messages.put(json.loads(line))
        self.messages.put(None)

    def send(self, message):
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def reply(self, request_id, timeout=120):
        while True:
            message = self.messages.get(timeout=timeout)
            if message is None:
                raise RuntimeError("baton serve exited before replying")
            if message.get("id") == request_id and "method" not in message:
                return message

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def run_held(mock, baton, request_id, params, knobs_per_call, base=None):
    """Runs `params` with every mock call held at the gate; call i gets knobs_per_call[i] (default: none).

    A request without an X-Mock header reads the mock's live config, so what it does after the gate (status,
    latency) follows the config at its release: call i's knobs are set just before it is released.
    """
    base = base or {}
    mock.call("/_mock/reset", {"config": True})
    mock.configure(gate=True, **base)
    baton.send({"jsonrpc": "2.0", "id": request_id, "method": "run", "params": params})
    finished = threading.Event()
    outcome = {}

    def await_reply():
        outcome["reply"] = baton.reply(request_id)
        finished.set()

    waiter = threading.Thread(target=await_reply, daemon=True)
    waiter.start()
    released = 0
    while not finished.is_set():
        # Either the next call arrives at the gate or the run ends: /_mock/wait returns as soon as the call
        # arrives, and answers 408 after a short while when none did, to look at the run's end again.
        try:
            mock.wait(timeout=0.5, received=released + 1)
        except urllib.error.HTTPError:
            continue
        if finished.is_set():
            break
        knobs = knobs_per_call[released] if released < len(knobs_per_call) else {}
        mock.configure(**{"gate": True, "status": None, **base, **knobs})
        mock.call("/_mock/release", {"count": 1})
        released += 1
    waiter.join()
    return outcome["reply"]


def result_of(reply):
    if "result" not in reply:
        raise RuntimeError(f"run failed: {reply}")
    return reply["result"]


def scenario_plain(mock, baton, state_dir):
    # Three workers in parallel, each answering after a short latency, so the timeline shows them side by side.
    mock.call("/_mock/reset", {"config": True})
    mock.configure(latency_ms=150, array_items=3, reply_words=80)
    baton.send({"jsonrpc": "2.0", "id": 11, "method": "run", "params": {"task": TASK, "maxSubtasks": 3}})
    return result_of(baton.reply(11))


def scenario_retries(mock, baton, state_dir):
    # Call 0 is the planner; calls 1 and 2 are the first worker's failed attempts.
    knobs = [{}, {"status": 500}, {"status": 500}]
    return result_of(run_held(mock, baton, 12, {"task": "Plan a picnic (with retries)", "maxSubtasks": 3,
                                                "concurrency": 1}, knobs, base={"latency_ms": 80}))


def scenario_failed(mock, baton, state_dir):
    # Call 0 plans, call 1 is worker s1; the second worker gets 500 on all six attempts (calls 2-7).
    knobs = [{}, {}] + [{"status": 500}] * 6
    return result_of(run_held(mock, baton, 13, {"task": "Plan a picnic (one worker fails)", "maxSubtasks": 3,
                                                "concurrency": 1}, knobs, base={"latency_ms": 40}))


def scenario_cancelled(mock, baton, state_dir):
    mock.call("/_mock/reset", {"config": True})
    mock.configure(gate=True, array_items=3)
    baton.send({"jsonrpc": "2.0", "id": 14, "method": "run",
                "params": {"task": "Plan a picnic (cancelled)", "maxSubtasks": 3, "concurrency": 2}})
    mock.wait(received=1)
    mock.call("/_mock/release", {"count": 1})  # the planner answers
    mock.wait(received=3)  # two workers are held at the gate
    baton.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 14}})
    baton.reply(14)
    mock.configure(gate=False)
    mock.call("/_mock/release", {})
    runs = baton_call(baton, 15, "runs/list", {})
    run = next(r for r in runs["runs"] if r["task"] == "Plan a picnic (cancelled)")
    return {"runId": run["runId"], "journalPath": os.path.join(state_dir, "runs", run["runId"] + ".jsonl")}


def baton_call(baton, request_id, method, params):
    baton.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    return result_of(baton.reply(request_id))


def truncate(source, state_dir):
    run_id = "run-truncated-" + os.path.basename(source)[len("run-"):-len(".jsonl")]
    with open(source, "rb") as file:
        lines = file.read().split(b"\n")
    # Keep the run, the planner's step, the plan and the first worker; cut the next line in half.
    kept = b"\n".join(lines[:4]) + b"\n" + lines[4][: len(lines[4]) // 2]
    path = os.path.join(state_dir, "runs", run_id + ".jsonl")
    with open(path, "wb") as file:
        file.write(kept)
    return {"runId": run_id, "journalPath": path}


SCENARIOS = {"plain": scenario_plain, "retries": scenario_retries, "failed": scenario_failed,
             "cancelled": scenario_cancelled}


def make(state_dir, binary, names):
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    mock = Mock()
    config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"defaultModel": "mock:mock-model",
               "providers": {"mock": {"kind": "openai", "baseURL": mock.base + "/v1"}}}, config)
    config.close()
    baton = Baton(binary, config.name, state_dir)
    made = {}
    try:
        for name in names:
            if name == "truncated":
                continue
            result = SCENARIOS[name](mock, baton, state_dir)
            made[name] = {"runId": result["runId"], "path": result.get("journalPath")
                          or os.path.join(state_dir, "runs", result["runId"] + ".jsonl")}
        if "truncated" in names:
            if "plain" not in made:
                made_plain = scenario_plain(mock, baton, state_dir)
                source = os.path.join(state_dir, "runs", made_plain["runId"] + ".jsonl")
            else:
                source = made["plain"]["path"]
            made["truncated"] = {k if k != "journalPath" else "path": v for k, v in truncate(source, state_dir).items()}
    finally:
        baton.close()
        mock.stop()
        os.unlink(config.name)
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--baton", default=os.path.join(ROOT, ".build", "debug", "baton"))
    parser.add_argument("scenarios", nargs="*", default=["plain", "retries", "failed", "cancelled", "truncated"])
    args = parser.parse_args()
    unknown = [s for s in args.scenarios if s not in SCENARIOS and s != "truncated"]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    print(json.dumps(make(args.state_dir, args.baton, args.scenarios), indent=2))


if __name__ == "__main__":
    main()
