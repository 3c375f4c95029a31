#!/usr/bin/env python3
"""Protocol-core benchmark: drives the real `baton` binary over pipes.

Reports pipelined requests/s, sequential round-trip latency (p50/p99) and the time from exec to the
`initialize` reply. Targets on a 2-core machine: >= 25,000 req/s pipelined, p50 < 100 us,
initialize answered within 20 ms of exec.

Usage: python3 bench/rpc_bench.py [--binary .build/release/baton] [--requests 100000] [--framing ndjson|lsp]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def frame(payload: bytes, framing: str) -> bytes:
    if framing == "lsp":
        return b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    return payload + b"\n"


class Reader:
    """Incremental frame reader over a raw fd (no Python buffering in the way)."""

    def __init__(self, fd: int, framing: str):
        self.fd = fd
        self.framing = framing
        self.buffer = bytearray()

    def _fill(self):
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise EOFError("baton closed stdout")
        self.buffer += chunk

    def next_frame(self) -> bytes:
        while True:
            if self.framing == "ndjson":
                newline = self.buffer.find(b"\n")
                if newline >= 0:
                    line = bytes(self.buffer[:newline])
                    del self.buffer[: newline + 1]
                    return line
            else:
                end = self.buffer.find(b"\r\n\r\n")
                if end >= 0:
                    header = self.buffer[:end].decode()
                    length = int(header.split(":")[1])
                    if len(self.buffer) >= end + 4 + length:
                        body = bytes(self.buffer[end + 4 : end + 4 + length])
                        del self.buffer[: end + 4 + length]
                        return body
            self._fill()

    def count_frames(self, wanted: int) -> int:
        """Counts replies without parsing them (the pipelined test measures baton, not Python)."""
        seen = 0
        marker = b"\n" if self.framing == "ndjson" else b"Content-Length:"
        while seen < wanted:
            self._fill()
            seen += self.buffer.count(marker)
            keep = len(marker) - 1
            self.buffer = self.buffer[-keep:] if keep else bytearray()
        return seen


def spawn(binary: str, framing: str):
    started = time.perf_counter()
    proc = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    reader = Reader(proc.stdout.fileno(), framing)
    init = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {}}).encode()
    os.write(proc.stdin.fileno(), frame(init, framing))
    reply = json.loads(reader.next_frame())
    elapsed = time.perf_counter() - started
    assert reply["result"]["serverInfo"]["name"] == "baton", reply
    return proc, reader, elapsed


def request_bytes(request_id: int, framing: str) -> bytes:
    payload = b'{"jsonrpc":"2.0","id":%d,"method":"baton/status","params":{"note":"%s"}}' % (request_id, b"x" * 120)
    return frame(payload, framing)


def bench_startup(binary, framing, runs):
    times = []
    for _ in range(runs):
        proc, _, elapsed = spawn(binary, framing)
        times.append(elapsed)
        proc.stdin.close()
        proc.wait()
    return times


def bench_sequential(binary, framing, count):
    proc, reader, _ = spawn(binary, framing)
    fd = proc.stdin.fileno()
    latencies = []
    for request_id in range(1, count + 1):
        data = request_bytes(request_id, framing)
        started = time.perf_counter()
        os.write(fd, data)
        reader.next_frame()
        latencies.append(time.perf_counter() - started)
    proc.stdin.close()
    proc.wait()
    latencies.sort()
    return latencies


def bench_pipelined(binary, framing, count):
    proc, reader, _ = spawn(binary, framing)
    fd = proc.stdin.fileno()
    payload = b"".join(request_bytes(i, framing) for i in range(1, count + 1))
    import threading

    def writer():
        view = memoryview(payload)
        while view:
            written = os.write(fd, view[: 1 << 16])
            view = view[written:]

    usage_before = os.times()
    started = time.perf_counter()
    thread = threading.Thread(target=writer)
    thread.start()
    reader.count_frames(count)
    elapsed = time.perf_counter() - started
    thread.join()
    proc.stdin.close()
    proc.wait()
    usage_after = os.times()
    child_cpu = (usage_after.children_user - usage_before.children_user) + (
        usage_after.children_system - usage_before.children_system
    )
    return elapsed, child_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/baton")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--sequential", type=int, default=20_000)
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--framing", choices=["ndjson", "lsp"], default="ndjson")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no executable at {args.binary}: run `swift build -c release` first")

    startup = bench_startup(args.binary, args.framing, args.startup_runs)
    sequential = bench_sequential(args.binary, args.framing, args.sequential)
    elapsed, cpu = bench_pipelined(args.binary, args.framing, args.requests)

    p50 = sequential[len(sequential) // 2] * 1e6
    p99 = sequential[int(len(sequential) * 0.99)] * 1e6
    rate = args.requests / elapsed
    results = {
        "framing": args.framing,
        "pipelined_requests": args.requests,
        "pipelined_requests_per_s": round(rate),
        "pipelined_cpu_us_per_request": round(cpu / args.requests * 1e6, 1),
        "sequential_requests": args.sequential,
        "round_trip_p50_us": round(p50, 1),
        "round_trip_p99_us": round(p99, 1),
        "initialize_ms_median": round(statistics.median(startup) * 1e3, 2),
        "initialize_ms_max": round(max(startup) * 1e3, 2),
    }
    print(json.dumps(results, indent=2))
    targets = [
        ("pipelined >= 25,000 req/s", rate >= 25_000),
        ("round-trip p50 < 100 us", p50 < 100),
        ("initialize < 20 ms after exec (median)", statistics.median(startup) < 0.020),
    ]
    for name, ok in targets:
        print(f"{'met ' if ok else 'MISSED'}  {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
