"""The fuzzer of scripts/fuzz_rpc.py as a test: a short deterministic run of both framings against the real
binary and the mock LLM server, the numeric-field property check, every request in flight at the end of
input answered, and tests of the oracle itself (the raw-id extractor, the model of what Baton must answer,
and that a server which breaks the rules is caught).

Run: python3 -m pytest -q scripts/test_fuzz.py   (after `swift build`; BATON=path overrides the binary,
which is otherwise .build/debug/baton when present, else .build/release/baton). FUZZ_FRAMES and FUZZ_SEED
change the short run. Failing inputs are saved under a temporary directory named in the failure message;
`python3 scripts/fuzz_rpc.py --replay FILE --framing F` sends one again.
"""

import json
import os
import random
import sys
import textwrap
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fuzz_rpc  # noqa: E402
import mock_llm  # noqa: E402

FRAMES_PER_FRAMING = int(os.environ.get("FUZZ_FRAMES", "2500"))
SEED = int(os.environ.get("FUZZ_SEED", "20261203"))


@pytest.fixture(scope="module")
def binary():
    path = fuzz_rpc.find_binary()
    if not path:
        pytest.fail("no baton binary at .build/debug/baton or .build/release/baton: run `swift build` or set BATON",
                    pytrace=False)
    return path


@pytest.fixture(scope="module")
def mock():
    server = fuzz_rpc.MockServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fuzzer(binary, mock, tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz-work")
    out = tmp_path_factory.mktemp("fuzz-failures")
    return fuzz_rpc.Fuzzer(binary, mock.url, str(work), str(out))


def describe(report):
    lines = [f"{report['failed_sessions']} of {report['sessions']} sessions failed; inputs saved in {report['failures_dir']}"]
    for key in ("crashes", "unexpected_exits", "lost_replies", "doubled_replies", "id_mismatches", "malformed_output",
                "final_status_unanswered"):
        if report[key]:
            lines.append(f"  {key}: {report[key]}")
    for failure in report["distinct_failures"]:
        lines.append(f"- {failure['signature']}  [{failure['framing']}, {failure['sessions']} session(s)]")
        lines.append(textwrap.indent(f"input: {failure['input']}\nsymptom: {failure['symptom']}\nsaved: {failure['saved']}",
                                     "    "))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# The short run

@pytest.mark.parametrize("framing", ["lsp", "ndjson"])
def test_short_fuzz_run(fuzzer, framing):
    campaign = fuzz_rpc.Campaign(fuzzer, SEED, max_replays=120)
    report = campaign.run(FRAMES_PER_FRAMING, max_seconds=20, framings=[framing])   # stops by itself
    assert report["frames_sent"] >= min(FRAMES_PER_FRAMING, 500), report
    problems = [report[k] for k in ("crashes", "unexpected_exits", "lost_replies", "doubled_replies", "id_mismatches",
                                    "malformed_output", "final_status_unanswered")]
    assert not any(problems) and not report["distinct_failures"], describe(report)


def test_requests_in_flight_when_input_ends_are_all_answered(fuzzer):
    """protocol.md section 3.5: at end of stdin every request still gets its one reply. Three `complete`s are
    in flight (at the mock) when stdin closes, right after the final status is answered; four sessions at a
    time, so the handlers finishing and the shutdown's cancellation meet in every order."""
    import threading
    lost = []
    init = fuzz_rpc.dumps(fuzz_rpc._request("initialize", {"processId": None}, id=fuzz_rpc.Raw(fuzz_rpc.PREAMBLE_ID)))

    def sessions(framing):
        preamble = fuzz_rpc.Unit(fuzz_rpc.frame_message(framing, init), [init], {}, "preamble")
        for _ in range(30):
            payloads = [b'{"jsonrpc":"2.0","id":%d,"method":"complete","params":{"prompt":"2+2?","maxTokens":8}}' % i
                        for i in (1, 2, 3)]
            units = [fuzz_rpc.Unit(fuzz_rpc.frame_message(framing, p), [p], {}, "complete") for p in payloads]
            result = fuzzer.run_units(framing, [preamble] + units, True, timeout=30)
            if result.failed:
                lost.append(f"{framing}: {result.crash or result.unexpected_exit or ''} {'; '.join(result.details)}")

    threads = [threading.Thread(target=sessions, args=(framing,)) for framing in ("lsp", "ndjson", "lsp", "ndjson")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not lost, f"{len(lost)} of 120 sessions lost a reply at the end of input:\n" + "\n".join(lost[:10])


# ---------------------------------------------------------------------------------------------------------
# The property check: each numeric field of each method's params, each extreme value

@pytest.mark.parametrize("method,path,base", fuzz_rpc.NUMERIC_FIELDS, ids=[f"{m}.{p}" for m, p, _ in fuzz_rpc.NUMERIC_FIELDS])
def test_numeric_field_extremes(fuzzer, method, path, base):
    checker = fuzz_rpc.PropertyChecker(fuzzer)
    if (method, path) == ("initialize", "processId"):
        outcomes = checker.check_process_id(fuzz_rpc.EXTREME_NUMBERS)
    else:
        outcomes = checker.check_field(method, path, base, fuzz_rpc.EXTREME_NUMBERS)
    assert len([o for o in outcomes if o.value != "(end of session)"]) == len(fuzz_rpc.EXTREME_NUMBERS)
    bad = [f"{method} {path}={o.value}: {o.verdict}" for o in outcomes if not o.ok]
    assert not bad, "each value must get one reply, a result or -32602 naming the field, and the process must " \
                    "survive:\n" + "\n".join(bad)


# ---------------------------------------------------------------------------------------------------------
# The oracle itself

def test_raw_id_extractor_keeps_the_bytes():
    for raw in [b'"\\ud800"', b"1e400", b"123456789012345678901234567890", b"-0", b"1.0", b'"\\u0041"', b"null",
                b'"a\\"b"', '"\u00e9"'.encode()]:
        frame = b'{"jsonrpc":"2.0", "id" :\t' + raw + b' ,"method":"m"}'
        scanned = fuzz_rpc.scan(frame)
        assert scanned.error is None
        members = dict(scanned.root.members)
        assert scanned.raw(members["id"]) == raw
    # keys and "jsonrpc" are compared decoded, as Baton's parser reads them
    assert fuzz_rpc.model_frame(b'{"jsonrpc":"2\\u002e0","\\u0069d":7,"method":"m"}').counts == {("t", b"7"): [1, 1]}


def test_scanner_agrees_with_python_json_on_mutated_input():
    rng = random.Random(5)
    ids = fuzz_rpc.IdSource(rng)
    for _ in range(3000):
        payload, _ = fuzz_rpc.make_payload(ids, rng, False)
        if rng.random() < 0.5:
            payload, _ = fuzz_rpc.mutate_bytes(payload, rng)
        scanned = fuzz_rpc.scan(payload)
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if scanned.deep:
            continue
        try:
            json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
            valid = True
        except (ValueError, RecursionError):
            valid = False
        assert (scanned.error is None) == valid, payload[:300]


@pytest.mark.parametrize("frame,counts", [
    # protocol.md section 2: a batch answers its requests in one array, notifications get no entry
    (b'[{"jsonrpc":"2.0","id":1,"method":"baton/status"},{"jsonrpc":"2.0","method":"initialized"},'
     b'{"jsonrpc":"2.0","id":"b","method":"nope"}]', {("b", b"1"): [1, 1], ("b", b'"b"'): [1, 1], "arrays": [1, 1]}),
    (b"[]", {"null_t": [1, 1]}),
    (b'[{"jsonrpc":"2.0","method":"initialized"}]', {"arrays": [0, 0]}),
    (b'{"jsonrpc":"2.0","id":10,"method":"baton/status",', {"null_t": [1, 1]}),
    (b'{"id":9,"method":"baton/status"}', {("t", b"9"): [1, 1]}),
    (b'{"jsonrpc":"2.0","id":"s1","result":{"decision":"approve"}}', {}),
    (b'{"jsonrpc":"2.0","method":"x","params":5}', {"null_t": [0, 1]}),
    (b'{"jsonrpc":"2.0","id":true,"method":"x"}', {"null_t": [1, 1]}),
    (b'{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}', {("t", b"1"): [0, 1], ("t", b"2"): [0, 1]}),
    (b"[" * 600 + b"]" * 600, {"null_t": [0, 1], "null_b": [0, 1], "arrays": [0, 1]}),
    (b'{"jsonrpc":"2.0","id":"\xff","method":"x"}', {"null_t": [0, 1], ("t", b'"\xff"'): [0, 1]}),
])
def test_model_of_what_must_be_answered(frame, counts):
    assert fuzz_rpc.model_frame(frame).counts == counts


def test_units_replay_the_same_bytes_for_a_seed():
    one = [u.data for u in fuzz_rpc.Fuzzer.build_session("lsp", random.Random("7:3"), 150)[0]]
    two = [u.data for u in fuzz_rpc.Fuzzer.build_session("lsp", random.Random("7:3"), 150)[0]]
    assert one == two and len(one) > 10


STUB = r'''
import json, os, sys
mode = os.environ["STUB_MODE"]
n = 0
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    if not line.strip():
        continue
    try:
        message = json.loads(line)
    except ValueError:
        out.write(b'{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}\n'); out.flush()
        continue
    messages = message if isinstance(message, list) else [message]
    replies = []
    for m in messages:
        if isinstance(m, dict) and "method" in m and "id" in m:
            n += 1
            if mode == "drop" and n % 7 == 3 and m["id"] != "final":
                continue
            replies.append(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": None}))
    if not replies:
        continue
    text = replies[0] if not isinstance(message, list) else "[" + ",".join(replies) + "]"
    out.write(text.encode() + b"\n"); out.flush()
'''


@pytest.mark.parametrize("mode,counter", [("reserialise", "id_mismatches"), ("drop", "lost_replies")])
def test_the_oracle_catches_a_server_that_breaks_the_rules(mock, tmp_path, mode, counter, monkeypatch):
    stub = tmp_path / "stub.py"
    stub.write_text(STUB)
    launcher = tmp_path / "baton"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {stub}\n")
    launcher.chmod(0o755)
    monkeypatch.setenv("STUB_MODE", mode)
    fuzzer = fuzz_rpc.Fuzzer(str(launcher), mock.url, str(tmp_path), str(tmp_path / "out"))
    fuzzer.env["STUB_MODE"] = mode
    report = fuzz_rpc.Campaign(fuzzer, 3, max_replays=5).run(600, max_seconds=30, framings=["ndjson"])
    assert report[counter] > 0, report


def test_mock_never_builds_huge_arrays_for_a_hostile_min_items():
    schema = {"type": "array", "minItems": 4611686018427387904, "items": {"type": "string"}}
    started = time.monotonic()
    items = mock_llm.SchemaGen(schema).gen(schema)
    assert len(items) == mock_llm.MAX_FORCED_ITEMS and time.monotonic() - started < 5
