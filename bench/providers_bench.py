#!/usr/bin/env python3
"""Provider-layer benchmark: CPU that `baton` spends on `complete` calls waiting on a slow model.

1. idle wait: 64 concurrent `complete` calls each waiting 5 s on the mock -> CPU seconds (target < 0.05 s).
2. fan-out: 1000 concurrent `complete` calls at 200 ms latency -> CPU per call (target < 0.3 ms).

CPU is read from /proc/<pid>/stat of the baton process, so the driver and the mock do not count.
Usage: python3 bench/providers_bench.py [--binary .build/release/baton]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def start_mock(latency_ms):
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "scripts", "mock_llm.py"), "--port", "0", "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    port = json.loads(proc.stdout.readline())["port"]
    return proc, port


def start_baton(binary, port):
    config = {"defaultModel": "mock:mock-model",
              "providers": {"mock": {"kind": "openai", "baseURL": f"http://127.0.0.1:{port}/v1"}}}
    path = os.path.join(tempfile.mkdtemp(), "baton.json")
    with open(path, "w") as f:
        json.dump(config, f)
    proc = subprocess.Popen([binary, "serve", "--config", path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    send(proc, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})
    read_replies(proc, 1)
    return proc


def send(proc, message):
    os.write(proc.stdin.fileno(), (json.dumps(message) + "\n").encode())


def read_replies(proc, count):
    buffer = b""
    replies = []
    while len(replies) < count:
        chunk = os.read(proc.stdout.fileno(), 1 << 20)
        if not chunk:
            raise EOFError("baton exited")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        replies.extend(json.loads(line) for line in lines if line.strip())
    return replies


def run_calls(proc, count):
    payload = b"".join(
        (json.dumps({"jsonrpc": "2.0", "id": i, "method": "complete",
                     "params": {"prompt": f"subtask {i}: say something short", "maxTokens": 16}}) + "\n").encode()
        for i in range(1, count + 1))
    before = cpu_seconds(proc.pid)
    started = time.perf_counter()
    os.write(proc.stdin.fileno(), payload)
    replies = read_replies(proc, count)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(proc.pid) - before
    failures = [r for r in replies if "error" in r]
    return wall, cpu, len(failures)


def scenario(binary, latency_ms, count):
    mock, port = start_mock(latency_ms)
    baton = start_baton(binary, port)
    try:
        run_calls(baton, 8)  # warm connections and code paths
        return run_calls(baton, count)
    finally:
        baton.stdin.close()
        baton.wait()
        mock.terminate()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/baton"))
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no executable at {args.binary}: run `swift build -c release` first")
    wall, cpu, failed = scenario(args.binary, 5000, 64)
    idle = {"calls": 64, "latency_ms": 5000, "wall_s": round(wall, 2), "baton_cpu_s": round(cpu, 3), "failed": failed}
    wall, cpu, failed = scenario(args.binary, 200, 1000)
    fan = {"calls": 1000, "latency_ms": 200, "wall_s": round(wall, 2), "baton_cpu_s": round(cpu, 3),
           "cpu_ms_per_call": round(cpu / 1000 * 1000, 3), "failed": failed}
    print(json.dumps({"idle_wait": idle, "fan_out": fan}, indent=2))
    print(f"{'met ' if idle['baton_cpu_s'] < 0.05 else 'MISSED'}  64 calls waiting 5 s cost < 0.05 s CPU", file=sys.stderr)
    print(f"{'met ' if fan['cpu_ms_per_call'] < 0.3 else 'MISSED'}  < 0.3 ms CPU per call at 1000 concurrent", file=sys.stderr)


if __name__ == "__main__":
    main()
