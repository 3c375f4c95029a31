#!/usr/bin/env python3
"""A bounded mutation fuzzer for Baton's JSON-RPC front door: the real binary over pipes, both framings.

Usage:
    python3 scripts/fuzz_rpc.py [--binary .build/debug/baton] [--seed 1] [--frames 5000]
                                [--max-seconds 300] [--framing both|lsp|ndjson] [--out-dir DIR]
    python3 scripts/fuzz_rpc.py --properties          # the numeric-field property check only
    python3 scripts/fuzz_rpc.py --replay FILE.bin --framing lsp   # send a saved input, print what came back

Each session starts `baton serve` against scripts/mock_llm.py (started here on 127.0.0.1, so every model call
is real and fast), writes a stream of frames built from a seed corpus (a valid message for every method in
protocol.md) and mutated (wrong types in every field, extreme numbers, lone surrogates, invalid UTF-8, deep
nesting, duplicated keys, batches, truncation, byte flips, Content-Length lies, ...), then one well-formed
`baton/status`, then closes stdin. The same --seed gives the same bytes; --frames and --max-seconds bound it.

The oracle, per session:
  - the process never dies by a signal and never exits before its stdin ends (or with a non-zero code after);
  - every request carrying an id gets exactly one reply, none lost, none doubled, batch replies counted per
    element: what Baton must answer is computed by a model of protocol.md (sections 1 and 2) run on the exact
    bytes written, so a frame that a Content-Length lie swallows is not expected to be answered;
  - the id of every reply is byte for byte the id text that was sent (raw JSON text, never re-serialised);
  - every output frame is well-formed JSON-RPC; the final `baton/status` is answered.

Where protocol.md and RFC 8259 leave the outcome open (nesting deeper than the parser's limit, invalid UTF-8
inside a string, conflicting duplicate headers or keys, blank lines) either outcome is accepted, but a reply
still must carry an id that was sent. Every failing input is saved (exact bytes, plus a JSON note with the
symptom and the command that replays it) under --out-dir (a new temporary directory by default); each one is
replayed alone first, so a saved input is the smallest unit that shows the failure when one alone does.

Prints one JSON object: frames sent, sessions, crashes, unexpected exits, lost / doubled replies, id
mismatches, malformed output, peak RSS of baton (VmHWM), elapsed time and every distinct failure found.
Exit status 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# ---------------------------------------------------------------------------------------------------------
# Values

#: The extreme numbers of the property check (brief: every numeric field gets each of these).
EXTREME_NUMBERS = [
    "0", "-1", "1.5", "1e300", "-1e300", "1e400", "9223372036854775807", "-9223372036854775808",
    "4611686018427387904", "123456789012345678901234567890", "2147483648",
]

#: Numbers the fuzzer puts anywhere: the extremes, near-boundaries, and number-ish text that is not JSON.
FUZZ_NUMBERS = EXTREME_NUMBERS + [
    "-1e400", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "4294967296",
    "2147483647", "-2147483649", "1.0", "-0", "0.0", "1E2", "1e-400", "5e-324", "1.7976931348623157e308",
    "0.000001", "3", "1",
    # not JSON: the frame must be refused as a parse error, never crash anything
    "NaN", "-NaN", "Infinity", "-Infinity", "nan", "inf", "1e", "1.", ".5", "+1", "01", "-", "0x10", "1_000",
]

#: Ids, as raw JSON text: every one that is a valid id must come back byte for byte.
ID_POOL = [
    "0", "-1", "1.5", "1e400", "-1e400", "123456789012345678901234567890", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "4611686018427387904", "2147483648", "1.0", "-0", "1E2",
    "0.1", "1e-400", "1e300", "null",
    '"\\ud800"', '"\\udc00"', '"a\\ud800b"', '"\\ud800\\udc00"', '"\\udbff\\udfff"', '"\\u0041"', '"\\/"',
    '"\\u0000"', '""', '"a\\"b"', '"\u00e9"', '"\U0001F600"', '"s1"', '"' + "x" * 1000 + '"',
    # not ids: answered with id null
    "true", "false", "{}", "[]", '{"a":1}', "[1]",
]

#: Strings with lone surrogates and other awkward text, as raw JSON.
AWKWARD_STRINGS = [
    '"\\ud800"', '"\\udc00"', '"x\\ud800"', '"\\ud800\\u0041"', '"\\udfff\\ud800"', '"\\ud800\\udc00"',
    '"\\u0000"', '"\u00e9\u4e2d\U0001F600"', '"{undefined}"', '"{{task}}"', '"</input>"', '""', '" "',
    '"' + "y" * 20000 + '"',
]

#: Invalid UTF-8 byte sequences.
BAD_UTF8 = [b"\xff", b"\xfe", b"\x80", b"\xc0\x80", b"\xc1\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
            b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3"]

# The numeric fields of every method's params, from protocol.md's tables (sections 3, 5, 8 and 9), each
# with the smallest cheap valid params to put it in. `path` is dotted; `[0]` indexes an array.
_SUBTASK = {"id": "a", "name": "Name", "description": "Say hello."}
NUMERIC_FIELDS: List[Tuple[str, str, Dict[str, Any]]] = [
    ("initialize", "processId", {"capabilities": {}}),
    ("complete", "maxTokens", {"prompt": "hi"}),
    ("complete", "temperature", {"prompt": "hi", "maxTokens": 8}),
    ("plan", "maxSubtasks", {"task": "Plan a picnic"}),
    ("plan", "minSubtasks", {"task": "Plan a picnic"}),
    ("runSubtask", "maxTokens", {"task": "t", "subtask": dict(_SUBTASK)}),
    ("runSubtask", "subtask.constraints.maxTokens", {"task": "t", "subtask": dict(_SUBTASK, constraints={})}),
    ("runSubtask", "subtask.constraints.timeoutSeconds", {"task": "t", "subtask": dict(_SUBTASK, constraints={})}),
    # `maxTokens` is read by synthesize too, though its table in protocol.md does not list it.
    ("synthesize", "maxTokens", {"task": "t", "results": [{"subtaskId": "a", "status": "completed", "output": "x"}]}),
    ("run", "maxSubtasks", {"task": "t"}),
    ("run", "minSubtasks", {"task": "t"}),
    ("run", "concurrency", {"task": "t", "maxSubtasks": 2}),
    ("run", "deadlineSeconds", {"task": "t", "maxSubtasks": 2}),
    ("run", "budget.maxTokens", {"task": "t", "maxSubtasks": 2, "budget": {}}),
    ("run", "budget.maxCostUSD", {"task": "t", "maxSubtasks": 2, "budget": {}}),
    ("run", "subtasks[0].constraints.maxTokens", {"task": "t", "subtasks": [dict(_SUBTASK, constraints={})]}),
    ("run", "subtasks[0].constraints.timeoutSeconds", {"task": "t", "subtasks": [dict(_SUBTASK, constraints={})]}),
    ("run", "workDoneToken", {"task": "t", "maxSubtasks": 2}),
    ("run", "_meta.progressToken", {"task": "t", "maxSubtasks": 2, "_meta": {}}),
]

#: `--max-frame-bytes` of every fuzzed process: small enough that oversized frames are cheap to send.
MAX_FRAME_BYTES = 512 * 1024
#: JSONParser.maxDepth in the sources; deeper input may be refused (RFC 8259 section 9 allows a limit).
PARSER_DEPTH_LIMIT = 512


# ---------------------------------------------------------------------------------------------------------
# Building JSON with exact control over every byte

class Raw:
    """JSON text written verbatim (numbers that Python cannot hold, escapes, invalid text)."""
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text.encode("utf-8") if isinstance(text, str) else bytes(text)

    def __repr__(self):
        return f"Raw({self.text[:60]!r})"


class Obj:
    """A JSON object as a list of [key, value] pairs, so keys can repeat and keep their order."""
    __slots__ = ("pairs",)

    def __init__(self, pairs=None):
        self.pairs = [list(p) for p in (pairs or [])]

    @classmethod
    def of(cls, value):
        """Deep conversion of dicts (and lists of dicts) into Obj."""
        if isinstance(value, dict):
            return cls([[k, cls.of(v)] for k, v in value.items()])
        if isinstance(value, list):
            return [cls.of(v) for v in value]
        return value

    def get(self, key, default=None):
        for k, v in reversed(self.pairs):
            if k == key:
                return v
        return default

    def set(self, key, value):
        for pair in self.pairs:
            if pair[0] == key:
                pair[1] = value
                return
        self.pairs.append([key, value])

    def remove(self, key):
        self.pairs = [p for p in self.pairs if p[0] != key]

    def copy(self):
        return Obj([[k, deep_copy(v)] for k, v in self.pairs])


def deep_copy(value):
    if isinstance(value, Obj):
        return value.copy()
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value


def dumps(value) -> bytes:
    out: List[bytes] = []
    _dump(value, out)
    return b"".join(out)


def _dump(value, out):
    if isinstance(value, Raw):
        out.append(value.text)
    elif isinstance(value, Obj):
        out.append(b"{")
        for i, (k, v) in enumerate(value.pairs):
            if i:
                out.append(b",")
            _dump(k, out)
            out.append(b":")
            _dump(v, out)
        out.append(b"}")
    elif isinstance(value, list):
        out.append(b"[")
        for i, v in enumerate(value):
            if i:
                out.append(b",")
            _dump(v, out)
        out.append(b"]")
    elif isinstance(value, dict):
        _dump(Obj.of(value), out)
    else:
        out.append(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def set_path(root, path: str, value):
    """Sets a dotted path (`a.b[0].c`) in Obj/list structure, making (or replacing) containers on the way."""
    tokens = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node = root
    for i, token in enumerate(tokens):
        last = i == len(tokens) - 1
        wants_list = not last and tokens[i + 1].startswith("[")
        if token.startswith("["):
            index = int(token[1:-1])
            while len(node) <= index:
                node.append(Obj.of(dict(_SUBTASK)))
            if last:
                node[index] = value
            else:
                if not isinstance(node[index], (list if wants_list else Obj)):
                    node[index] = [] if wants_list else Obj()
                node = node[index]
        elif last:
            node.set(token, value)
        else:
            child = node.get(token)
            if not isinstance(child, list if wants_list else Obj):
                child = [] if wants_list else Obj()
                node.set(token, child)
            node = child
    return root


# ---------------------------------------------------------------------------------------------------------
# A strict RFC 8259 scanner that keeps raw text spans (the raw-id extractor, and the model of Baton's parser)

class Node:
    __slots__ = ("kind", "start", "end", "members", "elements")

    def __init__(self, kind, start):
        self.kind = kind          # object array string number true false null
        self.start = start
        self.end = start
        self.members = None       # [(decoded key, Node)] for objects within the detail depth
        self.elements = None      # [Node] for arrays within the detail depth


class ScanResult:
    __slots__ = ("root", "error", "deep", "bad_utf8", "data")

    def __init__(self, data):
        self.data = data
        self.root: Optional[Node] = None
        self.error: Optional[str] = None
        self.deep = False         # nesting deeper than PARSER_DEPTH_LIMIT
        self.bad_utf8 = False     # invalid UTF-8 inside a string (Baton reads it as U+FFFD; refusing is fine too)

    def raw(self, node: Node) -> bytes:
        return self.data[node.start:node.end]


_WS = re.compile(rb"[ \t\n\r]*")
_STRING = re.compile(rb'"((?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*)"')
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPE = re.compile(rb'\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))')
_SIMPLE_ESCAPES = {b'"': '"', b"\\": "\\", b"/": "/", b"b": "\b", b"f": "\f", b"n": "\n", b"r": "\r", b"t": "\t"}


def decode_string(body: bytes) -> str:
    """A JSON string body as Baton reads it: escapes decoded, lone surrogates and bad UTF-8 as U+FFFD."""
    if b"\\" not in body:
        return body.decode("utf-8", "replace")
    parts: List[str] = []
    pos = 0
    pending_high = None
    for m in _ESCAPE.finditer(body):
        if m.start() > pos:
            if pending_high is not None:
                parts.append("\ufffd")
                pending_high = None
            parts.append(body[pos:m.start()].decode("utf-8", "replace"))
        pos = m.end()
        if m.group(1) is not None:
            cp = int(m.group(1), 16)
            if pending_high is not None:
                if 0xDC00 <= cp <= 0xDFFF:
                    parts.append(chr(0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00)))
                    pending_high = None
                    continue
                parts.append("\ufffd")
                pending_high = None
            if 0xD800 <= cp <= 0xDBFF:
                pending_high = cp
            elif 0xDC00 <= cp <= 0xDFFF:
                parts.append("\ufffd")
            else:
                parts.append(chr(cp))
        else:
            if pending_high is not None:
                parts.append("\ufffd")
                pending_high = None
            parts.append(_SIMPLE_ESCAPES[m.group(2)])
    if pending_high is not None:
        parts.append("\ufffd")
    parts.append(body[pos:].decode("utf-8", "replace"))
    return "".join(parts)


# Runs of openers (arrays, or objects with a plain ASCII key) and of closers, taken in one step beyond the
# depth whose structure is kept: 100,000 levels of nesting then cost a few regex calls, not 200,000 loop turns.
_OPEN_RUN = re.compile(rb'(?:\[[ \t\n\r]*|\{[ \t\n\r]*"[\x20\x21\x23-\x5a\x5e-\x7a\x7c\x7e]*"[ \t\n\r]*:[ \t\n\r]*)+')
_CLOSE_RUN = re.compile(rb"[\]}]+")
_NOT_OPENERS = bytes(b for b in range(256) if b not in (0x5B, 0x7B))
_CLOSER_OF = bytes.maketrans(b"[{", b"]}")
_DEEP = Node("deep", 0)   # a value below the kept depth: validated, not recorded


def scan(data: bytes, detail_depth: int = 3) -> ScanResult:
    """Validates one JSON text (iteratively: any depth) and records the structure of its top levels: nodes
    for values down to `detail_depth`, with the members / elements of containers above it."""
    result = ScanResult(data)
    n = len(data)
    ws = _WS.match
    kinds = bytearray()            # the opener of every open container
    nodes: List[Node] = []         # open containers within the kept depth
    keys: List[Optional[str]] = [] # their pending member keys
    i = ws(data, 0).end()

    def fail(message):
        result.error = f"{message} at byte {i}"
        return result

    def read_key():
        nonlocal i
        m = _STRING.match(data, i)
        if not m:
            return None
        body = m.group(1)
        if body and max(body) >= 0x80:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                result.bad_utf8 = True
        i = m.end()
        return decode_string(body) if len(kinds) < detail_depth else ""

    while True:
        # -- a value starts at i
        if i >= n:
            return fail("unexpected end of input")
        c = data[i]
        value: Optional[Node] = None
        if c == 0x7B or c == 0x5B:  # { [
            if len(kinds) >= detail_depth:
                m = _OPEN_RUN.match(data, i)
                if m:
                    kinds += m.group(0).translate(None, _NOT_OPENERS)
                    if len(kinds) > PARSER_DEPTH_LIMIT:
                        result.deep = True
                    i = m.end()
                    if kinds[-1] == 0x5B and i < n and data[i] == 0x5D:
                        i += 1
                        kinds.pop()
                        value = _DEEP
                    else:
                        continue
            if value is None:
                depth = len(kinds) + 1
                kinds.append(c)
                if depth > PARSER_DEPTH_LIMIT:
                    result.deep = True
                node = None
                if depth <= detail_depth:
                    node = Node("object" if c == 0x7B else "array", i)
                    if depth < detail_depth:
                        if c == 0x7B:
                            node.members = []
                        else:
                            node.elements = []
                    nodes.append(node)
                    keys.append(None)
                i = ws(data, i + 1).end()
                close = 0x7D if c == 0x7B else 0x5D
                if i < n and data[i] == close:
                    i += 1
                    kinds.pop()
                    if node is not None:
                        nodes.pop()
                        keys.pop()
                        node.end = i
                        value = node
                    else:
                        value = _DEEP
                elif c == 0x7B:
                    key = read_key()
                    if key is None:
                        return fail("expected a string key")
                    i = ws(data, i).end()
                    if i >= n or data[i] != 0x3A:
                        return fail("expected ':'")
                    if node is not None:
                        keys[-1] = key
                    i = ws(data, i + 1).end()
                    continue
                else:
                    continue
        else:
            keep = len(kinds) < detail_depth
            if c == 0x22:  # "
                m = _STRING.match(data, i)
                if not m:
                    return fail("bad string")
                body = m.group(1)
                if body and max(body) >= 0x80:
                    try:
                        body.decode("utf-8")
                    except UnicodeDecodeError:
                        result.bad_utf8 = True
                kind, end = "string", m.end()
            elif c == 0x2D or 0x30 <= c <= 0x39:
                m = _NUMBER.match(data, i)
                if not m:
                    return fail("invalid number")
                kind, end = "number", m.end()
            elif data.startswith(b"true", i):
                kind, end = "true", i + 4
            elif data.startswith(b"false", i):
                kind, end = "false", i + 5
            elif data.startswith(b"null", i):
                kind, end = "null", i + 4
            else:
                return fail("unexpected character")
            if keep:
                value = Node(kind, i)
                value.end = end
            else:
                value = _DEEP
            i = end

        # -- attach the finished value to its container, closing containers as far as they end here
        while True:
            if not kinds:
                result.root = value
                i = ws(data, i).end()
                if i != n:
                    return fail("unexpected data after the JSON value")
                return result
            d = len(kinds)
            if d <= detail_depth:
                top = nodes[-1]
                if top.members is not None:
                    top.members.append((keys[-1], value))
                elif top.elements is not None:
                    top.elements.append(value)
            i = ws(data, i).end()
            if i >= n:
                return fail("unexpected end of input in container")
            c = data[i]
            opener = kinds[-1]
            if c == 0x2C:  # ,
                i = ws(data, i + 1).end()
                if opener == 0x7B:
                    key = read_key()
                    if key is None:
                        return fail("expected a string key")
                    i = ws(data, i).end()
                    if i >= n or data[i] != 0x3A:
                        return fail("expected ':'")
                    if d <= detail_depth:
                        keys[-1] = key
                    i = ws(data, i + 1).end()
                break  # next value
            if (opener == 0x7B and c == 0x7D) or (opener == 0x5B and c == 0x5D):
                limit = d - detail_depth
                if limit > 1:
                    closers = _CLOSE_RUN.match(data, i, min(n, i + limit)).group(0)
                    wanted = bytes(kinds[d - len(closers):])[::-1].translate(_CLOSER_OF)
                    if wanted != closers:  # close what matches; the first mismatch is then a parse error
                        closers = closers[:next(k for k in range(len(closers)) if closers[k] != wanted[k])]
                    if len(closers) > 1:
                        del kinds[d - len(closers):]
                        i += len(closers)
                        value = _DEEP
                        continue
                i += 1
                kinds.pop()
                if d <= detail_depth:
                    value = nodes.pop()
                    keys.pop()
                    value.end = i
                else:
                    value = _DEEP
                continue
            return fail("expected ',' or a closing bracket")


def string_value(scanned: ScanResult, node: Optional[Node]) -> Optional[str]:
    if node is None or node.kind != "string":
        return None
    return decode_string(scanned.data[node.start + 1:node.end - 1])


# ---------------------------------------------------------------------------------------------------------
# The model: what Baton must answer for one frame (protocol.md section 2, Message.classify)

def _member_choices(node: Node) -> List[Dict[str, Node]]:
    """The object's members as Baton may read them: last duplicate wins (Baton's parser), or first."""
    last: Dict[str, Node] = {}
    first: Dict[str, Node] = {}
    for key, value in node.members:
        last[key] = value
        first.setdefault(key, value)
    if len(first) == len(node.members):
        return [last]
    return [last, first]


def _classify(scanned: ScanResult, node: Node, members: Dict[str, Node]):
    """(reply, side) for one message: reply is None, ("id", raw), "null" or "maybe-null" (a null-id error or
    nothing: protocol.md says a message without an id is never answered, even when malformed, while JSON-RPC
    answers an invalid request with id null); side names a request's or notification's method."""
    id_node = members.get("id")
    id_ok = id_node is not None and id_node.kind in ("string", "number", "null")
    reply_id = ("id", scanned.raw(id_node)) if id_ok and id_node.kind != "null" else "null"
    refused = reply_id if id_ok else ("maybe-null" if id_node is None else "null")
    if string_value(scanned, members.get("jsonrpc")) != "2.0":
        return (refused, None)
    method = members.get("method")
    if method is not None:
        if method.kind != "string":
            return (refused, None)
        params = members.get("params")
        if params is not None and params.kind not in ("object", "array", "null"):
            return (refused, None)
        name = string_value(scanned, method)
        if id_node is None:
            return (None, ("notification", name))
        if not id_ok:
            return ("null", None)
        return (reply_id, ("request", name))
    if id_ok:
        return (None, ("response", None))  # a reply to a server-to-client request: never answered
    return (refused, None)


def _alternatives(scanned: ScanResult, node: Node) -> List[Tuple[Any, Any]]:
    if node.kind != "object":
        return [("null", None)]
    outcomes = []
    for members in _member_choices(node):
        outcome = _classify(scanned, node, members)
        if outcome[0] == "maybe-null":
            outcomes.append(("null", None))
            outcomes.append((None, None))
        else:
            outcomes.append(outcome)
    return outcomes


@dataclass
class FrameModel:
    """Counts Baton must produce for one frame, as [lo, hi] per key: ("t", raw id) top-level replies,
    ("b", raw id) replies inside batch arrays, "null_t" / "null_b" null-id replies, "arrays" batch replies."""
    counts: Dict[Any, List[int]] = field(default_factory=dict)
    requests: set = field(default_factory=set)       # methods requested (initialize, shutdown, ...)
    notifications: set = field(default_factory=set)  # notification methods (exit!)
    scan_error: Optional[str] = None


def _vector_for(reply, loc) -> Counter:
    vec = Counter()
    if reply is None:
        return vec
    if reply == "null":
        vec["null_" + loc] += 1
    else:
        vec[(loc, reply[1])] += 1
    return vec


def model_frame(frame: bytes) -> FrameModel:
    """What one frame (the bytes Baton's decoder hands to its parser) must be answered with."""
    model = FrameModel()
    scanned = scan(frame)
    alternatives: List[Counter] = []
    if scanned.error is not None:
        model.scan_error = scanned.error
        alternatives.append(Counter({"null_t": 1}))
    else:
        if scanned.deep or scanned.bad_utf8:
            alternatives.append(Counter({"null_t": 1}))  # refusing it as a parse error is allowed
        root = scanned.root
        if root.kind == "array":
            if not root.elements:
                alternatives.append(Counter({"null_t": 1}))
            else:
                # Each element's alternatives combine independently; keep it cheap by taking per-element ranges.
                element_vectors = []
                for element in root.elements:
                    outs = _alternatives(scanned, element)
                    for _reply, side in outs:
                        if side and side[0] == "request":
                            model.requests.add(side[1])
                        if side and side[0] == "notification":
                            model.notifications.add(side[1])
                    element_vectors.append([_vector_for(reply, "b") for reply, _ in outs])
                lo, hi = Counter(), Counter()
                total_lo = total_hi = 0
                for options in element_vectors:
                    keys = set().union(*options)
                    for key in keys:
                        lo[key] += min(v[key] for v in options)
                        hi[key] += max(v[key] for v in options)
                    sizes = [sum(v.values()) for v in options]
                    total_lo += min(sizes)
                    total_hi += max(sizes)
                arrays = [1 if total_lo > 0 else 0, 1 if total_hi > 0 else 0]
                for key in set(lo) | set(hi):
                    _add(model.counts, key, lo[key], hi[key])
                _add(model.counts, "arrays", arrays[0], arrays[1])
                if len(alternatives) == 1:  # the parse-error alternative: nothing of the batch is due
                    for key in list(model.counts):
                        model.counts[key][0] = 0
                    _add(model.counts, "null_t", 0, 1)
                return model
        else:
            for reply, side in _alternatives(scanned, root):
                if side and side[0] == "request":
                    model.requests.add(side[1])
                if side and side[0] == "notification":
                    model.notifications.add(side[1])
                alternatives.append(_vector_for(reply, "t"))
    keys = set().union(*alternatives)
    for key in keys:
        _add(model.counts, key, min(v[key] for v in alternatives), max(v[key] for v in alternatives))
    return model


def _add(counts, key, lo, hi):
    slot = counts.setdefault(key, [0, 0])
    slot[0] += lo
    slot[1] += hi


# ---------------------------------------------------------------------------------------------------------
# Seeds: a valid, cheap message for every method in protocol.md

class IdSource:
    """Fresh ids for one session: integers and strings, never reused, never the final status's id."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.n = 0
        self.recent: List[Raw] = []

    def next(self) -> Raw:
        self.n += 1
        roll = self.rng.random()
        if roll < 0.45:
            raw = Raw(str(self.n))
        elif roll < 0.9:
            raw = Raw(f'"f{self.n}"')
        else:
            raw = Raw(f'"\u00e9-{self.n}"')
        self.recent.append(raw)
        if len(self.recent) > 16:
            self.recent.pop(0)
        return raw

    def earlier(self) -> Raw:
        return self.rng.choice(self.recent) if self.recent else Raw("1")


def _request(method, params=None, *, id=None, with_params=True):
    message = Obj([["jsonrpc", "2.0"]])
    if id is not None:
        message.pairs.append(["id", id])
    message.pairs.append(["method", method])
    if with_params and params is not None:
        message.pairs.append(["params", Obj.of(params)])
    return message


def seed_messages(ids: IdSource, rng: random.Random) -> List[Tuple[int, Any]]:
    """(weight, build) for every method; `build()` makes the message, requests with a fresh id."""
    pid = os.getpid()
    n = ids.next
    sub_a = {"id": "a", "name": "Place", "description": "Choose a park.", "constraints": {"maxTokens": 32, "timeoutSeconds": 30}}
    sub_b = {"id": "b", "name": "Food", "description": "List food.", "dependsOn": ["a"]}
    results = [{"subtaskId": "a", "name": "Place", "status": "completed", "output": "Riverside Park"},
               {"subtaskId": "b", "status": "failed", "error": "boom"}]
    return [
        (2, lambda: _request("initialize", {"processId": rng.choice([None, pid]), "clientInfo": {"name": "fuzz"}, "capabilities": {}}, id=n())),
        (2, lambda: _request("initialized", {})),
        (1, lambda: _request("notifications/initialized")),
        (6, lambda: _request("baton/status", id=n())),
        (2, lambda: _request("baton/status", rng.choice([{}, None, []]), id=n())),
        (3, lambda: _request("models/list", id=n())),
        (5, lambda: _request("complete", {"prompt": "What is 2+2?", "maxTokens": 8}, id=n())),
        (2, lambda: _request("complete", {"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.2, "stop": ["\n\n"], "maxTokens": 16, "stream": True}, id=n())),
        (1, lambda: _request("complete", {"prompt": "Give JSON", "schema": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}, "schemaName": "thing"}, id=n())),
        (1, lambda: _request("complete", {"prompt": "Weather?", "tools": [{"name": "weather", "description": "d", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]}, id=n())),
        (4, lambda: _request("plan", {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 1, "context": {"people": 6}, "instructions": "Be brief."}, id=n())),
        (1, lambda: _request("plan", {"task": "Plan {what}", "context": {"what": "a picnic"}, "maxSubtasks": 3, "subtaskSchema": {"type": "object", "properties": {"share": {"type": "number"}}, "required": ["share"]}}, id=n())),
        (4, lambda: _request("runSubtask", {"task": "Plan a picnic", "subtask": sub_a, "maxTokens": 32}, id=n())),
        (1, lambda: _request("runSubtask", {"planId": "plan-nope", "subtaskId": "s1"}, id=n())),
        (1, lambda: _request("runSubtask", {"task": "t", "subtask": {"id": "x", "name": "n", "description": "d"}, "outputSchema": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}, id=n())),
        (4, lambda: _request("synthesize", {"task": "Plan a picnic", "results": results, "format": "bullets", "style": "formal"}, id=n())),
        (1, lambda: _request("synthesize", {"planId": "plan-nope"}, id=n())),
        (3, lambda: _request("run", {"task": "Plan a picnic", "maxSubtasks": 2, "concurrency": 2, "budget": {"maxTokens": 100000, "maxCostUSD": 1.0}, "deadlineSeconds": 30, "format": "bullets"}, id=n())),
        (1, lambda: _request("run", {"task": "Plan a picnic", "subtasks": [sub_a, sub_b], "stream": True, "workDoneToken": "w1", "_meta": {"progressToken": 7}, "style": "time-based"}, id=n())),
        (1, lambda: _request("run", {"task": "Plan a picnic", "maxSubtasks": 1, "models": {"planner": "mock:mock-model", "worker": "mock:mock-model"}, "templates": {"worker": "Do {subtask}"}}, id=n())),
        (1, lambda: _request("run", {"task": "Plan a picnic", "maxSubtasks": 1, "approvePlan": True}, id=n())),
        (2, lambda: _request("cancel", rng.choice([{"runId": "run-nope"}, {"planId": "plan-nope"}]), id=n())),
        (3, lambda: _request("runs/get", {"runId": "run-nope"}, id=n())),
        (2, lambda: _request("runs/list", id=n())),
        (2, lambda: _request("$/cancelRequest", Obj([["id", ids.earlier()]]))),
        (1, lambda: _request("notifications/cancelled", Obj([["requestId", ids.earlier()], ["reason", "fuzz"]]))),
        (1, lambda: _request("$/cancel_request", Obj([["requestId", ids.earlier()]]))),
        (1, lambda: Obj([["jsonrpc", "2.0"], ["id", Raw('"s1"')], ["result", Obj([["decision", "approve"]])]])),
        (1, lambda: _request("no/such", id=n())),
        (1, lambda: _request("$/setTrace", {"value": "off"})),
    ]


def pick_seed(ids: IdSource, rng: random.Random, allow_shutdown: bool) -> Obj:
    if allow_shutdown and rng.random() < 0.004:
        return _request("shutdown", id=ids.next())
    seeds = seed_messages(ids, rng)
    total = sum(w for w, _ in seeds)
    roll = rng.uniform(0, total)
    for weight, build in seeds:
        roll -= weight
        if roll <= 0:
            return build()
    return seeds[-1][1]()


# ---------------------------------------------------------------------------------------------------------
# Mutations

TYPE_POOL = [None, True, False, "", "x", [], Obj(), [1, "a", None], Obj([["a", 1]]), Raw("0"), Raw("-1"),
             Raw("1.5"), "2.0", "\u00e9"]


def random_value(rng: random.Random):
    roll = rng.random()
    if roll < 0.35:
        return Raw(rng.choice(FUZZ_NUMBERS))
    if roll < 0.55:
        return Raw(rng.choice(AWKWARD_STRINGS))
    if roll < 0.6:
        return deep_value(rng)
    return deep_copy(rng.choice(TYPE_POOL))


def deep_value(rng: random.Random) -> Raw:
    depth = rng.choice([2, 64, 511, 512, 513, 1000, 5000, 100000])
    if rng.random() < 0.5:
        return Raw("[" * depth + "]" * depth)
    return Raw('{"a":' * depth + "1" + "}" * depth)


def _paths(value, prefix=()):
    """Every (container, key-or-index) position in the message, for 'wrong type anywhere'."""
    out = []
    if isinstance(value, Obj):
        for i, (k, v) in enumerate(value.pairs):
            out.append((value, i))
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.append((value, i))
            out.extend(_paths(v, prefix + (i,)))
    return out


def _set_at(container, index, value):
    if isinstance(container, Obj):
        container.pairs[index][1] = value
    else:
        container[index] = value


def _get_at(container, index):
    return container.pairs[index][1] if isinstance(container, Obj) else container[index]


def _numeric_paths_for(method) -> List[str]:
    return [path for m, path, _ in NUMERIC_FIELDS if m == method]


def mutate_structure(message: Obj, rng: random.Random, ids: IdSource) -> Tuple[Any, str]:
    """One structural mutation; returns the new message (maybe a batch) and a short description."""
    op = rng.choice(["id", "id", "type", "type", "type", "number", "number", "surrogate", "remove", "dup",
                     "dup", "deep", "params", "jsonrpc", "method", "batch", "batch", "extra", "bigstring"])
    method = message.get("method") if isinstance(message, Obj) else None
    if not message.pairs:
        message.pairs.append(["jsonrpc", "2.0"])
    if op == "id":
        raw = Raw(rng.choice(ID_POOL))
        message.set("id", raw)
        return message, f"id={raw.text[:40].decode('utf-8', 'replace')}"
    if op == "number":
        paths = _numeric_paths_for(method) if isinstance(method, str) else []
        if paths:
            path = rng.choice(paths)
            params = message.get("params")
            if not isinstance(params, Obj):
                params = Obj()
                message.set("params", params)
            value = Raw(rng.choice(FUZZ_NUMBERS))
            set_path(params, path, value)
            return message, f"{method}.{path}={value.text.decode()}"
        op = "type"
    if op == "type" or op == "surrogate":
        positions = _paths(message)
        if op == "surrogate":
            positions = [p for p in positions if isinstance(_get_at(*p), str)] or positions
        container, index = rng.choice(positions)
        value = Raw(rng.choice(AWKWARD_STRINGS)) if op == "surrogate" else random_value(rng)
        _set_at(container, index, value)
        where = container.pairs[index][0] if isinstance(container, Obj) else f"[{index}]"
        shown = dumps(value)[:30].decode("utf-8", "replace")
        return message, f"{op}:{where}={shown}"
    if op == "remove":
        container, index = rng.choice(_paths(message))
        if isinstance(container, Obj):
            key = container.pairs[index][0]
            del container.pairs[index]
            return message, f"remove:{key}"
        del container[index]
        return message, "remove:[i]"
    if op == "dup":
        targets = [message] + [v for _, v in message.pairs if isinstance(v, Obj)]
        target = rng.choice(targets)
        if not target.pairs:
            target.pairs.append(["x", 1])
        key, value = rng.choice(target.pairs)
        other = deep_copy(value) if rng.random() < 0.4 else random_value(rng)
        if rng.random() < 0.5:
            target.pairs.append([key, other])
        else:
            target.pairs.insert(0, [key, other])
        return message, f"dup:{key}"
    if op == "deep":
        params = message.get("params")
        if isinstance(params, Obj) and params.pairs and rng.random() < 0.7:
            params.pairs[rng.randrange(len(params.pairs))][1] = deep_value(rng)
        else:
            message.set("params", deep_value(rng))
        return message, "deep"
    if op == "params":
        value = rng.choice([Raw("5"), "text", True, Raw("null"), [1, 2], [Obj([["task", "t"]])], Raw("1e400")])
        message.set("params", value)
        return message, "params-type"
    if op == "jsonrpc":
        value = rng.choice([Raw("2.0"), "1.0", "2.0 ", "2", Raw('"2\\u002e0"'), None, Raw('"\\ud800"')])
        if rng.random() < 0.2:
            message.remove("jsonrpc")
            return message, "jsonrpc-missing"
        message.set("jsonrpc", value)
        return message, "jsonrpc"
    if op == "method":
        value = rng.choice([Raw("5"), "", "BATON/STATUS", "baton/status ", Raw('"\\ud800"'), None, [], "$/nope",
                            "rpc.discover", "initialize", "shutdown" if rng.random() < 0.05 else "run"])
        if rng.random() < 0.15:
            message.remove("method")
            return message, "method-missing"
        message.set("method", value)
        return message, "method"
    if op == "batch":
        kind = rng.choice(["one", "mixed", "mixed", "nested", "empty", "notifications", "scalars"])
        if kind == "one":
            return [message], "batch:one"
        if kind == "mixed":
            extra = [pick_seed(ids, rng, False) for _ in range(rng.randrange(1, 4))]
            batch = [message] + extra + ([Raw("5")] if rng.random() < 0.3 else [])
            rng.shuffle(batch)
            return batch, "batch:mixed"
        if kind == "nested":
            return [[message], message.copy()] if rng.random() < 0.5 else [[message]], "batch:nested"
        if kind == "empty":
            return rng.choice([[], [[]], [[], []]]), "batch:empty"
        if kind == "notifications":
            return [_request("initialized", {}), _request("$/cancelRequest", Obj([["id", ids.earlier()]]))], "batch:notifications"
        return [Raw("1"), "x", None, message], "batch:scalars"
    if op == "extra":
        message.pairs.append([rng.choice(["result", "error", "extra", "ID", "Method", "params"]), random_value(rng)])
        return message, "extra-member"
    # bigstring
    params = message.get("params")
    if isinstance(params, Obj) and params.pairs:
        params.pairs[rng.randrange(len(params.pairs))][1] = "z" * rng.choice([1000, 60000])
    return message, "bigstring"


def mutate_bytes(data: bytes, rng: random.Random) -> Tuple[bytes, str]:
    op = rng.choice(["flip", "flip", "truncate", "utf8", "utf8", "control", "dupchunk"])
    buf = bytearray(data)
    if not buf:
        return data, "empty"
    if op == "flip":
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(buf))
            buf[pos] = rng.randrange(256) if rng.random() < 0.5 else buf[pos] ^ (1 << rng.randrange(8))
        return bytes(buf), "byteflip"
    if op == "truncate":
        return bytes(buf[:rng.randrange(len(buf))]), "truncate"
    if op == "utf8":
        quotes = [m.start() + 1 for m in re.finditer(rb'"', data)]
        pos = rng.choice(quotes) if quotes and rng.random() < 0.8 else rng.randrange(len(buf) + 1)
        buf[pos:pos] = rng.choice(BAD_UTF8)
        return bytes(buf), "bad-utf8"
    if op == "control":
        quotes = [m.start() + 1 for m in re.finditer(rb'"', data)] or [0]
        pos = rng.choice(quotes)
        buf[pos:pos] = bytes([rng.choice([0, 1, 9, 10, 13, 27, 31])])
        return bytes(buf), "control-char"
    start = rng.randrange(len(buf))
    end = min(len(buf), start + rng.randint(1, 16))
    buf[end:end] = buf[start:end]
    return bytes(buf), "dup-chunk"


def make_payload(ids: IdSource, rng: random.Random, allow_shutdown: bool) -> Tuple[bytes, str]:
    """One JSON text to frame: a seed, usually mutated. Returns (bytes, description)."""
    message = pick_seed(ids, rng, allow_shutdown)
    notes = []
    value: Any = message
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        if isinstance(value, Obj):
            value, note = mutate_structure(value, rng, ids)
            notes.append(note)
    method = message.get("method")
    data = dumps(value)
    if rng.random() < 0.22:
        data, note = mutate_bytes(data, rng)
        notes.append(note)
    label = method if isinstance(method, str) else "?"
    return data, label + (" " + " ".join(notes) if notes else "")


# ---------------------------------------------------------------------------------------------------------
# Framing: units of bytes that leave Baton's decoder in a clean state, each with the frames it yields
#
# Every unit is self-contained: a Content-Length lie is followed by what puts the decoder back at the start
# of the next unit by protocol.md's own rules (a too-long length by exactly that many filler bytes, a too-short
# one by a blank line so the rest reads as a header block without Content-Length, after which Baton skips to
# the next `Content-Length:`), so what each unit must produce is known without modelling the decoder's
# internals, and any unit can be replayed alone.

def _protocol_resyncs_inside_bodies() -> bool:
    """Whether this tree's protocol.md has Baton look inside a declared LSP body for the next header line
    (a too-long Content-Length then no longer swallows the next frames). FUZZ_PROTOCOL_MD names another
    protocol.md, to fuzz a binary built from another tree."""
    try:
        with open(os.environ.get("FUZZ_PROTOCOL_MD") or os.path.join(ROOT, "protocol.md"), encoding="utf-8") as f:
            return "looks inside it for a header line" in f.read()
    except OSError:
        return False


#: protocol.md section 1 as this tree states it.
RESYNC_INSIDE_BODIES = _protocol_resyncs_inside_bodies()
_HEADER_LINE = re.compile(rb"content-length:[ \t]{0,16}[0-9]{1,19}[ \t]{0,16}\r?\n", re.I)


@dataclass
class Unit:
    data: bytes
    frames: List[bytes]            # what the decoder hands to the parser
    extra: Dict[Any, List[int]]    # replies not from frames (framing errors): key -> [lo, hi]
    desc: str
    count: int = 1                 # framed messages written (header blocks or lines)
    may_drop: bool = False         # the frames may also be refused whole (conflicting duplicate headers)
    models: Optional[List[FrameModel]] = None
    inner: Optional[List["Unit"]] = None   # units decoded after a body interrupted by a header line

    def model(self) -> List[FrameModel]:
        if self.models is None:
            self.models = [model_frame(f) for f in self.frames]
        return self.models

    def parts(self) -> List["Unit"]:
        """This unit as the decoder sees it: itself, or (after an interrupted body) itself then the units
        that were inside the body."""
        if not self.inner:
            return [self]
        return [self] + [part for unit in self.inner for part in unit.parts()]


def _lsp(payload: bytes, length=None, headers=None) -> bytes:
    if headers is None:
        headers = [b"Content-Length: %d" % (len(payload) if length is None else length)]
    return b"\r\n".join(headers) + b"\r\n\r\n" + payload


def _hunt_safe(payload: bytes) -> bool:
    return b"content-length" not in payload.lower()


def make_unit(framing: str, ids: IdSource, rng: random.Random, allow_shutdown: bool) -> Unit:
    payload, desc = make_payload(ids, rng, allow_shutdown)
    if framing == "ndjson":
        return _ndjson_unit(payload, desc, ids, rng, allow_shutdown)
    unit = _lsp_unit(payload, desc, ids, rng, allow_shutdown)
    oversized = [f for f in unit.frames if len(f) > MAX_FRAME_BYTES]
    if oversized:  # refused by size (-32600, id null) and skipped by its declared length
        unit.frames = [f for f in unit.frames if len(f) <= MAX_FRAME_BYTES]
        _add(unit.extra, "null_t", len(oversized), len(oversized))
    return unit


def _ndjson_unit(payload, desc, ids, rng, allow_shutdown) -> Unit:
    roll = rng.random()
    extra: Dict[Any, List[int]] = {}
    if roll < 0.06:
        data = payload + b"\r\n"
        desc += " [crlf]"
    elif roll < 0.09:
        data = rng.choice([b"\n", b"  \n", b"\r\n", b"\t \r\n"]) + payload + b"\n"
        desc += " [blank line]"
    elif roll < 0.13:
        other, other_desc = make_payload(ids, rng, allow_shutdown)
        data = payload[:rng.randrange(len(payload) + 1)] + other + b"\n"
        desc += f" [no newline, merged with: {other_desc}]"
    elif roll < 0.15:
        data = b"Content-Length: %d\r\n\r\n" % len(payload) + payload + b"\n"
        desc += " [lsp header in ndjson]"
    elif roll < 0.152:
        data = b"[" + b" " * (MAX_FRAME_BYTES + rng.randint(1, 1000)) + b"]\n"
        desc = "oversized line"
    else:
        data = payload + b"\n"
    frames = []
    lines = data.split(b"\n")[:-1]
    for line in lines:
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip(b" \t\r\n"):
            if line:
                _add(extra, "null_t", 0, 1)   # a blank line: skipped, or refused; both are fine
            continue
        if len(line) > MAX_FRAME_BYTES:
            _add(extra, "null_t", 1, 1)       # refused (-32600), skipped to its newline
            continue
        frames.append(line)
    return Unit(data, frames, extra, desc, count=max(1, len(lines)))


def _lsp_unit(payload, desc, ids, rng, allow_shutdown) -> Unit:
    roll = rng.random()
    extra: Dict[Any, List[int]] = {}
    safe = _hunt_safe(payload) and len(payload) < 4000
    clean = safe and b"\n" not in payload and b"\r" not in payload
    if roll < 0.08:
        variants = [
            [b"content-length: %d" % len(payload)],
            [b"CONTENT-LENGTH:%d" % len(payload)],
            [b"Content-Length:   %d   " % len(payload)],
            [b"Content-Length: %d" % len(payload), b"Content-Type: application/vscode-jsonrpc; charset=utf-8"],
            [b"Content-Length: %d" % len(payload), b"Content-Type: application/vscode-jsonrpc; charset=utf8"],
            [b"Content-Length: %d" % len(payload), b'Content-Type: application/json; charset="UTF-8"'],
            [b"Content-Length: %d" % len(payload), b"Content-Type: application/vscode-jsonrpc"],
            [b"Content-Length: %d" % len(payload), b"X-Fuzz: yes"],
        ]
        return Unit(_lsp(payload, headers=rng.choice(variants)), [payload], extra, desc + " [header variant]")
    if roll < 0.12:
        k = rng.randint(1, 40)
        filler = b" " * k if rng.random() < 0.3 else bytes(rng.choice(b"x}]\",:0") for _ in range(k))
        return Unit(_lsp(payload, len(payload) + k) + filler, [payload + filler], extra,
                    desc + f" [Content-Length {k} too long]")
    if roll < 0.16 and clean and len(payload) > 1:
        n = rng.randrange(len(payload))
        rest = payload[n:]
        if rest.strip(b" \t"):
            _add(extra, "null_t", 1, 1)   # the rest is read as a header block without Content-Length
        return Unit(_lsp(payload, n) + b"\r\n\r\n", [payload[:n]], extra,
                    desc + f" [Content-Length {len(payload) - n} too short]")
    if roll < 0.19:
        inner = [make_unit("lsp", ids, rng, allow_shutdown) for _ in range(rng.randint(1, 3))]
        body = b"".join(u.data for u in inner)
        desc = f"header whose body is the next {len(inner)} frames: " + " | ".join(u.desc for u in inner)
        count = 1 + sum(u.count for u in inner)
        if RESYNC_INSIDE_BODIES and len(body) <= MAX_FRAME_BYTES:  # an oversized body is skipped unread
            # The body is cut where the first Content-Length line in it starts (-32700 for what came before,
            # even nothing); decoding restarts there. Inner units without such a first line are cut away.
            for index, unit in enumerate(inner):
                if _HEADER_LINE.match(unit.data):
                    _add(extra, "null_t", 1, 1)
                    return Unit(_lsp(body), [], extra, desc, count=count, inner=inner[index:])
        return Unit(_lsp(body), [body], extra, desc, count=count)
    if roll < 0.21:
        line = b"Content-Length: %d" % len(payload)
        return Unit(_lsp(payload, headers=[line, line]), [payload], extra, desc + " [duplicate header]")
    if roll < 0.23 and safe:
        k = rng.randint(1, 20)
        lines = [b"Content-Length: %d" % len(payload), b"Content-Length: %d" % (len(payload) + k)]
        rng.shuffle(lines)
        _add(extra, "null_t", 0, 1)
        return Unit(_lsp(payload, headers=lines) + b" " * k, [payload], extra,
                    desc + " [conflicting duplicate headers]", may_drop=True)
    if roll < 0.24:
        _add(extra, "null_t", 1, 1)
        return Unit(_lsp(payload, headers=[b"Content-Length: %d" % len(payload),
                                           b"Content-Type: application/json; charset=latin1"]), [], extra,
                    desc + " [refused charset]")
    if roll < 0.26 and safe:
        bad = rng.choice([b"abc", b"-5", b"1e3", b"99999999999999999999999", b"0x10", b"", b"12 34", b"\xff"])
        headers = rng.choice([[b"Content-Length: " + bad], [b"Content-Type: application/json"], [b"Content-Lenght: 5"]])
        _add(extra, "null_t", 1, 1)
        return Unit(_lsp(payload, headers=headers), [], extra, desc + f" [invalid header {headers[0][:40]!r}]")
    if roll < 0.2615:
        size = MAX_FRAME_BYTES + rng.randint(1, 1000)
        return Unit(_lsp(b"x" * size), [b"x" * size], extra, "oversized frame")
    return Unit(_lsp(payload), [payload], extra, desc)


def frame_message(framing: str, payload: bytes) -> bytes:
    return _lsp(payload) if framing == "lsp" else payload + b"\n"


# ---------------------------------------------------------------------------------------------------------
# Reading Baton's output

def split_output(framing: str, buffer: bytearray) -> List[bytes]:
    """Complete output frames at the front of `buffer` (consumed); a malformed LSP header raises ValueError."""
    frames = []
    while True:
        if framing == "ndjson":
            newline = buffer.find(b"\n")
            if newline < 0:
                return frames
            frames.append(bytes(buffer[:newline]))
            del buffer[:newline + 1]
        else:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > 1024:
                    raise ValueError(f"no header end in {bytes(buffer[:80])!r}")
                return frames
            match = re.fullmatch(rb"Content-Length: (\d+)", bytes(buffer[:end]))
            if not match:
                raise ValueError(f"bad output header {bytes(buffer[:end])[:80]!r}")
            length = int(match.group(1))
            if len(buffer) < end + 4 + length:
                return frames
            frames.append(bytes(buffer[end + 4:end + 4 + length]))
            del buffer[:end + 4 + length]


@dataclass
class Observed:
    counts: Counter = field(default_factory=Counter)
    malformed: List[str] = field(default_factory=list)
    final_reply: Optional[bytes] = None
    server_messages: int = 0
    replies: List[Tuple[str, bytes, bytes]] = field(default_factory=list)  # (loc, raw id, frame) for reports


def observe(frame: bytes, observed: Observed, final_id: bytes):
    scanned = scan(frame)
    if scanned.error:
        observed.malformed.append(f"output is not JSON ({scanned.error}): {frame[:200]!r}")
        return
    root = scanned.root
    if root.kind == "array":
        if not root.elements:
            observed.malformed.append(f"empty batch reply: {frame[:200]!r}")
        observed.counts["arrays"] += 1
        for element in root.elements:
            _observe_reply(scanned, element, "b", observed, final_id, frame)
        return
    _observe_reply(scanned, root, "t", observed, final_id, frame)


def _observe_reply(scanned, node, loc, observed, final_id, frame):
    if node.kind != "object":
        observed.malformed.append(f"output message is not an object: {frame[:200]!r}")
        return
    members = dict(node.members)
    if string_value(scanned, members.get("jsonrpc")) != "2.0":
        observed.malformed.append(f"output without jsonrpc 2.0: {frame[:200]!r}")
    if "method" in members:
        if loc == "b":
            observed.malformed.append(f"server message inside a batch reply: {frame[:200]!r}")
        observed.server_messages += 1
        return
    if ("result" in members) == ("error" in members):
        observed.malformed.append(f"reply needs exactly one of result and error: {frame[:200]!r}")
    id_node = members.get("id")
    if id_node is None:
        observed.malformed.append(f"reply without an id: {frame[:200]!r}")
        return
    raw = scanned.raw(id_node)
    if raw == final_id and loc == "t":
        observed.final_reply = frame
        return
    if id_node.kind == "null":
        observed.counts["null_" + loc] += 1
    else:
        observed.counts[(loc, raw)] += 1
    observed.replies.append((loc, raw, frame))


# ---------------------------------------------------------------------------------------------------------
# The mock LLM server and the configuration Baton uses with it

class MockServer:
    """scripts/mock_llm.py on 127.0.0.1, port chosen by the kernel; stopped by stop() or with our stdin."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_llm.py"), "--port", "0"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("mock_llm.py did not start")
        self.url = f"http://127.0.0.1:{json.loads(line)['port']}"

    def call(self, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data is not None else "GET",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def reset(self):
        self.call("/_mock/reset", {"config": True})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def write_config(directory: str, mock_url: str) -> str:
    path = os.path.join(directory, "baton.json")
    with open(path, "w") as f:
        # Retries stay on (they are part of what is fuzzed) but wait milliseconds, so a request that fails on
        # purpose (an attempt timeout of 0) is answered quickly.
        json.dump({"defaultModel": "mock:mock-model",
                   "providers": {"mock": {"kind": "openai", "baseURL": mock_url + "/v1", "models": ["mock-model"]}},
                   "orchestration": {"retry": {"maxAttempts": 2, "baseDelaySeconds": 0.01, "maxDelaySeconds": 0.05}}}, f)
    return path


def find_binary() -> Optional[str]:
    """$BATON, else .build/debug/baton (what scripts/test.sh builds), else .build/release/baton."""
    candidates = [os.environ.get("BATON"), os.path.join(ROOT, ".build", "debug", "baton"),
                  os.path.join(ROOT, ".build", "release", "baton")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    return None


def baton_env() -> Dict[str, str]:
    env = dict(os.environ)
    for key in list(env):
        if key.endswith("_API_KEY") or key in ("BATON_CONFIG", "BATON_MODEL", "AWS_BEARER_TOKEN_BEDROCK"):
            del env[key]
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


# ---------------------------------------------------------------------------------------------------------
# One process

def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


def vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class BatonProcess:
    """`baton serve` on pipes: write bytes from a thread, read output frames with deadlines, reap with rusage."""

    def __init__(self, binary: str, args: Sequence[str], framing: str, env: Dict[str, str]):
        self.framing = framing
        self.stderr = tempfile.TemporaryFile()
        self.argv = [binary, "serve", *args]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     bufsize=0, env=env)
        self.buffer = bytearray()
        self.eof = False
        self.write_error: Optional[str] = None
        self.output_error: Optional[str] = None
        self.peak_kib = 0
        self._writer: Optional[threading.Thread] = None
        self.returncode: Optional[int] = None
        self.killed_after_timeout = False

    def write_async(self, data: bytes):
        def run():
            try:
                view = memoryview(data)
                fd = self.proc.stdin.fileno()
                while view:
                    written = os.write(fd, view[:1 << 16])
                    view = view[written:]
            except OSError as e:
                self.write_error = f"{type(e).__name__}: {e}"
        self._writer = threading.Thread(target=run, daemon=True)
        self._writer.start()

    def write(self, data: bytes):
        self.write_async(data)
        self._writer.join()

    def read_frames(self, deadline: float, until=None) -> List[bytes]:
        """Output frames until `until(frame)` is true, stdout ends, or the deadline passes."""
        frames: List[bytes] = []
        fd = self.proc.stdout.fileno()
        while not self.eof:
            try:
                new = split_output(self.framing, self.buffer)
            except ValueError as e:
                self.output_error = str(e)
                new = []
                self.buffer.clear()
            frames.extend(new)
            if until is not None and any(until(f) for f in new):
                return frames
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return frames
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if not ready:
                self.peak_kib = max(self.peak_kib, vm_hwm_kib(self.proc.pid))
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.eof = True
            else:
                self.buffer += chunk
        try:
            frames.extend(split_output(self.framing, self.buffer))
        except ValueError as e:
            self.output_error = str(e)
        return frames

    def close_stdin(self):
        if self._writer is not None:
            self._writer.join(timeout=30)
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def reap(self, timeout: float) -> int:
        """Waits for exit (killing after `timeout`); returns the code (negative: the signal) and keeps peak RSS."""
        outcome: Dict[str, Any] = {}

        def wait():
            _, status, usage = os.wait4(self.proc.pid, 0)
            outcome["status"], outcome["usage"] = status, usage

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        waiter.join(timeout)
        killed = False
        if waiter.is_alive():
            killed = True
            self.proc.kill()
            waiter.join()
        status = outcome["status"]
        self.peak_kib = max(self.peak_kib, outcome["usage"].ru_maxrss)
        self.returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        self.proc.returncode = self.returncode  # reaped here, not by Popen
        self.killed_after_timeout = killed
        return self.returncode

    def stderr_text(self, limit=200_000) -> str:
        self.stderr.seek(0)
        return self.stderr.read(limit).decode("utf-8", "replace")

    def kill(self):
        if self.proc.returncode is None:
            try:
                self.proc.kill()
            except OSError:
                pass


def crash_summary(stderr: str) -> str:
    """`Swift runtime failure: arithmetic overflow at Sources/...:32` from a Swift backtrace, when there is one."""
    failure = re.search(r"(?:Swift runtime failure|Fatal error|[Aa]ssertion failed|Precondition failed|"
                        r"free\(\)|malloc\(\)|double free|corrupted)[^\n]*", stderr)
    text = failure.group(0).strip(" *") if failure else ""
    crashed = re.search(r'crashed:\n\n(.*?)\n\n', stderr, re.S)
    if crashed:
        for line in crashed.group(1).splitlines():
            where = re.search(r" at (/?\S*Sources/\S+?):(\d+)", line)
            if where:
                text += f" at {where.group(1).split('Sources/', 1)[1]}:{where.group(2)}"
                break
    return text


# ---------------------------------------------------------------------------------------------------------
# Sessions

PREAMBLE_ID = b'"init"'
FINAL_ID = b'"final"'


@dataclass
class SessionResult:
    framing: str
    units: List[Unit]
    frames_sent: int
    returncode: Optional[int] = None
    crash: Optional[str] = None              # signal and runtime failure
    unexpected_exit: Optional[str] = None
    lost: int = 0
    doubled: int = 0
    mismatched: int = 0
    malformed: List[str] = field(default_factory=list)
    final_problem: Optional[str] = None
    peak_kib: int = 0
    details: List[str] = field(default_factory=list)
    shortfall_units: List[int] = field(default_factory=list)   # units whose expected replies did not all come
    shortfall_ids: List[bytes] = field(default_factory=list)   # ids (raw) that got fewer replies than due
    unexpected: List[Tuple[str, bytes, bytes]] = field(default_factory=list)  # (loc, raw id, frame); b"null" too
    doubled_ids: List[bytes] = field(default_factory=list)
    silent_units: List[int] = field(default_factory=list)      # units with an id that may be answered, and was not
    silent_ids: List[bytes] = field(default_factory=list)
    stream: bytes = b""
    argv: List[str] = field(default_factory=list)
    seconds: float = 0.0
    stderr: str = ""                          # baton's stderr, kept when it crashed or exited early

    @property
    def failed(self) -> bool:
        return bool(self.crash or self.unexpected_exit or self.lost or self.doubled or self.mismatched
                    or self.malformed or self.final_problem)


class Fuzzer:
    def __init__(self, binary: str, mock_url: str, work_dir: str, out_dir: str, log=None):
        self.binary = binary
        self.config = write_config(work_dir, mock_url)
        self.state_dir = os.path.join(work_dir, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        self.out_dir = out_dir
        self.env = baton_env()
        self.log = log or (lambda *_: None)

    def args(self, extra=(), state_dir=None) -> List[str]:
        return ["--config", self.config, "--state-dir", state_dir or self.state_dir,
                "--max-frame-bytes", str(MAX_FRAME_BYTES), *extra]

    # -- building a session

    @staticmethod
    def build_session(framing: str, rng: random.Random, frames: int) -> Tuple[List[Unit], bool, List[str]]:
        ids = IdSource(rng)
        initialize = rng.random() < 0.92
        if initialize:
            payload = dumps(_request("initialize", {"processId": None, "capabilities": {}}, id=Raw(PREAMBLE_ID)))
        else:
            payload = dumps(_request("baton/status", id=Raw(PREAMBLE_ID)))
        units = [Unit(frame_message(framing, payload), [payload], {}, "preamble")]
        allow_shutdown = rng.random() < 0.3
        written = 1
        while written < frames:
            unit = make_unit(framing, ids, rng, allow_shutdown)
            if any("exit" in m.notifications for part in unit.parts() for m in part.model()):
                continue  # `exit` ends the process by design; keep it out of the stream
            units.append(unit)
            written += unit.count
        extra_args: List[str] = ["--framing", framing] if rng.random() < 0.15 else []
        return units, initialize, extra_args

    def final_status(self, framing: str) -> bytes:
        return frame_message(framing, b'{"jsonrpc":"2.0","id":"final","method":"baton/status"}')

    # -- running one

    def run_units(self, framing: str, units: List[Unit], initialized: bool, extra_args=(),
                  timeout: float = 60.0) -> SessionResult:
        started = time.monotonic()
        deadline = started + timeout
        stream = b"".join(u.data for u in units) + self.final_status(framing)
        result = SessionResult(framing, units, sum(u.count for u in units) + 1, stream=stream)
        expected: Dict[Any, List[int]] = {}
        owners: Dict[Any, List[int]] = defaultdict(list)
        requested, pids = set(), []
        for index, whole in enumerate(units):
            for unit in whole.parts():
                for key, (lo, hi) in unit.extra.items():
                    _add(expected, key, lo, hi)
                for frame, model in zip(unit.frames, unit.model()):
                    requested |= model.requests
                    for key, (lo, hi) in model.counts.items():
                        if unit.may_drop:
                            lo = 0
                        _add(expected, key, lo, hi)
                        if hi > 0:
                            owners[key].append(index)
                    if "initialize" in model.requests and not initialized:
                        pids += [int(p) for p in re.findall(rb'"processId"\s*:\s*(\d{1,10})\b', frame)]
        # A journal directory per session: `runs/list` reads every journal, and a long campaign makes thousands.
        state_dir = tempfile.mkdtemp(prefix="state-", dir=self.state_dir)
        baton = BatonProcess(self.binary, self.args(extra_args, state_dir), framing, self.env)
        result.argv = baton.argv
        observed = Observed()
        try:
            baton.write_async(stream)
            for frame in baton.read_frames(deadline, until=_is_final):
                observe(frame, observed, FINAL_ID)
            baton.peak_kib = max(baton.peak_kib, vm_hwm_kib(baton.proc.pid))
            baton.close_stdin()
            for frame in baton.read_frames(max(deadline, time.monotonic() + 20)):
                observe(frame, observed, FINAL_ID)
            code = baton.reap(timeout=10)
        finally:
            baton.kill()
            shutil.rmtree(state_dir, ignore_errors=True)
        result.returncode = code
        result.peak_kib = baton.peak_kib
        result.seconds = time.monotonic() - started
        stderr = baton.stderr_text()
        summary = crash_summary(stderr)
        if code != 0 or baton.killed_after_timeout:
            result.stderr = stderr[-20000:]
        if baton.killed_after_timeout:
            result.unexpected_exit = "did not exit within 10 s of the end of its input (killed)"
        elif code < 0:
            result.crash = f"killed by {_signal_name(-code)}" + (f": {summary}" if summary else "")
        elif code != 0:
            allowed = [p for p in pids if 0 < p <= 2**31 - 1 and not _alive(p)
                       and f"parent process {p} exited" in stderr]
            if not allowed:
                tail = [line for line in stderr.splitlines() if line.strip()][-3:]
                result.unexpected_exit = f"exit code {code}" + (f" ({' | '.join(tail)[:300]})" if tail else "")
        if baton.write_error and not (result.crash or result.unexpected_exit):
            result.unexpected_exit = f"stopped reading its input ({baton.write_error})"
        if baton.output_error:
            observed.malformed.append(baton.output_error)
        result.malformed = observed.malformed
        # The final status: answered, with a result unless the session could not be (or no longer was) serving.
        if observed.final_reply is None:
            if not (result.crash or result.unexpected_exit):
                result.final_problem = "the final baton/status got no reply"
        else:
            final = scan(observed.final_reply)
            members = dict(final.root.members) if final.root and final.root.members is not None else {}
            if "result" not in members:
                code_text = re.search(rb'"code":(-?\d+)', observed.final_reply)
                code_value = int(code_text.group(1)) if code_text else None
                explained = (code_value == -32600 and "shutdown" in requested) or \
                            (code_value == -32002 and not initialized)
                if not explained:
                    result.final_problem = f"the final baton/status was answered {observed.final_reply[:300]!r}"
        # Counts.
        lost = doubled = mismatched = 0
        shortfall_units = set()
        for key, count in observed.counts.items():
            if key == "arrays":
                continue
            due = expected.get(key, [0, 0])[1]
            if count <= due:
                continue
            if key in ("null_t", "null_b") or due == 0:
                mismatched += count - due
                if isinstance(key, tuple):
                    result.unexpected.extend(r for r in observed.replies if (r[0], r[1]) == key)
                else:
                    result.unexpected.extend(r for r in observed.replies if r[0] == key[-1] and r[1] == b"null")
                    result.details.append(f"{count} null-id replies ({key}), at most {due} due")
            else:
                doubled += count - due
                result.doubled_ids.append(key[1])
                shortfall_units.update(owners.get(key, []))
                result.details.append(f"{count} replies with id {key[1][:80]!r} ({key[0]}), {due} due")
        for key, (lo, hi) in expected.items():
            got = observed.counts.get(key, 0)
            if isinstance(key, tuple) and hi > 0 and got == 0:
                result.silent_ids.append(key[1])
                result.silent_units.extend(owners.get(key, []))
            if got < lo:
                lost += lo - got
                shortfall_units.update(owners.get(key, []))
                if isinstance(key, tuple):
                    result.shortfall_ids.append(key[1])
                result.details.append(f"{got} replies for {key[1][:80] if isinstance(key, tuple) else key!r}"
                                      f", {lo} due")
        arrays_due = expected.get("arrays", [0, 0])
        if not (result.crash or result.unexpected_exit) and \
                not arrays_due[0] <= observed.counts.get("arrays", 0) <= arrays_due[1]:
            result.malformed.append(f"{observed.counts.get('arrays', 0)} batch replies, "
                                    f"{arrays_due[0]}..{arrays_due[1]} due")
        result.shortfall_units = sorted(shortfall_units)
        result.silent_units = sorted(set(result.silent_units))
        if not (result.crash or result.unexpected_exit):   # after a crash, the crash is the failure
            result.lost = max(0, lost - mismatched)
            result.mismatched = mismatched
            result.doubled = doubled
        return result


def _is_final(frame: bytes) -> bool:
    return reply_to(frame, FINAL_ID)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------------------------------------------------
# Campaign: many sessions, failures isolated, deduplicated and saved

@dataclass
class Failure:
    signature: str
    symptom: str
    desc: str
    framing: str
    count: int = 1
    path: Optional[str] = None
    example: str = ""


_POOL_IDS = {raw.encode("utf-8") for raw in ID_POOL}


def _id_class(raw: bytes, echoed: bool = False) -> str:
    """An id as a failure class: ids from ID_POOL stand for themselves; mutated ones by what makes them hard
    (invalid UTF-8, surrogate escapes, other escapes, a number that is not a plain integer), so one bug is
    listed once, not once per byte-flipped id."""
    if raw in _POOL_IDS or raw == b"null":
        return _text(raw)
    if echoed:
        if b"\xef\xbf\xbd" in raw:
            return "(a string holding U+FFFD)"
        if re.fullmatch(rb"-?[0-9.]+(e[+-]?[0-9]+)?", raw) and re.search(rb"[.e]", raw):
            return "(a re-formatted number)"
        return _text(raw) if not raw.startswith(b'"') else "(another string)"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "(a string with invalid UTF-8)"
    if raw.startswith(b'"'):
        if re.search(rb"\\u[dD][89a-fA-F]", raw):
            return "(a string with \\uD800-\\uDFFF escapes)"
        if b"\\" in raw:
            return "(a string with escapes)"
        return "(a string)"
    if re.search(rb"[.eE]", raw) or raw.startswith(b"-0") or len(raw.lstrip(b"-")) >= 19:
        return "(a number that is not a plain 64-bit integer)"
    return _text(raw)


def _text(raw: bytes, limit=60) -> str:
    text = raw.decode("utf-8", "backslashreplace")
    return text if len(text) <= limit else text[:limit] + "…"


class Campaign:
    def __init__(self, fuzzer: Fuzzer, seed: int, max_replays: int = 300):
        self.fuzzer = fuzzer
        self.seed = seed
        self.failures: Dict[str, Failure] = {}
        self.totals = Counter()
        self.peak_kib = 0
        self.max_replays = max_replays
        self.replays = 0
        self.known_sent: set = set()     # ids whose echo failure is already recorded
        self.known_got: set = set()      # ids Baton wrongly answered with, already recorded

    def run(self, frames: int, max_seconds: float, framings: Sequence[str], session_frames=(20, 200)) -> Dict[str, Any]:
        started = time.monotonic()
        session = 0
        while self.totals["frames"] < frames and time.monotonic() - started < max_seconds:
            framing = framings[session % len(framings)]
            rng = random.Random(f"{self.seed}:{session}")
            size = min(rng.randint(*session_frames), max(2, frames - self.totals["frames"]))
            units, initialized, extra = self.fuzzer.build_session(framing, rng, size)
            result = self.fuzzer.run_units(framing, units, initialized, extra, timeout=60)
            self.account(result, session)
            session += 1
        elapsed = time.monotonic() - started
        return self.report(session, elapsed)

    def account(self, result: SessionResult, session: int):
        t = self.totals
        t["sessions"] += 1
        t["frames"] += result.frames_sent
        t["crashes"] += bool(result.crash)
        t["unexpected_exits"] += bool(result.unexpected_exit)
        t["lost_replies"] += result.lost
        t["doubled_replies"] += result.doubled
        t["id_mismatches"] += result.mismatched
        t["malformed_output"] += len(result.malformed)
        t["final_status_unanswered"] += bool(result.final_problem)
        self.peak_kib = max(self.peak_kib, result.peak_kib)
        if result.failed:
            t["failed_sessions"] += 1
            self.fuzzer.log(f"session {session} ({result.framing}, {result.frames_sent} frames) failed: "
                            f"{result.crash or result.unexpected_exit or result.final_problem or ''} "
                            f"lost={result.lost} doubled={result.doubled} mismatched={result.mismatched}")
            self.isolate(result, session)

    # -- what a failure is called

    def _symptoms(self, result: SessionResult, alone: bool) -> List[Tuple[str, str, str]]:
        """(dedup key, signature, symptom) of a session's failure, as specific as the evidence allows. For a
        unit replayed alone, a lost id and a foreign id in its replies are the same request: `X echoed as Y`."""
        out = []
        if result.crash:
            out.append(("crash:" + result.crash, f"crash: {result.crash}", result.crash))
        if result.unexpected_exit:
            general = re.sub(r"\d{3,}", "N", result.unexpected_exit)[:160]
            out.append(("exit:" + general, f"exit: {general}", result.unexpected_exit))
        if result.final_problem:
            general = re.sub(r"\d{3,}", "N", result.final_problem)[:100]
            out.append(("final:" + general, f"final status: {general}", result.final_problem))
        for line in result.malformed:
            general = re.sub(r"\d+", "N", line)[:80]
            out.append(("malformed:" + general, f"malformed output: {general}", line))
        if result.crash or result.unexpected_exit:
            return out
        got = list(dict.fromkeys(raw for _, raw, _ in result.unexpected))
        sent = list(dict.fromkeys(result.shortfall_ids or (result.silent_ids if alone else [])))
        if alone and got and sent:
            classes = f"{' / '.join(dict.fromkeys(_id_class(x) for x in sent))} -> " \
                      f"{' / '.join(dict.fromkeys(_id_class(y, echoed=True) for y in got))}"
            pair = f"id {', '.join(_text(x) for x in sent)} echoed as {', '.join(_text(y) for y in got)}"
            frames = "; ".join(_text(f, 200) for _, _, f in result.unexpected[:2])
            out.append(("echo:" + classes, pair, f"sent {pair}: {frames}"))
        else:
            for raw in got:
                frames = [f for _, r, f in result.unexpected if r == raw]
                out.append((f"got:{_id_class(raw, echoed=True)}", f"a reply carries id {_text(raw)}, which no request sent",
                            f"{len(frames)} such replies, e.g. {_text(frames[0], 200)}"))
            if result.lost:
                for raw in sent:
                    out.append((f"lost:{_id_class(raw)}", f"lost reply: id {_text(raw)}",
                                f"no reply to the request with id {_text(raw, 200)}: " + "; ".join(result.details[:3])))
        for raw in result.doubled_ids:
            out.append((f"doubled:{_id_class(raw, echoed=True)}", f"doubled reply: id {_text(raw)}",
                        "; ".join(result.details[:3])))
        return out

    # -- isolation: which unit alone shows the failure

    def isolate(self, result: SessionResult, session: int):
        preamble = result.units[0]
        initialized = b'"initialize"' in preamble.data
        symptoms = self._symptoms(result, alone=False)
        fatal = bool(result.crash or result.unexpected_exit)
        known = all(self._explained(key) for key, _, _ in symptoms)
        if symptoms and known:
            for key, _, _ in symptoms:
                if key in self.failures:
                    self.failures[key].count += 1
            return
        if fatal:
            # The culprit is usually the first unit whose replies did not all come; try those first, then the rest.
            first = result.shortfall_units[0] if result.shortfall_units else 1
            candidates = result.shortfall_units + list(range(first, len(result.units)))
        else:
            candidates = list(result.shortfall_units)
            candidates += [i for i, u in enumerate(result.units) if any(raw in u.data for _, raw, _ in result.unexpected
                                                                        if raw != b"null")]
            if result.unexpected:
                candidates += result.silent_units
        candidates = [i for i in dict.fromkeys(candidates) if 0 < i < len(result.units)]
        found = 0
        tries = 0
        for index in candidates:
            if self.replays >= self.max_replays or tries >= 60:
                break
            self.replays += 1
            tries += 1
            unit = result.units[index]
            alone = self.fuzzer.run_units(result.framing, [preamble, unit], initialized, timeout=30)
            if alone.failed:
                self._record(alone, unit, alone=True)
                if fatal and not (alone.crash or alone.unexpected_exit):
                    continue  # another failure, recorded; the crash is still to be found
                found += 1
                if fatal or all(self._explained(key) for key, _, _ in symptoms):
                    break
        if fatal and not found and self.replays + 3 <= self.max_replays:
            # No unit alone shows it: is it even reproducible as a whole (a race), or only sometimes?
            self.replays += 3
            reruns = [self.fuzzer.run_units(result.framing, result.units, initialized, timeout=60) for _ in range(3)]
            again = sum(bool(rerun.crash or rerun.unexpected_exit) for rerun in reruns)
            result.details.append(f"no unit alone shows it; the whole session replayed 3 times failed {again} times")
        unexplained = {key for key, _, _ in symptoms if not self._explained(key)}
        if not found or unexplained:
            # Only the whole session shows it (or the replay budget is spent): save all of it.
            self._record(result, None, alone=False, session=session, only=unexplained if found else None)

    def _explained(self, key: str) -> bool:
        if key in self.failures:
            return True
        kind, _, raw = key.partition(":")
        return (kind in ("got", "doubled") and raw in self.known_got) or (kind == "lost" and raw in self.known_sent)

    def _record(self, result: SessionResult, unit: Optional[Unit], alone: bool, session: int = -1, only=None):
        desc = unit.desc if unit else f"session {session} of seed {self.seed} as a whole ({result.frames_sent} frames)"
        for key, signature, symptom in self._symptoms(result, alone):
            if only is not None and key not in only:
                continue
            if key.startswith("echo:"):
                self.known_sent.update(_id_class(x) for x in (result.shortfall_ids or result.silent_ids))
                self.known_got.update(_id_class(raw, echoed=True) for _, raw, _ in result.unexpected)
            if key in self.failures:
                self.failures[key].count += 1
                continue
            path = self._save(signature, symptom, desc, result)
            example = _text(unit.data, 300) if unit else ""
            self.failures[key] = Failure(signature, symptom, desc, result.framing, 1, path, example)

    def _save(self, signature, symptom, desc, result: SessionResult) -> str:
        os.makedirs(self.fuzzer.out_dir, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", signature)[:60].strip("-") or "failure"
        base = os.path.join(self.fuzzer.out_dir, f"{len(self.failures) + 1:03d}-{result.framing}-{slug}")
        with open(base + ".bin", "wb") as f:
            f.write(result.stream)
        note = {"signature": signature, "symptom": symptom, "input": desc, "framing": result.framing,
                "argv": result.argv, "details": result.details[:20], "returncode": result.returncode,
                "stderr": result.stderr.splitlines()[-80:],
                "replay": f"python3 scripts/fuzz_rpc.py --replay {base}.bin --framing {result.framing}",
                "shell": "baton serve --config CONFIG --max-frame-bytes %d < %s.bin" % (MAX_FRAME_BYTES, base)}
        with open(base + ".json", "w") as f:
            json.dump(note, f, indent=2, ensure_ascii=False)
        return base + ".bin"

    def report(self, sessions: int, elapsed: float) -> Dict[str, Any]:
        t = self.totals
        return {
            "seed": self.seed,
            "frames_sent": t["frames"],
            "sessions": sessions,
            "crashes": t["crashes"],
            "unexpected_exits": t["unexpected_exits"],
            "lost_replies": t["lost_replies"],
            "doubled_replies": t["doubled_replies"],
            "id_mismatches": t["id_mismatches"],
            "malformed_output": t["malformed_output"],
            "final_status_unanswered": t["final_status_unanswered"],
            "failed_sessions": t["failed_sessions"],
            "isolation_replays": self.replays,
            "peak_rss_mib": round(self.peak_kib / 1024, 1),
            "elapsed_s": round(elapsed, 1),
            "frames_per_s": round(t["frames"] / elapsed) if elapsed else 0,
            "failures_dir": self.fuzzer.out_dir,
            "distinct_failures": [
                {"signature": f.signature, "sessions": f.count, "symptom": f.symptom[:400], "input": f.desc[:300],
                 "framing": f.framing, "saved": f.path, "example": f.example}
                for f in self.failures.values()
            ],
        }


# ---------------------------------------------------------------------------------------------------------
# The property check: every numeric field of every method, every extreme value

@dataclass
class PropertyOutcome:
    method: str
    path: str
    value: str
    verdict: str          # "result", "invalid params", or a failure description
    ok: bool
    reply: bytes = b""


def property_request(method: str, path: str, base: Dict[str, Any], value: str, request_id: int) -> bytes:
    params = Obj.of(json.loads(json.dumps(base)))
    set_path(params, path, Raw(value))
    return dumps(_request(method, params, id=Raw(str(request_id))))


def judge_reply(reply: bytes, field_path: str) -> Tuple[bool, str]:
    """A result, or -32602 whose message names the field (its last component), is fine; anything else is not."""
    scanned = scan(reply)
    if scanned.error or scanned.root.kind != "object":
        return False, f"malformed reply {reply[:200]!r}"
    members = dict(scanned.root.members)
    if "result" in members:
        return True, "result"
    error = members.get("error")
    if error is None:
        return False, f"reply without result or error: {reply[:200]!r}"
    try:
        parsed = json.loads(reply.decode("utf-8", "replace"))["error"]
    except (ValueError, KeyError, TypeError):
        return False, f"unreadable error {reply[:200]!r}"
    leaf = re.split(r"[.\]\[]", field_path.rstrip("]"))[-1] or field_path
    code, message = parsed.get("code"), str(parsed.get("message", ""))
    if code == -32602 and leaf in message:
        return True, "invalid params"
    if code == -32602:
        return False, f"-32602 without naming '{leaf}': {message[:200]}"
    return False, f"error {code}: {message[:200]}"


def reply_to(frame: bytes, raw_id: bytes) -> bool:
    """Whether `frame` is a (top-level) reply whose id is exactly `raw_id`."""
    if raw_id not in frame:
        return False
    scanned = scan(frame)
    if scanned.error or scanned.root.kind != "object":
        return False
    members = dict(scanned.root.members)
    return "method" not in members and "id" in members and scanned.raw(members["id"]) == raw_id


def is_reply(frame: bytes) -> bool:
    scanned = scan(frame)
    if scanned.error:
        return True   # output that is not JSON is not a notification either
    if scanned.root.kind == "array":
        return True
    return scanned.root.kind == "object" and "method" not in dict(scanned.root.members)


class PropertyChecker:
    """One process per field (a fresh one after a crash); requests one at a time so each reply is attributed."""

    def __init__(self, fuzzer: Fuzzer, framing: str = "ndjson", timeout: float = 60.0):
        self.fuzzer = fuzzer
        self.framing = framing
        self.timeout = timeout
        self.peak_kib = 0

    def _spawn(self) -> BatonProcess:
        baton = BatonProcess(self.fuzzer.binary, self.fuzzer.args(), self.framing, self.fuzzer.env)
        baton.write(frame_message(self.framing, dumps(_request("initialize", {"processId": None}, id=Raw("0")))))
        frames = baton.read_frames(time.monotonic() + 30, until=lambda f: reply_to(f, b"0"))
        if not any(reply_to(f, b"0") and b'"result"' in f for f in frames):
            raise RuntimeError(f"initialize failed: {frames!r} {baton.stderr_text()[-2000:]}")
        return baton

    def _ask(self, baton: BatonProcess, payload: bytes, request_id: int) -> Tuple[List[bytes], List[bytes]]:
        """Sends one request; returns (its replies, every other reply that came meanwhile)."""
        wanted = str(request_id).encode()
        baton.write(frame_message(self.framing, payload))
        frames = baton.read_frames(time.monotonic() + self.timeout, until=lambda f: reply_to(f, wanted))
        mine = [f for f in frames if reply_to(f, wanted)]
        others = [f for f in frames if is_reply(f) and not reply_to(f, wanted)]
        return mine, others

    def _finish(self, baton: BatonProcess) -> Tuple[Optional[str], List[bytes]]:
        """Final status, then EOF: returns (problem or None, stray replies that came after the status)."""
        problem = None
        replies, stray = self._ask(baton, dumps(_request("baton/status", id=Raw("999999"))), 999999)
        if not replies:
            problem = "the final baton/status got no reply"
        self.peak_kib = max(self.peak_kib, vm_hwm_kib(baton.proc.pid))
        baton.close_stdin()
        stray += [f for f in baton.read_frames(time.monotonic() + 20) if is_reply(f)]
        code = baton.reap(timeout=10)
        self.peak_kib = max(self.peak_kib, baton.peak_kib)
        if code != 0 and problem is None:
            problem = f"exit code {code} at the end of input" if code > 0 else f"killed by {_signal_name(-code)}"
        return problem, stray

    def _dead(self, baton: BatonProcess) -> str:
        code = baton.reap(timeout=10)
        summary = crash_summary(baton.stderr_text())
        what = f"killed by {_signal_name(-code)}" if code < 0 else f"exited with code {code}"
        return f"process {what}" + (f": {summary}" if summary else "")

    def check_field(self, method: str, path: str, base: Dict[str, Any], values: Sequence[str]) -> List[PropertyOutcome]:
        outcomes: List[PropertyOutcome] = []
        baton = self._spawn()
        try:
            for request_id, value in enumerate(values, start=1):
                payload = property_request(method, path, base, value, request_id)
                replies, stray = self._ask(baton, payload, request_id)
                if stray:
                    outcomes.append(PropertyOutcome(method, path, value, f"stray replies {stray[:2]!r}", False))
                if baton.eof:
                    verdict = self._dead(baton)
                    if replies:
                        verdict += " (after replying)"
                    outcomes.append(PropertyOutcome(method, path, value, verdict, False))
                    baton = self._spawn()
                    continue
                if len(replies) != 1:
                    outcomes.append(PropertyOutcome(method, path, value, f"{len(replies)} replies within {self.timeout:.0f} s", False))
                    baton.kill()
                    baton.reap(timeout=10)
                    baton = self._spawn()
                    continue
                ok, verdict = judge_reply(replies[0], path)
                outcomes.append(PropertyOutcome(method, path, value, verdict, ok, replies[0]))
            problem, stray = self._finish(baton)
            if problem or stray:
                outcomes.append(PropertyOutcome(method, path, "(end of session)",
                                                problem or f"late extra replies {stray[:2]!r}", False))
        finally:
            baton.kill()
        return outcomes

    def check_process_id(self, values: Sequence[str], window: float = 2.2) -> List[PropertyOutcome]:
        """initialize.processId: all values at once, one process each. Baton checks the parent once a second,
        so each process must still be serving `window` seconds after initialize: a bounded window in which
        an exit shows as the end of its output (select() returns at once), not a sleep for an event."""
        outcomes = []
        processes = []
        for value in values:
            baton = BatonProcess(self.fuzzer.binary, self.fuzzer.args(), self.framing, self.fuzzer.env)
            baton.write(frame_message(self.framing, property_request("initialize", "processId", {"capabilities": {}}, value, 1)))
            processes.append((value, baton))
        try:
            replies = {}
            for value, baton in processes:
                frames = baton.read_frames(time.monotonic() + 30, until=lambda f: reply_to(f, b"1"))
                replies[value] = [f for f in frames if reply_to(f, b"1")]
            until = time.monotonic() + window
            watching = {baton.proc.stdout.fileno(): baton for _, baton in processes if not baton.eof}
            while watching and time.monotonic() < until:
                ready, _, _ = select.select(list(watching), [], [], max(0.0, until - time.monotonic()))
                for fd in ready:
                    baton = watching[fd]
                    chunk = os.read(fd, 1 << 20)
                    if chunk:
                        baton.buffer += chunk
                    else:
                        baton.eof = True
                        del watching[fd]
            for value, baton in processes:
                got = replies[value]
                if baton.eof:
                    stderr_tail = " | ".join(l for l in baton.stderr_text().splitlines() if l.strip())[-200:]
                    outcomes.append(PropertyOutcome("initialize", "processId", value,
                                                    f"{self._dead(baton)} within {window} s of initialize ({stderr_tail})", False))
                    continue
                if len(got) != 1:
                    outcomes.append(PropertyOutcome("initialize", "processId", value, f"{len(got)} replies", False))
                    continue
                ok, verdict = judge_reply(got[0], "processId")
                problem, _stray = self._finish(baton)
                if problem:
                    ok, verdict = False, problem
                outcomes.append(PropertyOutcome("initialize", "processId", value, verdict, ok, got[0]))
        finally:
            for _, baton in processes:
                if baton.returncode is None:
                    baton.kill()
                    baton.reap(timeout=10)
        return outcomes

    def check_all(self, fields=None, values: Sequence[str] = EXTREME_NUMBERS) -> List[PropertyOutcome]:
        outcomes = []
        for method, path, base in (fields or NUMERIC_FIELDS):
            if (method, path) == ("initialize", "processId"):
                outcomes += self.check_process_id(values)
            else:
                outcomes += self.check_field(method, path, base, values)
        return outcomes


# ---------------------------------------------------------------------------------------------------------
# Command line

def replay(binary: str, path: str, framing: str, mock: MockServer, work_dir: str) -> int:
    fuzzer = Fuzzer(binary, mock.url, work_dir, work_dir)
    with open(path, "rb") as f:
        data = f.read()
    note_path = path[:-4] + ".json" if path.endswith(".bin") else None
    args = fuzzer.args()
    baton = BatonProcess(binary, args, framing, fuzzer.env)
    baton.write_async(data)
    frames = baton.read_frames(time.monotonic() + 30, until=_is_final)
    baton.close_stdin()
    frames += baton.read_frames(time.monotonic() + 20)
    code = baton.reap(timeout=10)
    for frame in frames:
        print(frame.decode("utf-8", "backslashreplace"))
    summary = crash_summary(baton.stderr_text())
    print(json.dumps({"exit": code if code >= 0 else _signal_name(-code), "crash": summary or None,
                      "note": note_path if note_path and os.path.exists(note_path) else None}), file=sys.stderr)
    return 0 if code == 0 else 1


FAILURE_COUNTS = ("crashes", "unexpected_exits", "lost_replies", "doubled_replies", "id_mismatches",
                  "malformed_output", "final_status_unanswered")


def campaign_failed(report: Dict[str, Any]) -> bool:
    """Whether a campaign's report shows any failure at all."""
    return bool(report["distinct_failures"]) or any(report[k] for k in FAILURE_COUNTS)


def property_report(fuzzer: "Fuzzer") -> Dict[str, Any]:
    """Runs the numeric-field property check; its part of a report (`property_failures` empty when it passed)."""
    started = time.monotonic()
    checker = PropertyChecker(fuzzer)
    outcomes = checker.check_all()
    return {"property_checks": len(outcomes),
            "property_failures": [f"{o.method} {o.path}={o.value}: {o.verdict}" for o in outcomes if not o.ok],
            "property_seconds": round(time.monotonic() - started, 1),
            "property_peak_rss_mib": round(checker.peak_kib / 1024, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=None, help="baton binary (default: $BATON, .build/debug, .build/release)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--frames", type=int, default=5000, help="stop after about this many frames")
    parser.add_argument("--max-seconds", type=float, default=300, help="wall-clock cap")
    parser.add_argument("--framing", choices=["both", "lsp", "ndjson"], default="both")
    parser.add_argument("--out-dir", default=None, help="where failing inputs go (default: a new temp dir)")
    parser.add_argument("--properties", action="store_true", help="run the numeric-field property check only")
    parser.add_argument("--with-properties", action="store_true", help="run the property check after fuzzing")
    parser.add_argument("--replay", metavar="FILE", help="send FILE's bytes to baton and print the output")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    binary = args.binary or find_binary()
    if not binary or not os.access(binary, os.X_OK):
        sys.exit("no baton binary: run `swift build` (or pass --binary)")
    work_dir = tempfile.mkdtemp(prefix="baton-fuzz-work-")
    out_dir = args.out_dir or tempfile.mkdtemp(prefix="baton-fuzz-")
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    mock = MockServer()
    try:
        if args.replay:
            framing = "ndjson" if args.framing == "both" else args.framing
            return replay(binary, args.replay, framing, mock, work_dir)
        fuzzer = Fuzzer(binary, mock.url, work_dir, out_dir, log=log)
        report: Dict[str, Any] = {"binary": binary}
        failed = False
        if not args.properties:
            framings = ["lsp", "ndjson"] if args.framing == "both" else [args.framing]
            report.update(Campaign(fuzzer, args.seed).run(args.frames, args.max_seconds, framings))
            failed = campaign_failed(report)
        if args.properties or args.with_properties:
            report.update(property_report(fuzzer))
            failed = failed or bool(report["property_failures"])
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 1 if failed else 0
    finally:
        mock.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
