#!/usr/bin/env python3
"""The long fuzz run: scripts/fuzz_rpc.py's campaign over both framings, then the numeric-field property check.

Drives the real `baton` binary over pipes against scripts/mock_llm.py (started here on 127.0.0.1). Prints one
JSON object: frames sent, sessions, crashes, unexpected exits, lost / doubled replies, id mismatches,
malformed output, peak RSS of baton (VmHWM, max over sessions), frames per second, the property check's
failures, and every distinct failure with the file its input was saved to. Exit status 1 if anything failed.

Usage: python3 bench/fuzz_bench.py [--binary .build/release/baton] [--frames 200000] [--seed 1]
                                   [--max-seconds 3600] [--out-dir DIR] [--no-properties]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import fuzz_rpc  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "baton"))
    parser.add_argument("--frames", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--out-dir", default=None, help="where failing inputs go (default: a new temp dir)")
    parser.add_argument("--no-properties", action="store_true")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no executable at {args.binary}: run `swift build -c release` first")

    work = tempfile.mkdtemp(prefix="baton-fuzz-bench-")
    out = args.out_dir or tempfile.mkdtemp(prefix="baton-fuzz-")
    mock = fuzz_rpc.MockServer()
    try:
        fuzzer = fuzz_rpc.Fuzzer(args.binary, mock.url, work, out,
                                 log=lambda *a: print(*a, file=sys.stderr, flush=True))
        campaign = fuzz_rpc.Campaign(fuzzer, args.seed, max_replays=2000)
        report = {"binary": args.binary}
        report.update(campaign.run(args.frames, args.max_seconds, ["lsp", "ndjson"]))
        if not args.no_properties:
            report.update(fuzz_rpc.property_report(fuzzer))
        print(json.dumps(report, indent=2, ensure_ascii=False))
        failed = fuzz_rpc.campaign_failed(report) or bool(report.get("property_failures"))
        summary = (f"{report['frames_sent']} frames in {report['sessions']} sessions, {report['elapsed_s']} s "
                   f"({report['frames_per_s']} frames/s); crashes {report['crashes']}, lost {report['lost_replies']}, "
                   f"doubled {report['doubled_replies']}, id mismatches {report['id_mismatches']}; "
                   f"peak RSS {report['peak_rss_mib']} MiB; {len(report['distinct_failures'])} distinct failures"
                   + (f", {len(report['property_failures'])} property failures" if "property_failures" in report else ""))
        print(summary, file=sys.stderr)
        return 1 if failed else 0
    finally:
        mock.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
