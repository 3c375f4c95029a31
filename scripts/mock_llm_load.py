#!/usr/bin/env python3
"""Closed-loop load check for scripts/mock_llm.py (standard library only).

Starts the mock (unless --url is given), opens C keep-alive connections, and
has each one send chat completions back to back for --duration seconds.
Reports requests/s, latency percentiles, and the mock's CPU time.

    python3 scripts/mock_llm_load.py -c 1000 --latency-ms 200 --duration 10 [--stream] [--procs 1]
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def raise_nofile():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def one_conn(host, port, payload, deadline, lat, errors, start_evt):
    await start_evt.wait()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as e:
        errors.append(f"connect: {e}")
        return
    try:
        while time.monotonic() < deadline:
            t = time.monotonic()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            low = head.lower()
            if b"content-length:" in low:
                n = int(low.split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(n)
            else:  # chunked (SSE)
                while True:
                    size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            if status != 200:
                errors.append(status)
            lat.append(time.monotonic() - t)
    except (OSError, asyncio.IncompleteReadError, ValueError) as e:
        errors.append(repr(e))
    finally:
        writer.close()


async def run_client(host, port, conns, duration, stream, latency_ms):
    body = json.dumps({"model": "m", "stream": stream,
                       "messages": [{"role": "user", "content": "Write one sentence about subtask 7."}]}).encode()
    payload = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    lat, errors = [], []
    start = asyncio.Event()
    deadline = time.monotonic() + duration + 1.0  # 1 s ramp-up excluded below
    tasks = [asyncio.create_task(one_conn(host, port, payload, deadline, lat, errors, start)) for _ in range(conns)]
    start.set()
    await asyncio.sleep(1.0)
    n0, t0 = len(lat), time.monotonic()
    await asyncio.gather(*tasks)
    t1 = time.monotonic()
    return {"count": len(lat) - n0, "elapsed": t1 - t0, "lat": lat[n0:], "errors": errors}


def client_proc(args_tuple, q):
    raise_nofile()
    res = asyncio.run(run_client(*args_tuple))
    q.put(res)


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", "--connections", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--latency-ms", type=float, default=200)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--procs", type=int, default=1, help="client processes (connections are split)")
    ap.add_argument("--url", help="use a running mock at http://host:port instead of starting one")
    a = ap.parse_args()
    raise_nofile()
    proc = None
    if a.url:
        host, port = a.url.split("//")[1].rstrip("/").split(":")
        port = int(port)
    else:
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_llm.py"), "--port", "0",
                                 "--latency-ms", str(a.latency_ms)], stdout=subprocess.PIPE, text=True)
        host, port = "127.0.0.1", json.loads(proc.stdout.readline())["port"]
    cpu0 = read_cpu(proc.pid) if proc else None
    wall0 = time.monotonic()
    q = multiprocessing.Queue()
    per = [a.connections // a.procs + (1 if i < a.connections % a.procs else 0) for i in range(a.procs)]
    ps = [multiprocessing.Process(target=client_proc, args=((host, port, n, a.duration, a.stream, a.latency_ms), q))
          for n in per]
    for p in ps:
        p.start()
    results = [q.get() for _ in ps]
    for p in ps:
        p.join()
    cpu1 = read_cpu(proc.pid) if proc else None
    wall1 = time.monotonic()
    stats = None
    if proc:
        import urllib.request
        stats = json.loads(urllib.request.urlopen(f"http://{host}:{port}/_mock/stats").read())
        proc.terminate()
        proc.wait()
    lat = [x for r in results for x in r["lat"]]
    count = sum(r["count"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    errors = [e for r in results for e in r["errors"]]
    ideal = a.connections / (a.latency_ms / 1000) if a.latency_ms else float("nan")
    out = {
        "connections": a.connections, "latency_ms": a.latency_ms, "stream": a.stream, "procs": a.procs,
        "requests": count, "seconds": round(elapsed, 2), "req_per_s": round(count / elapsed, 1),
        "closed_loop_bound_req_per_s": round(ideal, 1),
        "p50_ms": round(pct(lat, 50) * 1000, 1), "p99_ms": round(pct(lat, 99) * 1000, 1),
        "max_ms": round(max(lat) * 1000, 1) if lat else None,
        "errors": len(errors), "error_sample": [str(e) for e in errors[:5]],
    }
    if cpu0 is not None:
        out["mock_cpu_s"] = round(cpu1 - cpu0, 2)
        out["mock_cpu_cores"] = round((cpu1 - cpu0) / (wall1 - wall0), 2)  # < 1: the mock is not saturated
        out["mock_cpu_us_per_req"] = round((cpu1 - cpu0) / max(1, stats["received"]) * 1e6, 1)
        out["mock_max_in_flight"] = stats["max_in_flight"]
    print(json.dumps(out))


def read_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tck


if __name__ == "__main__":
    main()
