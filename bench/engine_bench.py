#!/usr/bin/env python3
"""Orchestration benchmark: `baton run` side by side with the Python peer, against the same mock.

Grid: N in {10, 100, 1000} subtasks x concurrency {8, 64} x mock latency {200, 0} ms, plus a 429
scenario (N=100, C=64, 200 ms, mock limited to 600 requests/min with a burst of 10).
Reported per run: wall, wall/ideal (ideal = (ceil(N/C) + 2) x latency: plan, worker waves,
synthesis), CPU per worker call (whole process), peak RSS, completed subtasks, 429s served.

Usage:
  swift build -c release
  python3 bench/engine_bench.py [--quick] [--skip-peer] [--out bench/results/engine.json]
The peer needs the openai SDK: `python3 -m venv bench/.venv && bench/.venv/bin/pip install -r bench/requirements.txt`
(the script creates that venv itself when missing).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TICKS = os.sysconf("SC_CLK_TCK")
VENV = os.path.join(HERE, ".venv")


def ensure_peer_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", os.path.join(HERE, "requirements.txt")], check=True)
    return python


class Mock:
    def __init__(self, latency_ms, extra=()):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "scripts", "mock_llm.py"), "--port", "0", "--latency-ms",
             str(latency_ms), *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def proc_peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_baton(binary, mock, n, concurrency):
    config = {"defaultModel": "mock:mock-model",
              "providers": {"mock": {"kind": "openai", "baseURL": mock.url + "/v1"}}}
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "baton.json")
    with open(path, "w") as f:
        json.dump(config, f)
    started = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--config", path, "--state-dir", os.path.join(folder, "state")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def send(message):
        os.write(proc.stdin.fileno(), (json.dumps(message) + "\n").encode())

    buffer = b""

    def reply(wanted_id):
        nonlocal buffer
        while True:
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                message = json.loads(line)
                if message.get("id") == wanted_id:
                    return message
            chunk = os.read(proc.stdout.fileno(), 1 << 20)
            if not chunk:
                raise EOFError("baton exited")
            buffer += chunk

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}})
    reply(0)
    run_started = time.perf_counter()
    cpu_before = proc_cpu(proc.pid)
    send({"jsonrpc": "2.0", "id": 1, "method": "run",
          "params": {"task": f"Benchmark task split into {n} subtasks", "maxSubtasks": n, "minSubtasks": n,
                     "concurrency": concurrency}})
    result = reply(1)
    wall = time.perf_counter() - run_started
    cpu = proc_cpu(proc.pid) - cpu_before
    rss = proc_peak_rss_mib(proc.pid)
    proc.stdin.close()
    proc.wait()
    if "error" in result:
        raise RuntimeError(f"baton run failed: {result['error']}")
    report = result["result"]
    ok = sum(1 for r in report["results"] if r["status"] == "completed")
    return {"wall_s": wall, "run_cpu_s": cpu, "peak_rss_mib": rss, "ok": ok, "n": len(report["results"]),
            "status": report["status"], "process_wall_s": time.perf_counter() - started}


def run_peer(python, mock, n, concurrency):
    started = time.perf_counter()
    proc = subprocess.Popen([python, os.path.join(HERE, "peer_asyncio.py"), "--base-url", mock.url + "/v1",
                             "--n", str(n), "--concurrency", str(concurrency)], stdout=subprocess.PIPE)
    out = proc.stdout.read()
    _, _, usage = os.wait4(proc.pid, 0)
    line = json.loads(out.decode().strip().splitlines()[-1])
    return {"wall_s": line["wall_s"], "run_cpu_s": line["run_cpu_s"], "ok": line["ok"], "n": line["n"],
            "process_wall_s": time.perf_counter() - started, "peak_rss_mib": usage.ru_maxrss / 1024}


def measure(name, runner, latency_ms, n, concurrency, extra_mock=()):
    mock = Mock(latency_ms, extra_mock)
    try:
        mock.control("/_mock/config", {"array_items": n})
        outcome = runner(mock, n, concurrency)
        stats = mock.control("/_mock/stats")
    finally:
        mock.stop()
    ideal = (math.ceil(n / concurrency) + 2) * latency_ms / 1000
    outcome.update({
        "who": name, "n_requested": n, "concurrency": concurrency, "latency_ms": latency_ms,
        "ideal_s": ideal, "wall_over_ideal": (outcome["wall_s"] / ideal) if ideal else None,
        "cpu_ms_per_worker_call": outcome["run_cpu_s"] / n * 1000,
        "http_429": stats.get("by_status", stats.get("counts_by_status", {})).get("429", 0),
        "requests_served": stats.get("served"),
    })
    return outcome


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/baton"))
    parser.add_argument("--quick", action="store_true", help="N in {10, 100} only")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "engine.json"))
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no executable at {args.binary}: run `swift build -c release` first")
    peer_python = None if args.skip_peer else ensure_peer_venv()
    runners = [("baton", lambda m, n, c: run_baton(args.binary, m, n, c))]
    if peer_python:
        runners.append(("python-asyncio", lambda m, n, c: run_peer(peer_python, m, n, c)))
    sizes = [10, 100] if args.quick else [10, 100, 1000]
    rows = []
    for latency in (200, 0):
        for n in sizes:
            for concurrency in (8, 64):
                for name, runner in runners:
                    row = measure(name, runner, latency, n, concurrency)
                    rows.append(row)
                    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}),
                          flush=True)
    for name, runner in runners:
        row = measure(name, runner, 200, 100, 64, extra_mock=("--rpm", "600"))
        row["scenario"] = "429: rpm 600, burst 10; t_min 9.5 s"
        row["wall_over_t_min"] = row["wall_s"] / 9.5
        rows.append(row)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(rows, f, indent=2)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
