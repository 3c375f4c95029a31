"""Tests for scripts/mock_llm.py. Run: python3 -m pytest -q scripts/test_mock_llm.py

Starts the mock on port 0 once per module, resets it before each test, and
checks each knob with urllib. Synchronisation uses the mock's own
/_mock/wait endpoint, never sleeps.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mock_llm  # noqa: E402

try:
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None


def start_mock(*args):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "mock_llm.py"), "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    port = json.loads(line)["port"]
    return proc, f"http://127.0.0.1:{port}", port


def stop_mock(proc):
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


@pytest.fixture(scope="module")
def server():
    proc, base, port = start_mock()
    yield base, port
    err = stop_mock(proc)
    assert "Traceback" not in err, err


@pytest.fixture
def base(server):
    b, _ = server
    post(b, "/_mock/reset", {"config": True})
    return b


def req(base, path, body=None, headers=None, method=None, timeout=10):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    r = urllib.request.Request(base + path, data=data, method=method or ("POST" if data is not None else "GET"))
    r.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        r.add_header(k, v)
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def post(base, path, body, headers=None, **kw):
    return req(base, path, body, headers, **kw)


def jpost(base, path, body, headers=None, **kw):
    st, h, raw = post(base, path, body, headers, **kw)
    return st, {k.lower(): v for k, v in h.items()}, json.loads(raw)


def chat(text="Hello there, tell me about the weather on Mars", **extra):
    return {"model": "gpt-test", "messages": [{"role": "system", "content": "be brief"},
                                              {"role": "user", "content": text}], **extra}


def amsg(text="Hello there", **extra):
    return {"model": "claude-test", "max_tokens": 256, "messages": [{"role": "user", "content": text}], **extra}


def sse(raw):
    """Parse SSE bytes -> list of (event, data-str)."""
    out = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        ev, data = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                ev = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        out.append((ev, "\n".join(data)))
    return out


def validate(instance, schema):
    if jsonschema is not None:
        jsonschema.validate(instance, schema)
    else:  # minimal structural check
        if schema.get("type") == "object":
            assert isinstance(instance, dict)
            for k in schema.get("required", []):
                assert k in instance


PLAN_SCHEMA = {
    "type": "object",
    "properties": {
        "subtasks": {"type": "array", "minItems": 3, "maxItems": 5, "items": {
            "type": "object",
            "properties": {"name": {"type": "string", "maxLength": 8}, "description": {"type": "string", "minLength": 20},
                           "priority": {"type": "integer", "minimum": 3}, "weight": {"type": "number", "exclusiveMinimum": 0},
                           "kind": {"enum": ["research", "write"]}, "done": {"type": "boolean"}},
            "required": ["name", "description", "priority", "weight", "kind", "done"],
            "additionalProperties": False}},
        "notes": {"type": ["string", "null"]},
    },
    "required": ["subtasks", "notes"],
    "additionalProperties": False,
}


# ---------------------------------------------------------------------------
# schema generator (in-process)

@pytest.mark.parametrize("schema", [
    PLAN_SCHEMA,
    {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}, "uniqueItems": True},
    {"type": "array", "minItems": 4, "items": {"type": "integer"}},
    {"type": "array", "maxItems": 1, "items": {"type": "integer"}},
    {"type": "string", "format": "date-time"},
    {"type": "integer", "exclusiveMinimum": 5, "multipleOf": 4},
    {"type": "number", "maximum": -3},
    {"anyOf": [{"type": "null"}, {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}]},
    {"$defs": {"Step": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}},
     "type": "object", "properties": {"steps": {"type": "array", "items": {"$ref": "#/$defs/Step"}}}, "required": ["steps"]},
    {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
               {"properties": {"b": {"const": 7}}, "required": ["b"]}]},
    {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "boolean"}}},  # no `required`: all included
])
def test_schema_instances_validate(schema):
    inst = mock_llm.instance_for(schema)
    validate(inst, schema)


def test_schema_array_defaults_to_two_items():
    assert len(mock_llm.instance_for({"type": "array", "items": {"type": "string"}})) == 2


# ---------------------------------------------------------------------------
# OpenAI path

def test_chat_json(base):
    st, h, body = jpost(base, "/v1/chat/completions", chat())
    assert st == 200 and h["x-request-id"].startswith("req_mock_")
    assert body["object"] == "chat.completion" and body["model"] == "gpt-test"
    ch = body["choices"][0]
    assert ch["finish_reason"] == "stop" and ch["message"]["role"] == "assistant"
    assert ch["message"]["content"] == "echo: Hello there, tell me about the weather o"
    u = body["usage"]
    assert u["prompt_tokens"] > 0 and u["completion_tokens"] > 0
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]


def test_chat_without_v1_prefix_and_models(base):
    st, _, body = jpost(base, "/chat/completions", chat())
    assert st == 200
    st, _, raw = req(base, "/v1/models")
    assert st == 200 and json.loads(raw)["data"][0]["id"] == "mock-model"
    st, _, raw = req(base, "/v1/models", headers={"anthropic-version": "2023-06-01"})
    assert json.loads(raw)["data"][0]["type"] == "model"


def test_chat_stream_with_usage(base):
    st, h, raw = post(base, "/v1/chat/completions", chat(stream=True, stream_options={"include_usage": True}))
    assert st == 200 and h["Content-Type"].startswith("text/event-stream") and "x-request-id" in h
    events = sse(raw)
    assert events[-1][1] == "[DONE]"
    chunks = [json.loads(d) for _, d in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "echo: Hello there, tell me about the weather o"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_chat_stream_without_usage(base):
    _, _, raw = post(base, "/v1/chat/completions", chat(stream=True))
    chunks = [json.loads(d) for _, d in sse(raw)[:-1]]
    assert all(c["choices"] and "usage" not in c for c in chunks)


def test_chat_json_schema(base):
    rf = {"type": "json_schema", "json_schema": {"name": "plan", "strict": True, "schema": PLAN_SCHEMA}}
    st, _, body = jpost(base, "/v1/chat/completions", chat(response_format=rf))
    inst = json.loads(body["choices"][0]["message"]["content"])
    validate(inst, PLAN_SCHEMA)
    assert len(inst["subtasks"]) == 3
    # streamed JSON reassembles to the same document
    _, _, raw = post(base, "/v1/chat/completions", chat(response_format=rf, stream=True))
    text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or "" for _, d in sse(raw)[:-1])
    assert json.loads(text) == inst


def test_chat_forced_tool(base):
    tools = [{"type": "function", "function": {"name": "plan", "parameters": PLAN_SCHEMA}}]
    st, _, body = jpost(base, "/v1/chat/completions",
                        chat(tools=tools, tool_choice={"type": "function", "function": {"name": "plan"}}))
    call = body["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "plan"
    validate(json.loads(call["function"]["arguments"]), PLAN_SCHEMA)
    st, _, body = jpost(base, "/v1/chat/completions", chat(tools=tools, tool_choice="required"))
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    _, _, raw = post(base, "/v1/chat/completions", chat(tools=tools, tool_choice="required", stream=True))
    args = "".join(tc["function"].get("arguments", "") for _, d in sse(raw)[:-1]
                   for tc in json.loads(d)["choices"][0]["delta"].get("tool_calls", []))
    validate(json.loads(args), PLAN_SCHEMA)


# ---------------------------------------------------------------------------
# Anthropic path

def test_messages_json(base):
    st, h, body = jpost(base, "/v1/messages", amsg(system="sys"))
    assert st == 200 and h["x-request-id"] == h["request-id"]
    assert body["type"] == "message" and body["stop_reason"] == "end_turn"
    assert body["content"] == [{"type": "text", "text": "echo: Hello there"}]
    assert body["usage"]["input_tokens"] > 0 and body["usage"]["output_tokens"] > 0


def test_messages_stream_event_order(base):
    st, _, raw = post(base, "/v1/messages", amsg(stream=True))
    events = sse(raw)
    names = [e for e, _ in events]
    assert names[0] == "message_start" and names[1] == "content_block_start"
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    for e, d in events:
        assert json.loads(d)["type"] == e
    text = "".join(json.loads(d)["delta"]["text"] for e, d in events if e == "content_block_delta")
    assert text == "echo: Hello there"
    md = json.loads(events[-2][1])
    assert md["delta"]["stop_reason"] == "end_turn" and md["usage"]["output_tokens"] > 0


def test_messages_forced_tool(base):
    tools = [{"name": "other", "input_schema": {"type": "object"}},
             {"name": "plan", "description": "make a plan", "input_schema": PLAN_SCHEMA}]
    st, _, body = jpost(base, "/v1/messages", amsg(tools=tools, tool_choice={"type": "tool", "name": "plan"}))
    assert st == 200 and body["stop_reason"] == "tool_use"
    block = body["content"][0]
    assert block["type"] == "tool_use" and block["name"] == "plan"
    validate(block["input"], PLAN_SCHEMA)
    _, _, raw = post(base, "/v1/messages", amsg(tools=tools, tool_choice={"type": "tool", "name": "plan"}, stream=True))
    events = sse(raw)
    assert json.loads(events[1][1])["content_block"]["type"] == "tool_use"
    partial = "".join(json.loads(d)["delta"]["partial_json"] for e, d in events if e == "content_block_delta")
    assert json.loads(partial) == block["input"]
    st, _, body = jpost(base, "/v1/messages", amsg(tools=tools, tool_choice={"type": "tool", "name": "nope"}))
    assert st == 400 and body["type"] == "error"


def test_messages_requires_max_tokens(base):
    b = amsg()
    del b["max_tokens"]
    st, _, body = jpost(base, "/v1/messages", b)
    assert st == 400 and body["error"]["type"] == "invalid_request_error"


# ---------------------------------------------------------------------------
# knobs

def test_latency(base):
    t = time.monotonic()
    st, _, _ = post(base, "/v1/chat/completions", chat(), {"X-Mock": "latency_ms=80"})
    assert st == 200 and time.monotonic() - t >= 0.08


def test_ttft_and_chunk_gap(base):
    t = time.monotonic()
    conn = http.client.HTTPConnection(base.split("//")[1], timeout=5)
    conn.request("POST", "/v1/chat/completions", json.dumps(chat("a b c d", stream=True)),
                 {"X-Mock": "ttft_ms=60;chunk_gap_ms=20", "Content-Type": "application/json"})
    r = conn.getresponse()
    first = time.monotonic() - t
    raw = r.read()
    total = time.monotonic() - t
    conn.close()
    n_content = sum(1 for _, d in sse(raw)[:-1] if json.loads(d)["choices"][0]["delta"].get("content"))
    assert first >= 0.06
    assert total >= 0.06 + 0.02 * (n_content - 1)


@pytest.mark.parametrize("status", [400, 401, 500, 503, 529])
def test_forced_status_shapes(base, status):
    st, h, body = jpost(base, "/v1/chat/completions", chat(), {"X-Mock": f"status={status}"})
    assert st == status and set(body["error"]) >= {"message", "type", "code"} and "x-request-id" in h
    st, _, body = jpost(base, "/v1/messages", amsg(), {"X-Mock": f"status={status}"})
    assert st == status and body["type"] == "error" and set(body["error"]) == {"type", "message"}
    if status == 401:
        assert body["error"]["type"] == "authentication_error"


def test_error_rate_is_seeded(base):
    post(base, "/_mock/config", {"error_rate": 0.5, "seed": 7})
    first = [post(base, "/v1/chat/completions", chat())[0] for _ in range(12)]
    post(base, "/_mock/reset", {})
    second = [post(base, "/v1/chat/completions", chat())[0] for _ in range(12)]
    assert first == second and set(first) == {200, 500}


def test_rpm_429_openai(base):
    post(base, "/_mock/config", {"rpm": 120})  # 2/s, burst 2
    res = [jpost(base, "/v1/chat/completions", chat()) for _ in range(3)]
    assert [r[0] for r in res] == [200, 200, 429]
    st, h, body = res[2]
    assert int(h["retry-after"]) == 1 and 0 < int(h["retry-after-ms"]) <= 1000
    assert h["x-ratelimit-limit-requests"] == "120" and h["x-ratelimit-remaining-requests"] == "0"
    assert h["x-ratelimit-reset-requests"].endswith("ms") or h["x-ratelimit-reset-requests"].endswith("s")
    assert body["error"]["code"] == "rate_limit_exceeded"
    assert res[0][1]["x-ratelimit-remaining-requests"] == "1"  # headers on success too


def test_tpm_429_and_anthropic_headers(base):
    st, h, _ = jpost(base, "/v1/messages", amsg("x" * 400), {"X-Mock": "tpm=6000"})  # 100 tokens/s burst
    assert st == 200 and h["anthropic-ratelimit-tokens-limit"] == "6000"
    st, h, body = jpost(base, "/v1/messages", amsg("x" * 400), {"X-Mock": "tpm=6000"})
    assert st == 429 and body["error"]["type"] == "rate_limit_error"
    assert int(h["retry-after"]) >= 1 and h["anthropic-ratelimit-tokens-reset"].endswith("Z")
    st, h, _ = jpost(base, "/v1/messages", amsg(), {"X-Mock": "rpm=60"})
    assert h["anthropic-ratelimit-requests-remaining"] == "0"


def test_hang_records_disconnect(base):
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        post(base, "/v1/chat/completions", chat(), {"X-Mock": "hang"}, timeout=0.2)
    st, _, _ = req(base, "/_mock/wait?disconnects=1&timeout=5")
    assert st == 200
    log = json.loads(req(base, "/_mock/log")[2])
    assert log[-1]["client_disconnected"] is True and log[-1]["status"] is None


def test_malformed(base):
    st, h, raw = post(base, "/v1/chat/completions", chat(), {"X-Mock": "malformed=1"})
    assert st == 200
    with pytest.raises(ValueError):
        json.loads(raw)
    _, _, raw = post(base, "/v1/chat/completions", chat(stream=True), {"X-Mock": "malformed=1"})
    with pytest.raises(ValueError):
        for _, d in sse(raw)[:-1]:
            json.loads(d)


def test_truncate_stream(base):
    conn = http.client.HTTPConnection(base.split("//")[1], timeout=5)
    conn.request("POST", "/v1/messages", json.dumps(amsg("one two three four five six", stream=True)),
                 {"X-Mock": "truncate_stream=true"})
    r = conn.getresponse()
    assert r.status == 200
    with pytest.raises(http.client.IncompleteRead) as ei:
        r.read()
    names = [e for e, _ in sse(ei.value.partial)]
    assert "message_start" in names and "content_block_delta" in names and "message_stop" not in names
    _, _, raw_log = req(base, "/_mock/log")
    assert json.loads(raw_log)[-1]["truncated"] is True


def test_stall_stream(base):
    conn = http.client.HTTPConnection(base.split("//")[1], timeout=0.3)
    conn.request("POST", "/v1/chat/completions", json.dumps(chat(stream=True)), {"X-Mock": "stall_stream"})
    r = conn.getresponse()
    assert r.status == 200
    with pytest.raises((socket.timeout, TimeoutError)):
        r.read()
    conn.close()
    assert req(base, "/_mock/wait?disconnects=1&timeout=5")[0] == 200


def test_finish_length(base):
    rf = {"type": "json_schema", "json_schema": {"name": "p", "schema": PLAN_SCHEMA}}
    st, _, body = jpost(base, "/v1/chat/completions", chat(response_format=rf), {"X-Mock": "finish_length=1"})
    assert body["choices"][0]["finish_reason"] == "length"
    with pytest.raises(ValueError):
        json.loads(body["choices"][0]["message"]["content"])
    st, _, body = jpost(base, "/v1/messages", amsg(), {"X-Mock": "finish_length=1"})
    assert body["stop_reason"] == "max_tokens"
    _, _, raw = post(base, "/v1/messages", amsg(stream=True), {"X-Mock": "finish_length=1"})
    assert json.loads(sse(raw)[-2][1])["delta"]["stop_reason"] == "max_tokens"


def test_fail_first_n(base):
    post(base, "/_mock/config", {"fail_first_n": 2})
    codes = [post(base, "/v1/chat/completions", chat())[0] for _ in range(4)]
    assert codes == [500, 500, 200, 200]


def test_gate_and_release(base):
    post(base, "/_mock/config", {"gate": True})
    results = []
    threads = [threading.Thread(target=lambda: results.append(post(base, "/v1/chat/completions", chat())[0]))
               for _ in range(3)]
    for t in threads:
        t.start()
    assert req(base, "/_mock/wait?gated=3&timeout=5")[0] == 200
    stats = json.loads(req(base, "/_mock/stats")[2])
    assert stats["in_flight"] == 3 and stats["gated"] == 3 and results == []
    _, _, raw = post(base, "/_mock/release", {"count": 1})
    assert json.loads(raw) == {"released": 1, "still_gated": 2}
    assert req(base, "/_mock/wait?served=1&timeout=5")[0] == 200
    post(base, "/_mock/release", {})
    for t in threads:
        t.join(5)
    assert results == [200, 200, 200]
    stats = json.loads(req(base, "/_mock/stats")[2])
    assert stats["max_in_flight"] == 3 and stats["by_status"] == {"200": 3} and stats["in_flight"] == 0


def test_header_overrides_config(base):
    post(base, "/_mock/config", {"status": 503})
    assert post(base, "/v1/chat/completions", chat())[0] == 503
    assert post(base, "/v1/chat/completions", chat(), {"X-Mock": "status=null"})[0] == 200
    _, _, raw = req(base, "/_mock/config")
    assert json.loads(raw)["status"] == 503
    post(base, "/_mock/config", {"status": None})
    assert post(base, "/v1/chat/completions", chat())[0] == 200


def test_bad_knobs_rejected(base):
    st, _, body = jpost(base, "/v1/chat/completions", chat(), {"X-Mock": "latency_ms=abc"})
    assert st == 400 and "latency_ms" in body["error"]["message"]
    st, _, raw = post(base, "/_mock/config", {"nope": 1})
    assert st == 400


def test_log_redacts_credentials(base):
    post(base, "/v1/chat/completions", chat(), {"Authorization": "Bearer sk-secret"})
    post(base, "/v1/messages", amsg(), {"x-api-key": "sk-ant-secret"})
    raw = req(base, "/_mock/log")[2]
    assert b"secret" not in raw
    log = json.loads(raw)
    assert log[0]["headers"]["authorization"] == "REDACTED" and log[1]["headers"]["x-api-key"] == "REDACTED"
    assert log[0]["body"]["messages"][1]["content"].startswith("Hello") and log[0]["status"] == 200
    assert json.loads(req(base, f"/_mock/log?since={log[0]['id']}")[2])[0]["id"] == log[1]["id"]


def test_bad_requests_get_400(base):
    st, _, body = jpost(base, "/v1/chat/completions", b"{not json")
    assert st == 400 and body["error"]["type"] == "invalid_request_error"
    st, _, body = jpost(base, "/v1/messages", b"[1,2]")
    assert st == 400 and body["type"] == "error"
    st, _, body = jpost(base, "/v1/chat/completions", {"model": "x"})
    assert st == 400
    st, _, body = jpost(base, "/v1/chat/completions", {"messages": ["not an object"]})
    assert st == 400
    assert req(base, "/v1/nope")[0] == 404
    assert req(base, "/v1/chat/completions")[0] == 405


def raw_exchange(port, data, read=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    out = b""
    if read:
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                if b"content-length:" in head.lower():
                    n = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                    if len(rest) >= n:
                        break
    s.close()
    return out


def test_garbage_and_disconnects_do_not_crash(server, base):
    _, port = server
    assert raw_exchange(port, b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw_exchange(port, b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: zz\r\n\r\n").startswith(b"HTTP/1.1 400")
    body = json.dumps(chat()).encode()
    # client leaves during the latency
    raw_exchange(port, b"POST /v1/chat/completions HTTP/1.1\r\nX-Mock: latency_ms=300\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\n\r\n" + body, read=False)
    assert req(base, "/_mock/wait?disconnects=1&timeout=5")[0] == 200
    # half a body, then gone
    raw_exchange(port, b"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 999\r\n\r\n{", read=False)
    assert post(base, "/v1/chat/completions", chat())[0] == 200


def test_chunked_body_expect_continue_and_keepalive(server, base):
    _, port = server
    body = json.dumps(chat("chunked")).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    assert s.recv(100).startswith(b"HTTP/1.1 100 Continue")
    s.sendall(f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    data = b""
    while b"echo: chunked" not in data:
        data += s.recv(65536)
    s.close()
    assert data.startswith(b"HTTP/1.1 200")
    # several requests on one keep-alive connection
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for i in range(3):
        conn.request("POST", "/v1/chat/completions", json.dumps(chat(f"n{i}")))
        r = conn.getresponse()
        assert json.loads(r.read())["choices"][0]["message"]["content"] == f"echo: n{i}"
    conn.close()
    assert json.loads(req(base, "/_mock/stats")[2])["served"] == 4


def test_cli_flags():
    proc, base, _ = start_mock("--latency-ms", "30", "--status", "502", "--rpm", "6000", "--model", "m2")
    try:
        t = time.monotonic()
        st, h, _ = post(base, "/v1/chat/completions", chat())
        assert st == 502 and time.monotonic() - t >= 0.03 and h["x-ratelimit-limit-requests"] == "6000"
        assert json.loads(req(base, "/v1/models")[2])["data"][0]["id"] == "m2"
    finally:
        err = stop_mock(proc)
    assert "stopped" in err and "Traceback" not in err


def test_array_items_knob(base):
    schema = {"type": "object", "properties": {"subtasks": {"type": "array", "items": {
        "type": "object", "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
        "required": ["name", "tags"]}}}, "required": ["subtasks"]}
    rf = {"type": "json_schema", "json_schema": {"name": "p", "schema": schema}}
    _, _, body = jpost(base, "/v1/chat/completions", chat(response_format=rf), {"X-Mock": "array_items=1000"})
    inst = json.loads(body["choices"][0]["message"]["content"])
    validate(inst, schema)
    assert len(inst["subtasks"]) == 1000 and len(inst["subtasks"][0]["tags"]) == 2
    assert len({s["name"] for s in inst["subtasks"]}) == 1000
    rf = {"type": "json_schema", "json_schema": {"name": "p", "schema": PLAN_SCHEMA}}
    _, _, body = jpost(base, "/v1/chat/completions", chat(response_format=rf), {"X-Mock": "array_items=9"})
    assert len(json.loads(body["choices"][0]["message"]["content"])["subtasks"]) == 5  # maxItems wins
