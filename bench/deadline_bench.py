#!/usr/bin/env python3
"""How well a run's deadline holds on a very large plan.

A chain of N subtasks (each depends on the one before) is given to `run` as `subtasks`, with
`deadlineSeconds`, against the mock at 1 ms. Printed: when the first event, the last subtask event,
`runCompleted` and the reply arrived, counted from the moment the request was written.

Usage:
  swift build -c release
  python3 bench/deadline_bench.py [--subtasks 100000] [--deadline 5] [--binary .build/release/baton]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_bench import ROOT, Mock  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "baton"))
    parser.add_argument("--subtasks", type=int, default=100_000)
    parser.add_argument("--deadline", type=float, default=5.0)
    args = parser.parse_args()

    mock = Mock(1)
    state = tempfile.mkdtemp(prefix="baton-deadline-")
    config = os.path.join(state, "config.json")
    with open(config, "w") as file:
        json.dump({"defaultModel": "mock:mock-model",
                   "providers": {"mock": {"kind": "openai", "baseURL": mock.url + "/v1"}}}, file)
    baton = subprocess.Popen([args.binary, "serve", "--config", config, "--state-dir", state],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(message):
        baton.stdin.write((json.dumps(message) + "\n").encode())
        baton.stdin.flush()

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})
    baton.stdout.readline()
    subtasks = [{"id": f"s{i}", "name": f"step {i}", "description": "d", **({"dependsOn": [f"s{i - 1}"]} if i else {})}
                for i in range(args.subtasks)]
    line = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "run",
                       "params": {"task": "t", "subtasks": subtasks, "deadlineSeconds": args.deadline}}) + "\n"
    started = time.time()
    baton.stdin.write(line.encode())
    baton.stdin.flush()
    first = last_subtask = completed = None
    events = 0
    while True:
        message = json.loads(baton.stdout.readline())
        now = time.time() - started
        if message.get("method") == "run/event":
            events += 1
            first = first if first is not None else now
            kind = message["params"]["type"]
            if kind == "runCompleted":
                completed = now
            elif kind != "usage":
                last_subtask = now
        elif message.get("id") == 1:
            result = message.get("result", {})
            print(json.dumps({"subtasks": args.subtasks, "deadline_s": args.deadline, "first_event_s": round(first, 2),
                              "last_subtask_event_s": round(last_subtask or first, 2),
                              "run_completed_s": round(completed, 2), "reply_s": round(now, 2), "events": events,
                              "status": result.get("status"),
                              "completed": sum(r["status"] == "completed" for r in result.get("results", []))}))
            break
    baton.stdin.close()
    baton.wait()
    mock.stop()


if __name__ == "__main__":
    main()
