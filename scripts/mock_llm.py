#!/usr/bin/env python3
"""Baton's mock LLM server: OpenAI- and Anthropic-compatible, standard library only.

Raw HTTP/1.1 on asyncio.Protocol (keep-alive, pipelining, chunked bodies,
`Expect: 100-continue`), so 1000+ concurrent connections with a fixed latency
cost almost nothing while they wait.

Usage:
    python3 scripts/mock_llm.py --port 0 [--latency-ms 200] [--rpm N] [--tpm N]
                                [--error-rate 0.1 --seed 1] [--verbose] ...

Prints one line `{"port": N}` on stdout once listening; everything else goes to
stderr. Knobs (see KNOBS below) can be set per server by CLI flag, changed at
run time with `POST /_mock/config`, and overridden per request with the header
`X-Mock: key=value;key=value` (header > config endpoint > CLI flag).

API endpoints:
    POST /v1/chat/completions   OpenAI chat (JSON or `stream: true` SSE)
    POST /v1/messages           Anthropic Messages (JSON or `stream: true` SSE)
    POST /v1/messages/count_tokens
    GET  /v1/models             OpenAI list (Anthropic shape if `anthropic-version` is sent)
    GET  /health
  The same paths without the `/v1` prefix are accepted too.

Control endpoints (never logged, never rate limited):
    GET  /_mock/config          effective server config
    POST /_mock/config          JSON object of knobs to change (null = back to default)
    GET  /_mock/log             JSON list of requests (?since=ID&limit=N)
    GET  /_mock/stats           counts by status, in flight, max in flight, served, ...
    POST /_mock/reset           clear log, counters, fail_first_n counter, rate buckets,
                                reseed the RNG, release gated requests; body {"config": true}
                                also restores the CLI config
    POST /_mock/release         release requests held by `gate` (body {"count": N}, default all)
    GET  /_mock/wait            ?gated=N&in_flight=N&received=N&served=N&timeout=S: block until
                                every given stat is >= N (200) or timeout (408); lets tests
                                synchronise without sleeps
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime
import http
import itertools
import json
import math
import random
import re
import signal
import threading
import sys
import time
import traceback
import urllib.parse

# ---------------------------------------------------------------------------
# Knobs

def _bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "on", ""):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {v!r}")


def _opt(conv):
    def f(v):
        if v is None or (isinstance(v, str) and v.strip().lower() in ("", "none", "null")):
            return None
        return conv(v)
    return f


def _int(v):
    if isinstance(v, bool):
        raise ValueError("expected an integer")
    f = float(v)
    if f != int(f):
        raise ValueError(f"not an integer: {v!r}")
    return int(f)


def _nonneg(conv):
    def f(v):
        x = conv(v)
        if x is not None and x < 0:
            raise ValueError(f"must be >= 0: {v!r}")
        return x
    return f


# name -> (converter, default, help)
KNOBS = {
    "latency_ms": (_nonneg(float), 0.0, "delay before a JSON response (and before the first SSE event unless ttft_ms is set)"),
    "ttft_ms": (_nonneg(_opt(float)), None, "SSE: delay before the headers and first event (default: latency_ms)"),
    "chunk_gap_ms": (_nonneg(float), 0.0, "SSE: delay between content chunks"),
    "status": (_opt(_int), None, "force this HTTP status (error body in the path's shape), after the latency"),
    "error_rate": (_nonneg(float), 0.0, "fraction of requests answered with error_status, seeded by seed"),
    "error_status": (_int, 500, "status used by error_rate and fail_first_n"),
    "seed": (_opt(_int), None, "seed of the error_rate RNG (server level: applied at start, on /_mock/config and on reset)"),
    "rpm": (_nonneg(_opt(float)), None, "requests-per-minute token bucket (rate rpm/60 per s, burst burst_s seconds' worth, min 1); 429 when empty"),
    "tpm": (_nonneg(_opt(float)), None, "tokens-per-minute token bucket; a request costs prompt+completion token estimate"),
    "burst_s": (_nonneg(float), 1.0, "bucket capacity in seconds of refill (1.0 = one second's worth, like the peers' mock)"),
    "hang": (_bool, False, "accept the request and never answer; the log records the client's disconnect"),
    "malformed": (_bool, False, "200 with a broken JSON body (SSE: one broken data line)"),
    "truncate_stream": (_bool, False, "SSE: send about half of the events, then close the connection (no [DONE] / message_stop)"),
    "stall_stream": (_bool, False, "SSE: send about half of the events, then send nothing more and keep the connection open"),
    "finish_length": (_bool, False, "finish_reason 'length' / stop_reason 'max_tokens' with content cut in half (truncated JSON in JSON mode)"),
    "fail_first_n": (_nonneg(_int), 0, "the first N requests get error_status, later ones succeed (counter restarts at start, on reset and when set by /_mock/config)"),
    "gate": (_bool, False, "hold each request (after rate limiting, before latency) until POST /_mock/release"),
    "array_items": (_nonneg(_int), 2, "JSON mode: length of outermost arrays without minItems/maxItems forcing otherwise (e.g. 1000 subtasks); nested arrays get 2"),
    "reply_words": (_nonneg(_int), 0, "append this many filler words to text replies (more SSE chunks, more tokens)"),
    "echo_key": (_bool, False, "append the request's API key (bearer token or x-api-key) to text replies, like a broken gateway"),
}
KNOB_DEFAULTS = {k: v[1] for k, v in KNOBS.items()}


def coerce_knob(name, value):
    if name not in KNOBS:
        raise ValueError(f"unknown mock knob {name!r} (known: {', '.join(KNOBS)})")
    try:
        return KNOBS[name][0](value)
    except (TypeError, ValueError) as e:
        raise ValueError(f"bad value for mock knob {name!r}: {value!r} ({e})") from None


def parse_x_mock(header):
    out = {}
    for part in header.split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            k, v = part.split("=", 1)
        else:
            k, v = part, "true"  # bare flag: `X-Mock: hang`
        k = k.strip().replace("-", "_")
        out[k] = coerce_knob(k, v.strip())
    return out


# ---------------------------------------------------------------------------
# JSON-schema instance generator (deterministic, minimal but valid)

# Arrays longer than this are never generated just because a schema's minItems asks for them: a fuzzed
# `minSubtasks: 4611686018427387904` reaches the planner schema as minItems and would otherwise hang the
# mock building a list that size. The reply then has fewer items than asked, which the caller must reject.
MAX_FORCED_ITEMS = 10_000


class SchemaGen:
    def __init__(self, root, array_items=2):
        self.root = root if isinstance(root, dict) else {}
        self.array_items = array_items  # preferred length of outermost arrays

    def resolve(self, s):
        seen = 0
        while isinstance(s, dict) and "$ref" in s and seen < 32:
            ref = s["$ref"]
            seen += 1
            if not isinstance(ref, str) or not ref.startswith("#"):
                return {}
            node = self.root
            for tok in ref[1:].split("/"):
                if not tok:
                    continue
                tok = urllib.parse.unquote(tok).replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and tok in node:
                    node = node[tok]
                elif isinstance(node, list) and tok.isdigit() and int(tok) < len(node):
                    node = node[int(tok)]
                else:
                    return {}
            rest = {k: v for k, v in s.items() if k != "$ref"}
            s = {**node, **rest} if isinstance(node, dict) else rest
        return s if isinstance(s, dict) else {}

    def gen(self, schema, key="value", idx=0, depth=0, nested=False):
        s = self.resolve(schema)
        if depth > 24:
            return None
        if "const" in s:
            return s["const"]
        if isinstance(s.get("enum"), list) and s["enum"]:
            return s["enum"][idx % len(s["enum"])]
        if isinstance(s.get("allOf"), list) and s["allOf"]:
            merged = {k: v for k, v in s.items() if k != "allOf"}
            for sub in s["allOf"]:
                sub = self.resolve(sub)
                for k, v in sub.items():
                    if k == "properties":
                        merged.setdefault("properties", {}).update(v)
                    elif k == "required":
                        merged["required"] = list(dict.fromkeys(list(merged.get("required", [])) + list(v)))
                    else:
                        merged.setdefault(k, v)
            return self.gen(merged, key, idx, depth + 1, nested)
        for comb in ("anyOf", "oneOf"):
            if isinstance(s.get(comb), list) and s[comb]:
                opts = [self.resolve(o) for o in s[comb]]
                non_null = [o for o in opts if o.get("type") != "null"]
                base = {k: v for k, v in s.items() if k != comb}
                return self.gen({**base, **(non_null or opts)[0]}, key, idx, depth + 1, nested)
        t = s.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), t[0] if t else None)
        if t is None:
            if "properties" in s or "required" in s:
                t = "object"
            elif "items" in s or "minItems" in s or "prefixItems" in s:
                t = "array"
            elif any(k in s for k in ("minLength", "maxLength", "pattern", "format")):
                t = "string"
            elif any(k in s for k in ("minimum", "maximum", "exclusiveMinimum", "multipleOf")):
                t = "number"
            else:
                t = "string"
        if t == "object":
            props = s.get("properties") if isinstance(s.get("properties"), dict) else {}
            required = s.get("required") if isinstance(s.get("required"), list) else None
            names = required if required is not None else list(props)
            out = {}
            for name in names:
                out[name] = self.gen(props.get(name, {}), str(name), idx, depth + 1, nested)
            min_p = s.get("minProperties")
            if isinstance(min_p, int):
                for name in props:
                    if len(out) >= min_p:
                        break
                    if name not in out:
                        out[name] = self.gen(props[name], str(name), idx, depth + 1, nested)
                n = 0
                while len(out) < min_p and s.get("additionalProperties", True) is not False:
                    n += 1
                    extra = s.get("additionalProperties") if isinstance(s.get("additionalProperties"), dict) else {}
                    out.setdefault(f"extra{n}", self.gen(extra, f"extra{n}", idx, depth + 1, nested))
            return out
        if t == "array":
            prefix = s.get("prefixItems") if isinstance(s.get("prefixItems"), list) else []
            items = s.get("items")
            if isinstance(items, list):  # draft-04 tuple form
                prefix, items = items, s.get("additionalItems", {})
            if not isinstance(items, dict):
                items = {} if items is not False else None
            lo = s.get("minItems", 0) if isinstance(s.get("minItems"), int) else 0
            lo = min(lo, MAX_FORCED_ITEMS)  # a hostile minItems (2**62) must not hang the mock
            hi = s.get("maxItems") if isinstance(s.get("maxItems"), int) else None
            n = max(2 if nested else self.array_items, lo)
            if hi is not None:
                n = min(n, hi)
            if items is None:  # `items: false`: only the prefix is allowed
                n = min(n, len(prefix))
            single = key[:-1] if key.endswith("s") and len(key) > 1 else key
            out = []
            for i in range(n):
                sub = prefix[i] if i < len(prefix) else (items or {})
                out.append(self.gen(sub, single, i, depth + 1, True))
            return out
        if t == "string":
            fmt = s.get("format")
            if fmt == "date-time":
                v = "2024-01-01T00:00:00Z"
            elif fmt == "date":
                v = "2024-01-01"
            elif fmt == "time":
                v = "00:00:00Z"
            elif fmt == "email":
                v = f"{key}{idx + 1}@example.com"
            elif fmt in ("uri", "url"):
                v = f"https://example.com/{key}/{idx + 1}"
            elif fmt == "uuid":
                v = f"00000000-0000-4000-8000-{idx + 1:012d}"
            else:
                v = f"{key} {idx + 1}"
            lo = s.get("minLength", 0) if isinstance(s.get("minLength"), int) else 0
            hi = s.get("maxLength") if isinstance(s.get("maxLength"), int) else None
            if len(v) < lo:
                v = v + "x" * (lo - len(v))
            if hi is not None and len(v) > hi:
                v = v[:hi] if hi >= 1 else ""
                # keep items distinct when the string had to be cut
                if hi >= 1 and idx:
                    tag = str(idx + 1)
                    v = (v[: max(0, hi - len(tag))] + tag)[:hi]
            return v
        if t in ("integer", "number"):
            lo = s.get("minimum")
            xlo = s.get("exclusiveMinimum")
            hi = s.get("maximum")
            xhi = s.get("exclusiveMaximum")
            if isinstance(xlo, bool):  # draft-04 boolean form
                xlo, lo = (lo if xlo else None), (None if xlo else lo)
            if isinstance(xhi, bool):
                xhi, hi = (hi if xhi else None), (None if xhi else hi)
            step = 1 if t == "integer" else 0.5
            v = None
            if isinstance(lo, (int, float)):
                v = lo
            if isinstance(xlo, (int, float)):
                v = max(v, xlo + step) if v is not None else xlo + step
            if v is None:
                v = 1
                if isinstance(hi, (int, float)) and v > hi:
                    v = hi
                if isinstance(xhi, (int, float)) and v >= xhi:
                    v = xhi - step
            mult = s.get("multipleOf")
            if isinstance(mult, (int, float)) and mult > 0:
                v = math.ceil(v / mult) * mult
            if t == "integer":
                v = int(math.ceil(v))
            elif float(v).is_integer():
                v = float(v)
            return v
        if t == "boolean":
            return True
        if t == "null":
            return None
        return f"{key} {idx + 1}"


def instance_for(schema, array_items=2):
    return SchemaGen(schema, array_items).gen(schema if isinstance(schema, dict) else {}, "value", 0)


# ---------------------------------------------------------------------------
# Helpers

class BadRequest(Exception):
    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def est_tokens(text):
    return max(1, math.ceil(len(text) / 4))


def content_text(content):
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for p in content:
            if isinstance(p, str):
                parts.append(p)
            elif isinstance(p, dict):
                if isinstance(p.get("text"), str):
                    parts.append(p["text"])
                elif "content" in p:  # Anthropic tool_result
                    parts.append(content_text(p["content"]))
                elif isinstance(p.get("input"), (dict, list)):
                    parts.append(json.dumps(p["input"]))
        return "\n".join(parts)
    if isinstance(content, dict):
        return content_text([content])
    return str(content)


FILLER = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
          "mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split()

_WORD_RE = re.compile(r"\S+\s*|\s+")


def text_chunks(text):
    return _WORD_RE.findall(text) or [text]


def json_chunks(text, size=16):
    return [text[i:i + size] for i in range(0, len(text), size)] or [text]


def fmt_duration(seconds):
    """OpenAI style: 120ms, 6s, 1.5s, 1m30s."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{math.ceil(seconds * 1000)}ms"
    if seconds < 60:
        return f"{round(seconds, 3):g}s"
    m, s = divmod(seconds, 60)
    return f"{int(m)}m{round(s, 3):g}s"


def rfc3339(delta_s):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=max(0.0, delta_s))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return {529: "Overloaded"}.get(status, "Status")


OPENAI_ERR = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    408: ("timeout", None),
    413: ("invalid_request_error", "request_too_large"),
    429: ("requests", "rate_limit_exceeded"),
}
ANTHROPIC_ERR = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
    500: "api_error", 529: "overloaded_error",
}


def error_body(kind, status, message, err_type=None):
    if kind == "anthropic":
        t = err_type or ANTHROPIC_ERR.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {"type": "error", "error": {"type": t, "message": message}}
    t, code = OPENAI_ERR.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    if err_type:
        t = err_type
    return {"error": {"message": message, "type": t, "param": None, "code": code}}


def dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class Bucket:
    __slots__ = ("rate", "cap", "level", "last")

    def __init__(self, per_minute, burst_s):
        self.rate = per_minute / 60.0
        self.cap = max(1.0, self.rate * burst_s)
        self.level = self.cap
        self.last = time.monotonic()

    def refill(self, now):
        if now > self.last:
            self.level = min(self.cap, self.level + (now - self.last) * self.rate)
            self.last = now

    def wait_for(self, n):
        n = min(n, self.cap)
        if self.level >= n:
            return 0.0
        return (n - self.level) / self.rate if self.rate > 0 else float("inf")

    def take(self, n):
        self.level -= min(n, self.cap)

    def reset_in(self):
        return (self.cap - self.level) / self.rate if self.rate > 0 else 0.0


# ---------------------------------------------------------------------------
# HTTP plumbing

SECRET_HEADERS = frozenset(("authorization", "x-api-key", "api-key", "proxy-authorization", "cookie"))
MAX_HEAD = 64 * 1024
MAX_BODY = 64 * 1024 * 1024


class Request:
    __slots__ = ("method", "target", "path", "query", "version", "headers", "body", "keep_alive", "parsed")


class Conn(asyncio.Protocol):
    def __init__(self, server):
        self.server = server
        self.transport = None
        self.buf = bytearray()
        self.head = None
        self.busy = False
        self.closed = False
        self.waiters = []
        self.paused = False
        self.drain_fut = None

    # -- asyncio callbacks
    def connection_made(self, transport):
        self.transport = transport
        self.server.conns.add(self)

    def connection_lost(self, exc):
        self.closed = True
        self.server.conns.discard(self)
        for f in self.waiters:
            if not f.done():
                f.set_result(False)
        self.waiters.clear()
        if self.drain_fut and not self.drain_fut.done():
            self.drain_fut.set_result(None)

    def pause_writing(self):
        self.paused = True

    def resume_writing(self):
        self.paused = False
        if self.drain_fut and not self.drain_fut.done():
            self.drain_fut.set_result(None)

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self.process()

    # -- waiting that notices the client going away
    def wait(self, seconds):
        """Future resolving True after `seconds`, False if the connection closes first."""
        loop = self.server.loop
        fut = loop.create_future()
        if self.closed:
            fut.set_result(False)
            return fut
        self.waiters.append(fut)

        def fire():
            if not fut.done():
                fut.set_result(True)
        h = loop.call_later(seconds, fire) if seconds != float("inf") else None

        def cleanup(_):
            if h is not None:
                h.cancel()
            try:
                self.waiters.remove(fut)
            except ValueError:
                pass
        fut.add_done_callback(cleanup)
        return fut

    async def drain(self):
        if self.paused and not self.closed:
            self.drain_fut = self.server.loop.create_future()
            await self.drain_fut

    def write(self, data):
        if not self.closed:
            self.transport.write(data)

    # -- parsing
    def fail(self, status, message):
        body = dumps(error_body("openai", status, message))
        self.write(f"HTTP/1.1 {status} {reason(status)}\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        self.buf.clear()
        self.busy = True  # stop parsing
        if self.transport:
            self.transport.close()

    def process(self):
        while not self.busy and not self.closed:
            try:
                req = self.parse()
            except BadRequest as e:
                self.fail(e.status, str(e))
                return
            if req is None:
                return
            self.busy = True
            self.server.loop.create_task(self.run(req))

    def parse(self):
        if self.head is None:
            while self.buf[:2] == b"\r\n":
                del self.buf[:2]
            idx = self.buf.find(b"\r\n\r\n")
            if idx < 0:
                if len(self.buf) > MAX_HEAD:
                    raise BadRequest("request head too large", 431)
                return None
            raw = bytes(self.buf[:idx]).decode("latin-1")
            del self.buf[:idx + 4]
            lines = raw.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                raise BadRequest(f"malformed request line: {lines[0][:100]!r}")
            headers = {}
            for line in lines[1:]:
                k, sep, v = line.partition(":")
                if not sep:
                    raise BadRequest(f"malformed header line: {line[:100]!r}")
                k = k.strip().lower()
                v = v.strip()
                headers[k] = f"{headers[k]}, {v}" if k in headers else v
            chunked = "chunked" in headers.get("transfer-encoding", "").lower()
            length = 0
            if not chunked and "content-length" in headers:
                try:
                    length = int(headers["content-length"])
                except ValueError:
                    raise BadRequest("bad Content-Length") from None
                if length < 0:
                    raise BadRequest("bad Content-Length")
            if length > MAX_BODY:
                raise BadRequest("request body too large", 413)
            self.head = (parts[0].upper(), parts[1], parts[2], headers, chunked, length)
            if "100-continue" in headers.get("expect", "").lower() and (chunked or len(self.buf) < length):
                self.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        method, target, version, headers, chunked, length = self.head
        if chunked:
            body = self.dechunk()
            if body is None:
                return None
        else:
            if len(self.buf) < length:
                return None
            body = bytes(self.buf[:length])
            del self.buf[:length]
        self.head = None
        r = Request()
        r.method, r.target, r.version, r.headers, r.body = method, target, version, headers, body
        path, _, query = target.partition("?")
        if path.startswith("http://") or path.startswith("https://"):
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        r.path = path
        r.query = urllib.parse.parse_qs(query) if query else {}
        conn_h = headers.get("connection", "").lower()
        r.keep_alive = ("close" not in conn_h) if version == "HTTP/1.1" else ("keep-alive" in conn_h)
        return r

    def dechunk(self):
        pos = 0
        out = bytearray()
        buf = self.buf
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size_s = bytes(buf[pos:eol]).split(b";")[0].strip()
            try:
                size = int(size_s, 16)
            except ValueError:
                raise BadRequest("bad chunk size") from None
            if size == 0:
                # trailers end with an empty line
                end = buf.find(b"\r\n\r\n", eol)
                if end < 0:
                    if buf[eol:eol + 4] == b"\r\n\r\n":
                        end = eol
                    else:
                        return None
                del buf[:end + 4]
                return bytes(out)
            start = eol + 2
            if len(buf) < start + size + 2:
                return None
            out += buf[start:start + size]
            if len(out) > MAX_BODY:
                raise BadRequest("request body too large", 413)
            pos = start + size + 2

    async def run(self, req):
        keep = req.keep_alive
        try:
            keep = await self.server.handle(self, req) and keep
        except Exception:  # never let a handler bug kill the connection silently
            traceback.print_exc(file=sys.stderr)
            keep = False
        if self.closed:
            return
        if not keep:
            self.transport.close()
            return
        self.busy = False
        if self.buf:
            self.process()


class Response:
    """Per-request response writer that tracks status for the log."""

    def __init__(self, conn, req, entry, rid, kind):
        self.conn, self.req, self.entry, self.rid, self.kind = conn, req, entry, rid, kind
        self.extra = []  # extra headers (name, value)

    def head(self, status, ctype, length=None, chunked=False):
        lines = [f"HTTP/1.1 {status} {reason(status)}", f"Content-Type: {ctype}",
                 f"x-request-id: {self.rid}"]
        if self.kind == "anthropic":
            lines.append(f"request-id: {self.rid}")
        if chunked:
            lines += ["Transfer-Encoding: chunked", "Cache-Control: no-cache"]
        else:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in self.extra]
        lines.append("Connection: keep-alive" if self.req.keep_alive else "Connection: close")
        if self.entry is not None:
            self.entry["status"] = status
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def json(self, status, obj=None, raw=None):
        body = raw if raw is not None else dumps(obj)
        self.conn.write(self.head(status, "application/json", len(body)) + body)

    def error(self, status, message, err_type=None):
        self.json(status, error_body(self.kind, status, message, err_type))


# ---------------------------------------------------------------------------
# The mock

class MockServer:
    def __init__(self, base_config, log_max=10000, verbose=False, model="mock-model"):
        self.base_config = dict(base_config)
        self.config = dict(base_config)
        self.log_max = log_max
        self.verbose = verbose
        self.model = model
        self.loop = None
        self.conns = set()
        self.ids = itertools.count(1)
        self.watchers = []
        self.gated = collections.deque()
        self.reset_state()

    def reset_state(self):
        self.log = collections.deque(maxlen=self.log_max)
        self.by_status = collections.Counter()
        self.received = 0
        self.served = 0
        self.in_flight = getattr(self, "in_flight", 0)  # requests still running keep counting
        self.max_in_flight = self.in_flight
        self.disconnects = 0
        self.fail_first_seen = 0
        self.buckets = {}
        self.rng = random.Random(self.config.get("seed"))
        self.started = time.time()

    # -- stats and waiting
    def stats(self):
        return {
            "received": self.received, "served": self.served, "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
            "in_flight": self.in_flight, "max_in_flight": self.max_in_flight, "gated": len(self.gated),
            "disconnects": self.disconnects, "connections": len(self.conns),
            "uptime_s": round(time.time() - self.started, 3),
        }

    def notify(self):
        if not self.watchers:
            return
        st = None
        for w in list(self.watchers):
            cond, fut = w
            if fut.done():
                self.watchers.remove(w)
                continue
            st = st or self.stats()
            if all(st.get(k, 0) >= v for k, v in cond.items()):
                fut.set_result(True)
                self.watchers.remove(w)

    def knobs_for(self, req):
        k = self.config
        h = req.headers.get("x-mock")
        if h:
            k = {**k, **parse_x_mock(h)}
        return k

    # -- dispatch
    async def handle(self, conn, req):
        path = req.path.rstrip("/") or "/"
        if path.startswith("/_mock/"):
            return await self.control(conn, req, path)
        if path.startswith("/v1/"):
            path = path[3:]
        kind = "anthropic" if path.startswith("/messages") else "openai"
        if path == "/models" and "anthropic-version" in req.headers:
            kind = "anthropic"
        rid = f"req_mock_{next(self.ids)}"
        entry = {
            "id": int(rid.rsplit("_", 1)[1]), "time": time.time(), "method": req.method, "path": req.path,
            "headers": req.headers,  # redacted when served by /_mock/log
            "body": None, "status": None, "stream": False, "client_disconnected": False,
            "request_id": rid,
        }
        req.parsed = None
        try:
            entry["body"] = req.parsed = json.loads(req.body) if req.body else None
        except (ValueError, UnicodeDecodeError) as e:
            entry["body"] = req.body[:4096].decode("utf-8", "replace")
            req.parsed = e
        self.log.append(entry)
        self.received += 1
        self.in_flight += 1
        if self.in_flight > self.max_in_flight:
            self.max_in_flight = self.in_flight
        self.notify()
        t0 = time.monotonic()
        resp = Response(conn, req, entry, rid, kind)
        keep = True
        try:
            if path in ("/chat/completions", "/messages"):
                if req.method != "POST":
                    resp.extra.append(("Allow", "POST"))
                    resp.error(405, f"method {req.method} not allowed on {req.path}")
                else:
                    keep = await self.completion(conn, req, resp, kind, entry)
            elif path == "/messages/count_tokens" and req.method == "POST":
                body = self.parse_body(req)
                resp.json(200, {"input_tokens": est_tokens(self.prompt_text(body, "anthropic"))})
            elif path == "/models" and req.method == "GET":
                if kind == "anthropic":
                    m = {"type": "model", "id": self.model, "display_name": self.model, "created_at": "2024-01-01T00:00:00Z"}
                    resp.json(200, {"data": [m], "has_more": False, "first_id": self.model, "last_id": self.model})
                else:
                    resp.json(200, {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "mock"}]})
            elif path in ("/health", "/healthz") and req.method == "GET":
                resp.json(200, {"status": "ok"})
            else:
                resp.error(404, f"no route for {req.method} {req.path}")
        except BadRequest as e:
            if entry["status"] is None and not conn.closed:
                resp.error(e.status, str(e))
        finally:
            self.in_flight -= 1
            entry["duration_ms"] = round((time.monotonic() - t0) * 1000, 3)
            if conn.closed and not entry.get("complete"):
                if not entry["client_disconnected"]:
                    entry["client_disconnected"] = True
            if entry["client_disconnected"]:
                self.disconnects += 1
            if entry["status"] is not None:
                self.by_status[entry["status"]] += 1
                self.served += 1
            if self.verbose:
                print(f"mock: {req.method} {req.path} -> {entry['status']} in {entry['duration_ms']} ms"
                      f"{' (client disconnected)' if entry['client_disconnected'] else ''}", file=sys.stderr)
            self.notify()
        return keep

    # -- control endpoints
    async def control(self, conn, req, path):
        resp = Response(conn, req, None, f"req_mock_ctl_{next(self.ids)}", "openai")
        try:
            body = json.loads(req.body) if req.body.strip() else {}
        except ValueError:
            resp.error(400, "control body must be JSON")
            return True
        if path == "/_mock/config":
            if req.method == "POST":
                if not isinstance(body, dict):
                    resp.error(400, "config body must be a JSON object")
                    return True
                try:
                    new = {}
                    for k, v in body.items():
                        k = k.replace("-", "_")
                        new[k] = KNOB_DEFAULTS[k] if v is None and k in KNOBS else coerce_knob(k, v)
                except ValueError as e:
                    resp.error(400, str(e))
                    return True
                self.config.update(new)
                if "fail_first_n" in new:
                    self.fail_first_seen = 0
                if "seed" in new:
                    self.rng = random.Random(self.config["seed"])
                if new.get("rpm") is not None or new.get("tpm") is not None or "burst_s" in new:
                    self.buckets.clear()
            resp.json(200, self.config)
        elif path == "/_mock/log":
            since = int(req.query.get("since", ["0"])[0] or 0)
            items = [e for e in self.log if e["id"] > since]
            if "limit" in req.query:
                items = items[: int(req.query["limit"][0])]
            items = [{**e, "headers": {k: ("REDACTED" if k in SECRET_HEADERS else v) for k, v in e["headers"].items()}}
                     for e in items]
            resp.json(200, items)
        elif path == "/_mock/stats":
            resp.json(200, self.stats())
        elif path == "/_mock/reset" and req.method == "POST":
            if isinstance(body, dict) and body.get("config"):
                self.config = dict(self.base_config)
            while self.gated:  # don't leave held requests behind
                fut = self.gated.popleft()
                if not fut.done():
                    fut.set_result(True)
            self.reset_state()
            resp.json(200, {"ok": True})
        elif path == "/_mock/release" and req.method == "POST":
            n = body.get("count") if isinstance(body, dict) else None
            released = 0
            while self.gated and (n is None or released < n):
                fut = self.gated.popleft()
                if not fut.done():
                    fut.set_result(True)
                    released += 1
            self.notify()
            resp.json(200, {"released": released, "still_gated": len(self.gated)})
        elif path == "/_mock/wait":
            q = {k: v[0] for k, v in req.query.items()}
            timeout = float(q.pop("timeout", "10"))
            try:
                cond = {k: int(v) for k, v in q.items()}
            except ValueError:
                resp.error(400, "wait conditions must be integers")
                return True
            fut = self.loop.create_future()
            self.watchers.append((cond, fut))
            self.notify()
            try:
                await asyncio.wait_for(fut, timeout)
                resp.json(200, {"ok": True, "stats": self.stats()})
            except asyncio.TimeoutError:
                resp.json(408, {"ok": False, "stats": self.stats()})
        else:
            resp.error(404, f"no control route {req.method} {path}")
        return True

    # -- request parsing
    @staticmethod
    def parse_body(req):
        body = req.parsed
        if isinstance(body, Exception):
            raise BadRequest(f"request body is not valid JSON: {body}")
        if not isinstance(body, dict):
            raise BadRequest("request body must be a JSON object")
        return body

    @staticmethod
    def prompt_text(body, kind):
        parts = []
        if kind == "anthropic":
            parts.append(content_text(body.get("system")))
        msgs = body.get("messages")
        if isinstance(msgs, list):
            for m in msgs:
                if isinstance(m, dict):
                    parts.append(content_text(m.get("content")))
                    if m.get("tool_calls"):
                        parts.append(json.dumps(m["tool_calls"]))
        if body.get("tools"):
            parts.append(json.dumps(body["tools"]))
        return "\n".join(p for p in parts if p)

    def plan_reply(self, body, kind, knobs, key=None):
        """Decide what to answer: returns dict(mode, text|tool, ...). `key`: the request's API key, for echo_key."""
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs:
            raise BadRequest("'messages' must be a non-empty array")
        for m in msgs:
            if not isinstance(m, dict) or not isinstance(m.get("role"), str):
                raise BadRequest("each message must be an object with a 'role'")
        if kind == "anthropic" and not isinstance(body.get("max_tokens"), int):
            raise BadRequest("max_tokens: Field required")
        last_user = next((m for m in reversed(msgs) if m.get("role") == "user"), msgs[-1])
        snippet = content_text(last_user.get("content"))[:40]
        tools = body.get("tools") if isinstance(body.get("tools"), list) else []
        tc = body.get("tool_choice")
        reply = {"mode": "text", "snippet": snippet}
        if kind == "openai":
            rf = body.get("response_format") if isinstance(body.get("response_format"), dict) else {}
            schema = None
            if rf.get("type") == "json_schema":
                js = rf.get("json_schema")
                if not isinstance(js, dict):
                    raise BadRequest("response_format.json_schema must be an object")
                schema = js.get("schema", {})
            elif rf.get("type") == "json_object":
                schema = rf.get("schema")  # llama.cpp extension
                if schema is None:
                    reply.update(mode="json", text=json.dumps({"echo": snippet}))
            if schema is not None:
                reply.update(mode="json", text=json.dumps(instance_for(schema, knobs["array_items"])))
            forced = None
            if isinstance(tc, dict) and tc.get("type") == "function":
                forced = (tc.get("function") or {}).get("name")
                if not any(isinstance(t, dict) and (t.get("function") or {}).get("name") == forced for t in tools):
                    raise BadRequest(f"tool_choice names unknown function {forced!r}")
            elif tc == "required" and tools:
                forced = (tools[0].get("function") or {}).get("name") if isinstance(tools[0], dict) else None
            if forced:
                tool = next(t for t in tools if isinstance(t, dict) and (t.get("function") or {}).get("name") == forced)
                args = instance_for((tool.get("function") or {}).get("parameters") or {"type": "object"}, knobs["array_items"])
                reply.update(mode="tool", name=forced, args=json.dumps(args),
                             named=isinstance(tc, dict))
        else:
            of = body.get("output_format") if isinstance(body.get("output_format"), dict) else {}
            if of.get("type") == "json_schema":
                reply.update(mode="json", text=json.dumps(instance_for(of.get("schema") or {}, knobs["array_items"])))
            forced = None
            if isinstance(tc, dict) and tc.get("type") == "tool":
                forced = tc.get("name")
                if not any(isinstance(t, dict) and t.get("name") == forced for t in tools):
                    raise BadRequest(f"tool_choice.name {forced!r} is not one of the tools")
            elif isinstance(tc, dict) and tc.get("type") == "any" and tools:
                forced = tools[0].get("name") if isinstance(tools[0], dict) else None
            if forced:
                tool = next(t for t in tools if isinstance(t, dict) and t.get("name") == forced)
                args = instance_for(tool.get("input_schema") or {"type": "object"}, knobs["array_items"])
                reply.update(mode="tool", name=forced, input=args, args=json.dumps(args))
        if reply["mode"] == "text":
            text = "echo: " + snippet
            if knobs["reply_words"]:
                text += " " + " ".join(FILLER[i % len(FILLER)] for i in range(knobs["reply_words"]))
            if knobs["echo_key"] and key:
                text += " your key is " + key
            reply["text"] = text
        out = reply["args"] if reply["mode"] == "tool" else reply["text"]
        reply["finish_length"] = knobs["finish_length"]
        if knobs["finish_length"]:
            cut = max(1, len(out) // 2)
            out = out[:cut]
            if reply["mode"] == "tool":
                reply["args"] = out
            else:
                reply["text"] = out
        reply["prompt_tokens"] = est_tokens(self.prompt_text(body, kind))
        reply["completion_tokens"] = est_tokens(out)
        return reply

    # -- rate limiting
    def rate_check(self, knobs, cost, kind):
        """Returns (headers, wait_seconds_or_None, which)."""
        now = time.monotonic()
        checks = []
        for name, per_min, n in (("requests", knobs["rpm"], 1), ("tokens", knobs["tpm"], cost)):
            if per_min:
                key = (name, per_min, knobs["burst_s"])
                b = self.buckets.get(key)
                if b is None:
                    b = self.buckets[key] = Bucket(per_min, knobs["burst_s"])
                b.refill(now)
                checks.append((name, per_min, b, n))
        waits = [(b.wait_for(n), name) for name, _, b, n in checks]
        blocked = [w for w in waits if w[0] > 0]
        if not blocked:
            for _, _, b, n in checks:
                b.take(n)
        headers = []
        for name, per_min, b, _ in checks:
            rem = max(0, math.floor(b.level))
            if kind == "anthropic":
                headers += [(f"anthropic-ratelimit-{name}-limit", int(per_min)),
                            (f"anthropic-ratelimit-{name}-remaining", rem),
                            (f"anthropic-ratelimit-{name}-reset", rfc3339(b.reset_in()))]
            else:
                headers += [(f"x-ratelimit-limit-{name}", int(per_min)),
                            (f"x-ratelimit-remaining-{name}", rem),
                            (f"x-ratelimit-reset-{name}", fmt_duration(b.reset_in()))]
        if blocked:
            wait, which = max(blocked)
            return headers, wait, which
        return headers, None, None

    # -- the completion endpoints
    async def completion(self, conn, req, resp, kind, entry):
        try:
            knobs = self.knobs_for(req)
        except ValueError as e:
            resp.error(400, str(e))
            return True
        body = self.parse_body(req)
        stream = bool(body.get("stream"))
        entry["stream"] = stream
        auth = req.headers.get("authorization", "")
        key = auth[7:] if auth.lower().startswith("bearer ") else req.headers.get("x-api-key")
        reply = self.plan_reply(body, kind, knobs, key)

        # 1. rate limits: immediate 429
        rl_headers, wait, which = self.rate_check(knobs, reply["prompt_tokens"] + reply["completion_tokens"], kind)
        resp.extra += rl_headers
        if wait is not None:
            resp.extra += [("retry-after", max(1, math.ceil(wait))), ("retry-after-ms", max(1, math.ceil(wait * 1000)))]
            msg = (f"Rate limit reached for {which} per minute (mock). Please try again in {fmt_duration(wait)}.")
            resp.error(429, msg, None if kind == "anthropic" else which)
            entry["complete"] = True
            return True

        # 2. gate: held until POST /_mock/release
        if knobs["gate"]:
            fut = self.loop.create_future()
            self.gated.append(fut)
            self.notify()
            closed = conn.wait(float("inf"))
            await asyncio.wait([fut, closed], return_when=asyncio.FIRST_COMPLETED)
            if not fut.done():
                fut.cancel()
                try:
                    self.gated.remove(fut)
                except ValueError:
                    pass
            if not closed.done():
                closed.set_result(True)
            if conn.closed:
                return False

        # 3. hang: never answer
        if knobs["hang"]:
            await conn.wait(float("inf"))
            return False

        # 4. latency (stream: time to first byte)
        delay = knobs["latency_ms"]
        if stream and knobs["ttft_ms"] is not None:
            delay = knobs["ttft_ms"]
        if delay > 0 and not await conn.wait(delay / 1000.0):
            return False

        # 5. forced failures
        status = None
        self.fail_first_seen += 1
        if knobs["fail_first_n"] and self.fail_first_seen <= knobs["fail_first_n"]:
            status = knobs["error_status"]
        elif knobs["status"] is not None:
            status = knobs["status"]
        elif knobs["error_rate"] > 0 and self.rng.random() < knobs["error_rate"]:
            status = knobs["error_status"]
        if status is not None and status != 200:
            resp.error(status, f"mock forced status {status}")
            entry["complete"] = True
            return True

        if stream:
            return await self.stream(conn, resp, kind, body, reply, knobs, entry)

        model = body.get("model") or self.model
        if knobs["malformed"]:
            bad = b'{"id": "' + resp.rid.encode() + b'", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assi'
            resp.json(200, raw=bad)
            entry["complete"] = True
            return True
        resp.json(200, self.full_body(kind, model, resp.rid, reply))
        entry["complete"] = True
        return True

    def full_body(self, kind, model, rid, reply):
        n = rid.rsplit("_", 1)[1]
        pt, ct = reply["prompt_tokens"], reply["completion_tokens"]
        if kind == "openai":
            msg = {"role": "assistant", "content": None, "refusal": None}
            if reply["mode"] == "tool":
                msg["tool_calls"] = [{"id": f"call_mock_{n}", "type": "function",
                                      "function": {"name": reply["name"], "arguments": reply["args"]}}]
                finish = "stop" if reply.get("named") else "tool_calls"
            else:
                msg["content"] = reply["text"]
                finish = "stop"
            if reply["finish_length"]:
                finish = "length"
            return {"id": f"chatcmpl-mock-{n}", "object": "chat.completion", "created": int(time.time()),
                    "model": model, "system_fingerprint": "fp_mock",
                    "choices": [{"index": 0, "message": msg, "logprobs": None, "finish_reason": finish}],
                    "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}}
        if reply["mode"] == "tool":
            content = [{"type": "tool_use", "id": f"toolu_mock_{n}", "name": reply["name"],
                        "input": {} if reply["finish_length"] else reply["input"]}]
            stop = "tool_use"
        else:
            content = [{"type": "text", "text": reply["text"]}]
            stop = "end_turn"
        if reply["finish_length"]:
            stop = "max_tokens"
        return {"id": f"msg_mock_{n}", "type": "message", "role": "assistant", "model": model,
                "content": content, "stop_reason": stop, "stop_sequence": None,
                "usage": {"input_tokens": pt, "output_tokens": ct}}

    def sse_events(self, kind, model, rid, reply, body):
        """List of SSE event byte strings: (preamble, content events, finale)."""
        n = rid.rsplit("_", 1)[1]
        pt, ct = reply["prompt_tokens"], reply["completion_tokens"]
        if kind == "openai":
            cid, created = f"chatcmpl-mock-{n}", int(time.time())
            so = body.get("stream_options") if isinstance(body.get("stream_options"), dict) else {}
            usage_on = bool(so.get("include_usage"))

            def chunk(delta, finish=None):
                c = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                     "system_fingerprint": "fp_mock",
                     "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
                if usage_on:
                    c["usage"] = None
                return b"data: " + dumps(c) + b"\n\n"
            if reply["mode"] == "tool":
                pre = [chunk({"role": "assistant", "content": None, "tool_calls": [
                    {"index": 0, "id": f"call_mock_{n}", "type": "function",
                     "function": {"name": reply["name"], "arguments": ""}}]})]
                mid = [chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]})
                       for p in json_chunks(reply["args"])]
                finish = "stop" if reply.get("named") else "tool_calls"
            else:
                pre = [chunk({"role": "assistant", "content": "", "refusal": None})]
                parts = json_chunks(reply["text"]) if reply["mode"] == "json" else text_chunks(reply["text"])
                mid = [chunk({"content": p}) for p in parts]
                finish = "stop"
            if reply["finish_length"]:
                finish = "length"
            fin = [chunk({}, finish)]
            if usage_on:
                fin.append(b"data: " + dumps({"id": cid, "object": "chat.completion.chunk", "created": created,
                                              "model": model, "system_fingerprint": "fp_mock", "choices": [],
                                              "usage": {"prompt_tokens": pt, "completion_tokens": ct,
                                                        "total_tokens": pt + ct}}) + b"\n\n")
            fin.append(b"data: [DONE]\n\n")
            return pre, mid, fin

        def ev(name, obj):
            return b"event: " + name.encode() + b"\ndata: " + dumps(obj) + b"\n\n"
        pre = [ev("message_start", {"type": "message_start", "message": {
            "id": f"msg_mock_{n}", "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": pt, "output_tokens": 1}}})]
        if reply["mode"] == "tool":
            pre.append(ev("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {
                "type": "tool_use", "id": f"toolu_mock_{n}", "name": reply["name"], "input": {}}}))
            mid = [ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                              "delta": {"type": "input_json_delta", "partial_json": p}})
                   for p in json_chunks(reply["args"])]
            stop = "tool_use"
        else:
            pre.append(ev("content_block_start", {"type": "content_block_start", "index": 0,
                                                  "content_block": {"type": "text", "text": ""}}))
            pre.append(ev("ping", {"type": "ping"}))
            parts = json_chunks(reply["text"]) if reply["mode"] == "json" else text_chunks(reply["text"])
            mid = [ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                              "delta": {"type": "text_delta", "text": p}}) for p in parts]
            stop = "end_turn"
        if reply["finish_length"]:
            stop = "max_tokens"
        fin = [ev("content_block_stop", {"type": "content_block_stop", "index": 0}),
               ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                    "usage": {"output_tokens": ct}}),
               ev("message_stop", {"type": "message_stop"})]
        return pre, mid, fin

    async def stream(self, conn, resp, kind, body, reply, knobs, entry):
        model = body.get("model") or self.model
        pre, mid, fin = self.sse_events(kind, model, resp.rid, reply, body)
        if knobs["malformed"]:
            mid.insert(len(mid) // 2, b"data: {\"choices\": [{\"delta\": {\"content\": \"bro\n\n")
        cut = knobs["truncate_stream"] or knobs["stall_stream"]
        if cut:
            mid = mid[: max(1, len(mid) // 2)]
            fin = []
        gap = knobs["chunk_gap_ms"] / 1000.0

        def c(data):
            return f"{len(data):x}\r\n".encode() + data + b"\r\n"
        head = resp.head(200, "text/event-stream; charset=utf-8", chunked=True)
        if gap <= 0:
            conn.write(head + c(b"".join(pre + mid + fin)) + (b"" if cut else b"0\r\n\r\n"))
        else:
            conn.write(head + c(b"".join(pre + mid[:1])))
            for ev in mid[1:]:
                await conn.drain()
                if not await conn.wait(gap):
                    return False
                conn.write(c(ev))
            if fin:
                conn.write(c(b"".join(fin)) + b"0\r\n\r\n")
        if knobs["stall_stream"]:
            entry["stalled"] = True
            await conn.wait(float("inf"))
            return False
        if knobs["truncate_stream"]:
            entry["truncated"] = True
            entry["complete"] = True
            conn.transport.close()
            return False
        entry["complete"] = True
        return True


# ---------------------------------------------------------------------------
# main

def raise_nofile():
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = hard if hard != resource.RLIM_INFINITY else 65536
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ImportError, ValueError, OSError):
        pass


def build_arg_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Knobs (also X-Mock header keys and /_mock/config keys):\n" +
                                "\n".join(f"  {k:16} {v[2]} (default {v[1]!r})" for k, v in KNOBS.items()))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--backlog", type=int, default=2048)
    p.add_argument("--model", default="mock-model", help="model id listed by /v1/models")
    p.add_argument("--log-max", type=int, default=10000, help="keep at most this many request log entries")
    p.add_argument("--verbose", action="store_true", help="one stderr line per request")
    p.add_argument("--exit-with-stdin", action="store_true",
                   help="stop when stdin reaches EOF (lets a parent that dies without cleaning up take us with it)")
    for k, (conv, default, helptext) in KNOBS.items():
        flag = "--" + k.replace("_", "-")
        if conv is _bool:
            p.add_argument(flag, dest=k, action="store_true", help=helptext)
        else:
            p.add_argument(flag, dest=k, default=None, help=helptext)
    return p


async def amain(args):
    config = {}
    for k in KNOBS:
        v = getattr(args, k)
        config[k] = coerce_knob(k, v) if v not in (None, False) else KNOB_DEFAULTS[k]
    mock = MockServer(config, log_max=args.log_max, verbose=args.verbose, model=args.model)
    loop = asyncio.get_running_loop()
    mock.loop = loop
    server = await loop.create_server(lambda: Conn(mock), args.host, args.port, backlog=args.backlog,
                                      reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    active = {k: v for k, v in config.items() if v != KNOB_DEFAULTS[k]}
    print(f"mock_llm: listening on http://{args.host}:{port} config={json.dumps(active)}", file=sys.stderr)
    stop = loop.create_future()
    if args.exit_with_stdin:
        # The parent holds our stdin open; when it exits (even without stopping us), we see EOF and stop.
        def watch_stdin():
            sys.stdin.buffer.read()
            loop.call_soon_threadsafe(lambda: stop.done() or stop.set_result(None))
        threading.Thread(target=watch_stdin, daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        except (NotImplementedError, RuntimeError):
            pass
    await stop
    server.close()
    for c in list(mock.conns):
        if c.transport:
            c.transport.abort()
    print(f"mock_llm: stopped; stats={json.dumps(mock.stats())}", file=sys.stderr)


def main(argv=None):
    args = build_arg_parser().parse_args(argv)
    try:
        for k in KNOBS:
            v = getattr(args, k)
            if v not in (None, False):
                coerce_knob(k, v)
    except ValueError as e:
        print(f"mock_llm: {e}", file=sys.stderr)
        return 2
    raise_nofile()
    asyncio.run(amain(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
