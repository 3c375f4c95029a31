#!/usr/bin/env python3
"""Captures protocol/examples/ from the real binary talking to the project's mock LLM server.

    swift build --product baton && python3 scripts/capture_protocol_examples.py [--binary PATH]

Every example file is a literal exchange: the client's `request`, Baton's `response`, the
`notifications` Baton sent about that request in between, `serverRequests` Baton made meanwhile
(with the client's answers), and `related` messages of the same session that give the exchange its
context (e.g. the `run` whose id a `cancel` names). A file about a client notification (a cancel)
has `notification` instead of `request`. Values (ids, timings, tokens) are whatever this run
produced; re-capturing rewrites them. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "protocol" / "examples"
MOCK_PORT = 18089

JSON = Dict[str, Any]


class Mock:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(REPO / "scripts" / "mock_llm.py"), "--port", str(MOCK_PORT)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        self.port = json.loads(self.proc.stdout.readline())["port"]
        self.url = f"http://127.0.0.1:{self.port}"

    def control(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read())

    def configure(self, **knobs: Any) -> None:
        self.control("/_mock/config", knobs)

    def reset(self) -> None:
        self.control("/_mock/reset", {"config": True})

    def wait(self, **stats: int) -> None:
        query = "&".join(f"{k}={v}" for k, v in stats.items())
        self.control(f"/_mock/wait?{query}&timeout=20")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


class Session:
    """One `baton serve` process, NDJSON framing; every message both ways is kept in order."""

    def __init__(self, binary: str, config: Path, state: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and not k.startswith("BATON_")
               and k != "AWS_BEARER_TOKEN_BEDROCK"}
        self.proc = subprocess.Popen(
            [binary, "serve", "--config", str(config), "--state-dir", str(state), "--log-level", "off"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.inbox: "queue.Queue[Optional[JSON]]" = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.inbox.put(json.loads(line))
        self.inbox.put(None)

    def send(self, message: Any) -> None:
        self.send_text(json.dumps(message, ensure_ascii=False))

    def send_text(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def next(self, timeout: float = 30) -> Any:
        message = self.inbox.get(timeout=timeout)
        if message is None:
            raise EOFError("baton closed its stdout")
        return message

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=30)


class Exchange:
    """What came back for one request: its response, the notifications and server requests meanwhile."""

    def __init__(self) -> None:
        self.response: Optional[JSON] = None
        self.notifications: List[JSON] = []
        self.server_requests: List[JSON] = []
        self.other: List[JSON] = []


def pump(session: Session, until: Callable[[Any], bool], *, answer: Optional[Callable[[JSON], Any]] = None,
         seen: Optional[List[Any]] = None) -> List[Any]:
    """Reads messages until `until(message)` holds; answers server requests with `answer`."""
    seen = [] if seen is None else seen
    while True:
        message = session.next()
        if isinstance(message, dict) and "method" in message and "id" in message:
            reply = {"jsonrpc": "2.0", "id": message["id"], "result": answer(message) if answer else None}
            seen.append(message)
            session.send(reply)
            seen.append({"__client__": reply})
            if until(message):
                return seen
            continue
        seen.append(message)
        if until(message):
            return seen


def request(session: Session, rid: Any, method: Optional[str], params: Any = None, *,
            answer: Optional[Callable[[JSON], Any]] = None, raw: Optional[JSON] = None) -> Exchange:
    message = raw if raw is not None else {"jsonrpc": "2.0", "id": rid, "method": method}
    if raw is None and params is not None:
        message["params"] = params
    session.send(message)
    seen = pump(session, lambda m: isinstance(m, dict) and m.get("id") == rid and "method" not in m, answer=answer)
    return split(seen, rid)


def split(seen: List[Any], rid: Any) -> Exchange:
    out = Exchange()
    pending_server: Optional[JSON] = None
    for message in seen:
        if isinstance(message, dict) and "__client__" in message:
            assert pending_server is not None
            out.server_requests.append({"request": pending_server, "response": message["__client__"]})
            pending_server = None
        elif isinstance(message, dict) and "method" in message and "id" in message:
            pending_server = message
        elif isinstance(message, dict) and "method" in message:
            out.notifications.append(message)
        elif isinstance(message, dict) and message.get("id") == rid:
            out.response = message
        else:
            out.other.append(message)
    return out


WRITTEN: List[Path] = []
sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol_schema  # noqa: E402

SCHEMA = protocol_schema.load_schema()
ENVELOPE = ["jsonrpc", "id", "method", "params", "result", "error"]


def by_schema(value: Any, schema: Any) -> Any:
    """`value` with its members in the order `schema` lists them (Baton writes them in no set order)."""
    if not isinstance(schema, dict):
        return value
    if "$ref" in schema:
        return by_schema(value, protocol_schema.resolve(SCHEMA, schema["$ref"]))
    for key in ("oneOf", "anyOf"):
        if key in schema:
            branch = next((b for b in schema[key] if not protocol_schema.validate(value, b, SCHEMA)), None)
            return by_schema(value, branch) if branch is not None else value
    if isinstance(value, list) and "items" in schema:
        return [by_schema(v, schema["items"]) for v in value]
    if isinstance(value, dict) and "properties" in schema:
        names = list(schema["properties"])
        keys = sorted(value, key=lambda k: names.index(k) if k in names else len(names))
        return {k: by_schema(value[k], schema["properties"].get(k)) for k in keys}
    return value


def ordered(message: Any, method: Optional[str] = None, server_request: bool = False) -> Any:
    """A message in schema order; `method`: the request a response answers."""
    if isinstance(message, list):
        return [ordered(m) for m in message]
    if not isinstance(message, dict):
        return message
    out = {k: message[k] for k in sorted(message, key=lambda k: ENVELOPE.index(k) if k in ENVELOPE else 99)}
    name = out.get("method", method)
    if "params" in out:
        spec = (SCHEMA["serverRequests"] if "id" in out and name in SCHEMA["serverRequests"] else
                SCHEMA["methods"] if "id" in out else SCHEMA["notifications"]).get(name)
        if spec:
            out["params"] = by_schema(out["params"], spec["params"])
    if "result" in out:
        spec = (SCHEMA["serverRequests"] if server_request else SCHEMA["methods"]).get(name)
        if spec:
            out["result"] = by_schema(out["result"], spec["result"])
    if "error" in out:
        out["error"] = by_schema(out["error"], {"$ref": "#/$defs/ErrorObject"})
    return out


def order_parts(parts: Dict[str, Any]) -> Dict[str, Any]:
    asked: Dict[str, str] = {}
    for key in ("request",):
        if isinstance(parts.get(key), dict) and "id" in parts[key]:
            asked[json.dumps(parts[key]["id"])] = parts[key]["method"]
    for item in parts.get("related") or []:
        m = item["message"]
        if item["from"] == "client" and isinstance(m, dict) and "method" in m and "id" in m:
            asked[json.dumps(m["id"])] = m["method"]
    out: Dict[str, Any] = {}
    for key, value in parts.items():
        if value is None or key == "requestText":
            out[key] = value
        elif key in ("request", "notification"):
            out[key] = ordered(value)
        elif key == "response":
            out[key] = ordered(value, asked.get(json.dumps(value.get("id"))) if isinstance(value, dict) else None)
        elif key == "notifications":
            out[key] = [ordered(v) for v in value]
        elif key == "serverRequests":
            out[key] = [{"request": ordered(x["request"]),
                         "response": ordered(x["response"], x["request"]["method"], server_request=True)}
                        for x in value]
        elif key == "related":
            out[key] = [{"from": x["from"], "message": ordered(
                x["message"], asked.get(json.dumps(x["message"].get("id"))) if isinstance(x["message"], dict)
                and "method" not in x["message"] else None)} for x in value]
        else:
            out[key] = value
    return out


def add_related(path: str, items: List[JSON]) -> None:
    target = EXAMPLES / f"{path}.json"
    body = json.loads(target.read_text())
    body["related"] = body.get("related", []) + items
    target.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def write(path: str, description: str, **parts: Any) -> None:
    body: JSON = {"description": description}
    parts = order_parts(parts)
    for key in ("request", "notification", "requestText", "notifications", "serverRequests", "response", "related"):
        value = parts.get(key)
        if value is not None and value != []:
            body[key] = value
    target = EXAMPLES / f"{path}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    WRITTEN.append(target)


def req(rid: Any, method: str, params: Any = None) -> JSON:
    message: JSON = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        message["params"] = params
    return message


def example(session: Session, path: str, description: str, rid: Any, method: str, params: Any = None,
            answer: Optional[Callable[[JSON], Any]] = None, related: Optional[List[JSON]] = None) -> Exchange:
    message = req(rid, method, params)
    got = request(session, rid, method, raw=message, answer=answer)
    write(path, description, request=message, notifications=got.notifications, serverRequests=got.server_requests,
          response=got.response, related=related)
    return got


INIT_PARAMS = {"processId": None, "clientInfo": {"name": "capture_protocol_examples", "version": "1.0"},
               "capabilities": {}}


def initialized(binary: str, config: Path, state: Path) -> Session:
    session = Session(binary, config, state)
    got = request(session, 0, "initialize", INIT_PARAMS)
    assert got.response and "result" in got.response, got.response
    session.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    return session


def capture(binary: str, mock: Mock, work: Path) -> None:
    state = work / "state"
    config = work / "baton.json"
    config.write_text(json.dumps({
        "defaultModel": "mock:mock-model",
        "providers": {"mock": {"kind": "openai", "baseURL": mock.url + "/v1", "models": ["mock-model"]}},
        "prices": {"mock:mock-model": {"inputPerMTok": 0.15, "outputPerMTok": 0.6}},
        "orchestration": {"retry": {"maxAttempts": 3, "baseDelaySeconds": 0.2, "maxDelaySeconds": 1}},
    }))

    # --- lifecycle -------------------------------------------------------------------------------
    s = Session(binary, config, state)
    example(s, "baton/status/not-initialized", "Every request before initialize gets -32002.", 7, "baton/status")
    example(s, "initialize/invalid-process-id",
            "processId must be null, absent or a pid from 1 to 2147483647; the session is not started.",
            1, "initialize", {"processId": -5})
    example(s, "initialize/basic", "The first request. processId (here our own pid) is watched; Baton exits when "
            "that process is gone. The result lists every method this build serves.",
            2, "initialize", {"processId": os.getpid(), "clientInfo": {"name": "nvim", "version": "0.10.4"},
                              "capabilities": {}})
    init_note = {"from": "client", "message": {"jsonrpc": "2.0", "method": "initialized", "params": {}}}
    s.send(init_note["message"])
    add_related("initialize/basic", [init_note])
    example(s, "initialize/second-initialize", "initialize may be sent only once.", 3, "initialize", {})
    example(s, "baton/status/basic", "What front ends and tests need to know about the server.", 5, "baton/status")
    example(s, "shutdown/basic", "shutdown answers null; only exit is accepted after it.", 99, "shutdown")
    example(s, "baton/status/after-shutdown", "Any request after shutdown gets -32600.", 100, "baton/status")
    exit_message = {"jsonrpc": "2.0", "method": "exit"}
    s.send(exit_message)
    code = s.proc.wait(timeout=10)
    assert code == 0, code
    write("exit/after-shutdown", "exit after shutdown: the process ends with code 0 (1 without a shutdown first).",
          notification=exit_message,
          related=[{"from": "client", "message": req(99, "shutdown")},
                   {"from": "server", "message": {"jsonrpc": "2.0", "id": 99, "result": None}}])

    # --- connection-level errors -----------------------------------------------------------------
    s = initialized(binary, config, state)
    example(s, "_connection/method-not-found", "An unknown method is -32601, naming it.", 8, "no/such")
    bad = {"id": 9, "method": "baton/status"}
    got = request(s, 9, None, raw=bad)
    write("_connection/not-json-rpc-2", "A message without \"jsonrpc\": \"2.0\" is -32600.", request=bad,
          response=got.response)
    text = '{"jsonrpc":"2.0","id":10,"method":"baton/status",'
    s.send_text(text)
    seen = pump(s, lambda m: isinstance(m, dict) and "error" in m)
    write("_connection/parse-error", "A frame that is not JSON is -32700 with id null.", requestText=text,
          response=seen[-1])
    s.send_text("[]")
    seen = pump(s, lambda m: isinstance(m, dict) and "error" in m)
    write("_connection/empty-batch", "An empty batch gets one -32600 (not an array).", requestText="[]",
          response=seen[-1])
    batch = [req(1, "baton/status"), {"jsonrpc": "2.0", "method": "initialized"}, req("b", "nope")]
    s.send(batch)
    seen = pump(s, lambda m: isinstance(m, list))
    write("_connection/batch", "A batch is answered with one array holding the replies to its requests (in no "
          "guaranteed order); notifications get no entry.", request=batch, response=seen[-1])
    got = request(s, 11, "plan", [1, 2])
    write("_connection/array-params", "Methods with named parameters refuse an array.",
          request=req(11, "plan", [1, 2]), response=got.response)
    s.close()

    # --- models and complete ---------------------------------------------------------------------
    s = initialized(binary, config, state)
    example(s, "models/list/basic", "Every configured provider, whether its key is present (never the key), and its "
            "models.", 6, "models/list")
    example(s, "complete/basic", "One chat call.", 7, "complete",
            {"prompt": "What is the capital of France?", "maxTokens": 30})
    example(s, "complete/stream", "stream: true sends the text as complete/delta notifications before the reply.",
            8, "complete", {"prompt": "List two colors.", "stream": True})
    example(s, "complete/messages-and-schema", "A conversation with a system prompt and an output schema.", 9,
            "complete", {"system": "Answer in JSON.", "messages": [{"role": "user", "content": "Name a colour."}],
                         "schema": {"type": "object", "properties": {"colour": {"type": "string"}},
                                    "required": ["colour"]}, "schemaName": "colour", "temperature": 0.2})
    example(s, "complete/tool-call", "Tools the model may call: Baton never runs them, it returns the calls in toolCalls (this model answered in "
            "text instead, so toolCalls is empty).", 10,
            "complete", {"prompt": "What is the weather in Paris?",
                         "tools": [{"name": "get_weather", "description": "Current weather for a city",
                                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                   "required": ["city"]}}]})
    example(s, "complete/missing-prompt", "complete needs messages or prompt.", 11, "complete", {})
    example(s, "complete/temperature-out-of-range", "Numbers are range-checked before anything runs.", 12,
            "complete", {"prompt": "hi", "temperature": 3})
    example(s, "complete/wrong-type", "A field of the wrong type is -32602 naming it.", 13, "complete",
            {"prompt": "hi", "maxTokens": "many"})
    example(s, "complete/unknown-provider", "An unknown provider is -32602 with data.kind notConfigured.", 14,
            "complete", {"prompt": "hi", "model": "nope:some-model"})
    mock.configure(status=429)
    example(s, "complete/rate-limited", "A failed provider call is 1001 with its classification in data "
            "(complete does not retry).", 15, "complete", {"prompt": "hi"})
    mock.configure(status=401)
    example(s, "complete/authentication", "401/403 from the provider: not retryable.", 16, "complete",
            {"prompt": "hi"})
    mock.reset()
    mock.configure(finish_length=True)
    example(s, "complete/truncated", "With a schema, output cut off by the token limit is an error, never a result.",
            17, "complete", {"prompt": "Name a colour.", "schema": {"type": "object", "properties": {
                "colour": {"type": "string"}}, "required": ["colour"]}})
    example(s, "complete/finish-length", "Without a schema, a cut-off answer is a result with finishReason length.",
            18, "complete", {"prompt": "Tell me a long story.", "maxTokens": 5})
    mock.reset()
    s.close()

    # --- single steps ----------------------------------------------------------------------------
    s = initialized(binary, config, state)
    plan = example(s, "plan/basic", "The planner splits a task into subtasks; the plan is kept by planId.", 1,
                   "plan", {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 2})
    plan_id = plan.response["result"]["planId"]
    s1, s2 = [t["id"] for t in plan.response["result"]["subtasks"]]
    example(s, "plan/subtask-schema", "subtaskSchema: extra typed fields every subtask must carry (here a budget "
            "share); they land in the subtask's params.", 2, "plan",
            {"task": "Plan a team offsite", "minSubtasks": 2, "maxSubtasks": 2, "subtaskSchema": {
                "type": "object", "properties": {"budgetShare": {"type": "number", "minimum": 0, "maximum": 1}},
                "required": ["budgetShare"]}})
    example(s, "plan/max-subtasks-out-of-range", "Out of range: -32602 naming the field and its range.", 3, "plan",
            {"task": "t", "maxSubtasks": 4611686018427387904})
    example(s, "plan/max-subtasks-not-whole", "Not a whole number where one is needed.", 4, "plan",
            {"task": "t", "maxSubtasks": 1.5})
    example(s, "plan/missing-task", "A missing required field is named.", 5, "plan", {"maxSubtasks": 2})
    example(s, "plan/template-variable-missing", "A template variable that is not defined is -32602 naming it.", 6,
            "plan", {"task": "t", "template": "Split {task} for {audience}"})
    example(s, "plan/template-syntax", "An unescaped brace in a template.", 7, "plan",
            {"task": "t", "template": "Split {task} into { parts"})
    example(s, "plan/min-above-max", "minSubtasks above maxSubtasks.", 8, "plan",
            {"task": "t", "minSubtasks": 5, "maxSubtasks": 2})
    example(s, "runSubtask/stored-plan", "A subtask of a stored plan: the worker sees the task, the context and "
            "its dependencies' outputs.", 10, "runSubtask", {"planId": plan_id, "subtaskId": s1})
    example(s, "runSubtask/inline", "A free-standing subtask (its id is required).", 11, "runSubtask",
            {"task": "Plan a picnic", "subtask": {"id": "food", "name": "Food",
                                                  "description": "List food and drinks for six people."},
             "context": {"people": 6}, "maxTokens": 200})
    example(s, "runSubtask/output-schema", "outputSchema: the output must satisfy it; it comes back parsed in json.",
            12, "runSubtask", {"task": "Plan a picnic", "subtask": {"id": "place", "name": "Place",
                                                                     "description": "Pick a park."},
                               "outputSchema": {"type": "object", "properties": {"park": {"type": "string"}},
                                                "required": ["park"]}})
    example(s, "runSubtask/unknown-plan", "No plan with that id: 1002.", 13, "runSubtask",
            {"planId": "plan-nope", "subtaskId": "s1"})
    example(s, "runSubtask/unknown-subtask", "The plan has no such subtask: 1002.", 14, "runSubtask",
            {"planId": plan_id, "subtaskId": "s99"})
    example(s, "runSubtask/inline-without-id", "An inline subtask needs its id.", 15, "runSubtask",
            {"task": "t", "subtask": {"name": "n", "description": "d"}})
    example(s, "runSubtask/neither-form", "planId and subtaskId, or task and subtask.", 16, "runSubtask",
            {"task": "t"})
    example(s, "synthesize/stored-plan", "The stored plan's results; subtasks without a result are named as missing.",
            17, "synthesize", {"planId": plan_id, "format": "bullets"})
    example(s, "synthesize/inline", "Given results; status defaults to completed when output is present, else "
            "failed.", 18, "synthesize",
            {"task": "Plan a picnic", "results": [
                {"subtaskId": "place", "name": "Place", "status": "completed", "output": "Riverside Park."},
                {"subtaskId": "food", "name": "Food", "status": "failed", "error": "the model gave up"},
                {"subtaskId": "games", "output": "Frisbee and cards."}],
             "style": "time-based"})
    example(s, "synthesize/unknown-plan", "No plan with that id: 1002.", 19, "synthesize", {"planId": "plan-nope"})
    example(s, "synthesize/neither-form", "planId, or task and results.", 20, "synthesize", {"task": "t"})
    mock.configure(status=500)
    example(s, "plan/provider-failed", "The planner's provider kept failing after the retries: 1001.", 21, "plan",
            {"task": "Plan a picnic"})
    mock.reset()
    impossible = {"type": "string", "minLength": 5, "maxLength": 2}
    example(s, "plan/plan-failed", "The planner gave no usable plan, even after repairs (here a subtaskSchema no "
            "answer can satisfy): 1004.", 22, "plan",
            {"task": "Plan a picnic", "subtaskSchema": {"type": "object", "properties": {"code": impossible},
                                                        "required": ["code"]}})
    example(s, "runSubtask/output-invalid", "The output did not satisfy its outputSchema, even after repairs: 1005.",
            23, "runSubtask", {"task": "t", "subtask": {"id": "s1", "name": "Code", "description": "Pick a code."},
                               "outputSchema": {"type": "object", "properties": {"code": impossible},
                                                "required": ["code"]}})
    s.close()

    # --- run -------------------------------------------------------------------------------------
    s = initialized(binary, config, state)
    run = example(s, "run/work-done-progress", "The whole flow with LSP work-done progress: run/event notifications "
                  "stream the run, $/progress reports percentages.", 4, "run",
                  {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 2, "workDoneToken": "w4"})
    run_id = run.response["result"]["runId"]
    example(s, "run/mcp-progress", "MCP progress: notifications/progress with a progress that only increases.", 5,
            "run", {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 2, "_meta": {"progressToken": 17}})
    example(s, "run/stream", "stream: true streams worker and synthesis text as subtaskDelta / synthesisDelta events; "
            "a caller-given plan skips planning.", 6, "run",
            {"task": "Write a haiku about pipes", "stream": True, "subtasks": [
                {"id": "draft", "name": "Draft", "description": "Draft the haiku."},
                {"id": "polish", "name": "Polish", "description": "Polish the draft.", "dependsOn": ["draft"]}],
             "format": "paragraphs"})
    example(s, "run/approve-plan-reject", "approvePlan: Baton asks the client with a plan/approve request; a "
            "rejected plan ends the run rejected without spending on workers.", 7, "run",
            {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 2, "approvePlan": True},
            answer=lambda m: {"decision": "reject", "reason": "too many subtasks"})

    def edit(message: JSON) -> JSON:
        plan = dict(message["params"]["plan"])
        plan["subtasks"] = plan["subtasks"][:1]
        return {"decision": "edit", "plan": plan}

    example(s, "run/approve-plan-edit", "An edited plan runs instead, after the same checks as a caller-given plan.",
            8, "run", {"task": "Plan a picnic", "maxSubtasks": 2, "minSubtasks": 2, "approvePlan": True},
            answer=edit)
    example(s, "run/budget-exceeded", "The budget is checked before each call; a call that would exceed it is not "
            "made and the run ends budgetExceeded, keeping what it has (a result, not an error).", 9, "run",
            {"task": "Plan a picnic", "maxSubtasks": 3, "minSubtasks": 3, "budget": {"maxTokens": 1200},
             "models": {"planner": "mock:mock-model", "worker": "mock:mock-model"}})
    example(s, "run/dependency-cycle", "A caller-given plan is checked before anything runs.", 10, "run",
            {"task": "t", "subtasks": [{"id": "a", "name": "A", "description": "a", "dependsOn": ["b"]},
                                       {"id": "b", "name": "B", "description": "b", "dependsOn": ["a"]}]})
    example(s, "run/unknown-dependency", "dependsOn must name subtasks of the plan.", 11, "run",
            {"task": "t", "subtasks": [{"id": "a", "name": "A", "description": "a", "dependsOn": ["zz"]}]})
    example(s, "run/concurrency-out-of-range", "Out of range: -32602 naming the field.", 12, "run",
            {"task": "t", "concurrency": 0})
    example(s, "run/deadline-not-positive", "deadlineSeconds must be greater than 0.", 13, "run",
            {"task": "t", "deadlineSeconds": 0})
    example(s, "run/empty-task", "task must not be empty.", 14, "run", {"task": ""})
    mock.configure(fail_first_n=1, error_status=503)
    example(s, "run/retrying", "A retryable provider error is retried with backoff; every retry is a retrying "
            "event.", 15, "run", {"task": "Summarise the meeting notes",
                                  "subtasks": [{"id": "s1", "name": "Summary", "description": "Summarise."}]})
    mock.reset()
    mock.configure(status=400)
    failed = example(s, "run/failed", "A subtask that fails (here a non-retryable 400) never stops its siblings; its "
            "dependents are skipped; the run ends failed.", 16, "run",
            {"task": "t", "subtasks": [{"id": "a", "name": "A", "description": "a"},
                                       {"id": "b", "name": "B", "description": "b", "dependsOn": ["a"]}]})
    mock.reset()
    example(s, "runSubtask/dependency-not-ready", "A subtask of a stored plan (here the plan of the failed run) runs "
            "only after the subtasks it depends on have results.", 17, "runSubtask",
            {"planId": failed.response["result"]["plan"]["planId"], "subtaskId": "b"})
    example(s, "runs/get/basic", "A run's report: live while it runs, final once it ended, or rebuilt from its "
            "journal.", 20, "runs/get", {"runId": run_id})
    example(s, "runs/get/unknown-run", "No run with that id: 1002.", 21, "runs/get", {"runId": "run-nope"})
    example(s, "runs/get/missing-run-id", "runId is required.", 22, "runs/get", {})
    example(s, "runs/list/basic", "Runs of this process and of earlier ones (from the journal directory), newest "
            "first.", 23, "runs/list")
    example(s, "cancel/unknown-run", "cancelled is false when no such run is in progress.", 24, "cancel",
            {"runId": "run-nope"})
    example(s, "cancel/neither-id", "cancel needs runId or planId.", 25, "cancel", {})

    # cancel {runId}: the run's workers are held by the mock until it is cancelled.
    mock.configure(gate=True)
    run_message = req(30, "run", {"task": "Translate the manual", "subtasks": [
        {"id": "s1", "name": "Chapter 1", "description": "Translate chapter 1."},
        {"id": "s2", "name": "Chapter 2", "description": "Translate chapter 2."}]})
    s.send(run_message)
    seen = pump(s, lambda m: isinstance(m, dict) and m.get("params", {}).get("type") == "subtaskStarted")
    mock.wait(gated=2)
    live_run = seen[-1]["params"]["runId"]
    cancel_message = req(31, "cancel", {"runId": live_run})
    s.send(cancel_message)
    seen += pump(s, lambda m: isinstance(m, dict) and m.get("id") == 30 and "method" not in m)
    mid = [m for m in seen if not (isinstance(m, dict) and m.get("id") == 31 and "method" not in m)]
    cancel_reply = next(m for m in seen if isinstance(m, dict) and m.get("id") == 31 and "method" not in m)
    got = split(mid, 30)
    write("cancel/run", "cancel {runId}: in-flight model calls are aborted, nothing new starts, and the run request "
          "answers with status cancelled.", request=cancel_message, response=cancel_reply,
          related=[{"from": "client", "message": run_message}]
          + [{"from": "server", "message": m} for m in got.notifications]
          + [{"from": "server", "message": got.response}])
    mock.reset()

    # $/cancelRequest on the run request itself.
    mock.configure(gate=True)
    run_message = req(40, "run", {"task": "Translate the manual", "subtasks": [
        {"id": "s1", "name": "Chapter 1", "description": "Translate chapter 1."}]})
    s.send(run_message)
    seen = pump(s, lambda m: isinstance(m, dict) and m.get("params", {}).get("type") == "subtaskStarted")
    mock.wait(gated=1)
    note = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 40}}
    s.send(note)
    seen += pump(s, lambda m: isinstance(m, dict) and m.get("id") == 40 and "method" not in m)
    got = split(seen, 40)
    write("$/cancelRequest/run", "LSP cancellation: the request is answered once, with -32800, at once; the run "
          "stops and its report stays available from runs/get.", notification=note,
          related=[{"from": "client", "message": run_message}]
          + [{"from": "server", "message": m} for m in got.notifications]
          + [{"from": "server", "message": got.response}])
    mock.reset()

    for method, params, path, rid in (
            ("notifications/cancelled", lambda rid: {"requestId": rid, "reason": "user pressed Escape"},
             "notifications/cancelled/complete", 41),
            ("$/cancel_request", lambda rid: {"requestId": rid}, "$/cancel_request/complete", 42)):
        mock.configure(gate=True)
        complete_message = req(rid, "complete", {"prompt": "Write a long essay."})
        s.send(complete_message)
        mock.wait(gated=1)
        note = {"jsonrpc": "2.0", "method": method, "params": params(rid)}
        s.send(note)
        seen = pump(s, lambda m: isinstance(m, dict) and m.get("id") == rid and "method" not in m)
        write(path, f"{'MCP' if method.startswith('notifications') else 'ACP'} cancellation of a request by its id.",
              notification=note, related=[{"from": "client", "message": complete_message},
                                          {"from": "server", "message": seen[-1]}])
        mock.reset()
    s.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(REPO / ".build" / "debug" / "baton"))
    args = parser.parse_args()
    for old in EXAMPLES.rglob("*.json") if EXAMPLES.exists() else []:
        old.unlink()
    work = Path(tempfile.gettempdir()) / "baton-examples"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    mock = Mock()
    try:
        capture(args.binary, mock, work)
    finally:
        mock.stop()
        shutil.rmtree(work, ignore_errors=True)
    for directory in sorted(EXAMPLES.rglob("*"), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    print(f"wrote {len(WRITTEN)} examples under {EXAMPLES.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
