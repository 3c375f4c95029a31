"""protocol/schema.json and protocol/examples/, for tests and the generator. Standard library only.

`validate(instance, schema)` checks an instance against a subschema of protocol/schema.json. It is a
small JSON Schema 2020-12 validator for exactly the keywords the schema uses (see KEYWORDS);
`unsupported_keywords()` fails loudly when the schema starts using one it does not know, so a check
never passes by ignoring a rule. (No `jsonschema` package: the Node suite needs the same validator
without npm, and CI has no other internet; one small validator per language is easier to keep
honest than a dependency in one of them.)

`check_example(path)` returns every problem with one example file: each message against the
envelope, params and results against their method, errors against the method's codes and the
kinds of those codes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

REPO = Path(__file__).resolve().parents[1]
SCHEMA_PATH = REPO / "protocol" / "schema.json"
EXAMPLES = REPO / "protocol" / "examples"

#: Keywords that constrain instances, and the ones that only annotate.
KEYWORDS = {"$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items",
            "anyOf", "oneOf", "minimum", "maximum", "exclusiveMinimum"}
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default", "format", "x-swift"}
#: Top-level members of schema.json that are Baton's catalogue, not JSON Schema keywords.
CATALOGUE = {"protocolVersion", "methods", "requestErrors", "notifications", "serverRequests", "errors",
             "errorKinds"}

JSON = Dict[str, Any]


def load_schema() -> JSON:
    return json.loads(SCHEMA_PATH.read_text())


def resolve(root: JSON, ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are supported: {ref}"
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _type_ok(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if name == "number":
        return True
    if name == "integer":
        return isinstance(value, int) or (math.isfinite(value) and float(value).is_integer())
    raise AssertionError(f"unknown type {name}")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def validate(instance: Any, schema: Any, root: Optional[JSON] = None, path: str = "$") -> List[str]:
    """Every way `instance` fails `schema` (empty when it is valid)."""
    root = load_schema() if root is None else root
    if schema is True:
        return []
    if schema is False:
        return [f"{path}: no value is allowed here"]
    errors: List[str] = []
    if "$ref" in schema:
        errors += validate(instance, resolve(root, schema["$ref"]), root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_ok(instance, t) for t in types):
            return errors + [f"{path}: expected {' or '.join(types)}, got {json.dumps(instance)[:80]}"]
    if "const" in schema and not _same(instance, schema["const"]):
        errors.append(f"{path}: must be {json.dumps(schema['const'])}, got {json.dumps(instance)[:80]}")
    if "enum" in schema and not any(_same(instance, v) for v in schema["enum"]):
        errors.append(f"{path}: {json.dumps(instance)[:80]} is not one of {schema['enum']}")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            errors.append(f"{path}: {instance} is below the minimum {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errors.append(f"{path}: {instance} is above the maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and instance <= schema["exclusiveMinimum"]:
            errors.append(f"{path}: {instance} must be greater than {schema['exclusiveMinimum']}")
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in instance:
                errors.append(f"{path}: missing member {name!r}")
        for name, value in instance.items():
            if name in properties:
                errors += validate(value, properties[name], root, f"{path}.{name}")
            elif "additionalProperties" in schema:
                errors += validate(value, schema["additionalProperties"], root, f"{path}.{name}") \
                    if schema["additionalProperties"] is not False else [f"{path}: unexpected member {name!r}"]
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            errors += validate(item, schema["items"], root, f"{path}[{index}]")
    if "anyOf" in schema:
        branches = [validate(instance, branch, root, path) for branch in schema["anyOf"]]
        if all(branches):
            errors.append(f"{path}: matches none of anyOf: " + " | ".join(min(branches, key=len)))
    if "oneOf" in schema:
        branches = [validate(instance, branch, root, path) for branch in schema["oneOf"]]
        passing = sum(1 for b in branches if not b)
        if passing == 0:
            errors.append(f"{path}: matches none of oneOf: " + " | ".join(min(branches, key=len)))
        elif passing > 1:
            errors.append(f"{path}: matches {passing} branches of oneOf")
    return errors


def unsupported_keywords(schema: Optional[JSON] = None) -> List[str]:
    """Keywords used in the schema that `validate` does not implement (should be empty)."""
    schema = load_schema() if schema is None else schema
    found: List[str] = []

    def walk(node: Any, path: str, in_properties: bool = False) -> None:
        if isinstance(node, bool):
            return
        assert isinstance(node, dict), path
        for key, value in node.items():
            if in_properties:
                walk(value, f"{path}/{key}")
                continue
            if key not in KEYWORDS | ANNOTATIONS:
                found.append(f"{path}/{key}")
            elif key in ("properties", "$defs"):
                walk(value, f"{path}/{key}", in_properties=True)
            elif key in ("items", "additionalProperties"):
                walk(value, f"{path}/{key}")
            elif key in ("anyOf", "oneOf"):
                for index, branch in enumerate(value):
                    walk(branch, f"{path}/{key}/{index}")

    def subschemas() -> Iterator[Tuple[str, Any]]:
        for name, method in schema["methods"].items():
            yield f"#/methods/{name}/params", method["params"]
            yield f"#/methods/{name}/result", method["result"]
        for name, note in schema["notifications"].items():
            yield f"#/notifications/{name}/params", note["params"]
        for name, req in schema["serverRequests"].items():
            yield f"#/serverRequests/{name}/params", req["params"]
            yield f"#/serverRequests/{name}/result", req["result"]
        for kind, entry in schema["errorKinds"].items():
            yield f"#/errorKinds/{kind}/data", entry["data"]

    top = {k: v for k, v in schema.items() if k not in CATALOGUE}
    walk(top, "#")
    for path, sub in subschemas():
        walk(sub, path)
    return found


# --------------------------------------------------------------------------------------------
# Examples


def example_files() -> List[Path]:
    return sorted(EXAMPLES.rglob("*.json"))


def example_name(path: Path) -> str:
    """The method or notification an example is about: its directory under protocol/examples."""
    return str(path.parent.relative_to(EXAMPLES))


def messages(example: JSON) -> List[Tuple[str, Any]]:
    """Every message of an example, as (sender, message), in the order they were exchanged."""
    out: List[Tuple[str, Any]] = []
    for key in ("request", "notification"):
        if key in example:
            out.append(("client", example[key]))
    for note in example.get("notifications", []):
        out.append(("server", note))
    for exchange in example.get("serverRequests", []):
        out.append(("server", exchange["request"]))
        out.append(("client", exchange["response"]))
    if "response" in example:
        out.append(("server", example["response"]))
    for item in example.get("related", []):
        out.append((item["from"], item["message"]))
    return out


def _requests_by_id(pairs: List[Tuple[str, Any]], sender: str) -> Dict[str, JSON]:
    found: Dict[str, JSON] = {}
    for who, message in pairs:
        for m in message if isinstance(message, list) else [message]:
            if who == sender and isinstance(m, dict) and "method" in m and "id" in m:
                found[json.dumps(m["id"])] = m
    return found


def check_error(error: JSON, allowed: List[str], schema: JSON, where: str) -> List[str]:
    problems: List[str] = []
    by_code = {entry["code"]: name for name, entry in schema["errors"].items()}
    name = by_code.get(error.get("code"))
    if name is None:
        return [f"{where}: error code {error.get('code')} is not in the schema's errors"]
    if name not in allowed:
        problems.append(f"{where}: error {name} ({error['code']}) is not listed for this method ({allowed})")
    data = error.get("data")
    if data is not None:
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind not in schema["errors"][name]["kinds"]:
            problems.append(f"{where}: data.kind {kind!r} is not a kind of {name} ({schema['errors'][name]['kinds']})")
        elif kind in schema["errorKinds"]:
            problems += validate(data, schema["errorKinds"][kind]["data"], schema, f"{where}.data")
    return problems


def check_example(path: Path, schema: Optional[JSON] = None) -> List[str]:
    schema = load_schema() if schema is None else schema
    example = json.loads(path.read_text())
    name = example_name(path)
    where = str(path.relative_to(EXAMPLES))
    problems: List[str] = []
    if not isinstance(example.get("description"), str):
        problems.append(f"{where}: no description")
    if name != "_connection":
        principal = example.get("request") or example.get("notification")
        if not isinstance(principal, dict) or principal.get("method") != name:
            problems.append(f"{where}: the example's request or notification must be a {name!r} message")
    return problems + check_transcript(messages(example), where, schema, raw_client=name == "_connection")


def check_transcript(pairs: List[Tuple[str, Any]], where: str, schema: JSON, raw_client: bool = False,
                     orphans: bool = False) -> List[str]:
    """Checks (sender, message) pairs of one exchange. `raw_client`: the client's messages are deliberately
    malformed (not checked); `orphans`: a reply to a request outside the transcript is checked on its own."""
    problems: List[str] = []
    name = "_connection" if raw_client else ""
    client_requests = _requests_by_id(pairs, "client")
    server_requests = _requests_by_id(pairs, "server")
    common = schema["requestErrors"]["errors"]
    for index, (sender, message) in enumerate(pairs):
        at = f"{where} message {index} ({sender})"
        if raw_client and sender == "client":
            continue  # deliberately malformed input
        problems += [f"{at}: {p}" for p in validate(message, {"$ref": "#/$defs/MessageOrBatch"}, schema)]
        for m in message if isinstance(message, list) else [message]:
            if not isinstance(m, dict):
                continue
            method = m.get("method")
            if method is not None and "id" in m:  # a request
                if sender == "client":
                    if method not in schema["methods"]:
                        continue  # an unknown method, answered -32601
                    spec = schema["methods"][method]
                else:
                    if method not in schema["serverRequests"]:
                        problems.append(f"{at}: server request {method!r} is not in serverRequests")
                        continue
                    spec = schema["serverRequests"][method]
                reply = next((r for s, r in pairs if s != sender and isinstance(r, dict) and "method" not in r
                              and r.get("id") == m["id"]), None)
                if reply is None or "result" in reply:
                    params = m.get("params", {} if method not in ("shutdown",) else None)
                    problems += [f"{at}: params: {p}" for p in validate(params, spec["params"], schema)]
            elif method is not None:  # a notification
                spec = schema["notifications"].get(method)
                if spec is None:
                    problems.append(f"{at}: notification {method!r} is not in notifications")
                    continue
                direction = {"client": "clientToServer", "server": "serverToClient"}[sender]
                if spec["direction"] not in (direction, "both"):
                    problems.append(f"{at}: {method} is {spec['direction']}, but the {sender} sent it")
                problems += [f"{at}: params: {p}" for p in validate(m.get("params"), spec["params"], schema)]
                if method in ("run/event", "complete/delta"):
                    owner = client_requests.get(json.dumps(m["params"].get("requestId")))
                    expected = "run" if method == "run/event" else "complete"
                    if (owner is None and not orphans) or (owner is not None and owner.get("method") != expected):
                        problems.append(f"{at}: requestId does not name a {expected} request of the example")
            else:  # a response
                key = json.dumps(m.get("id"))
                asked = (client_requests if sender == "server" else server_requests).get(key)
                if asked is None:
                    if sender == "server" and "error" in m and (m.get("id") is None or orphans):
                        problems += check_error(m["error"], list(schema["errors"]), schema, at)
                    elif name != "_connection" and not orphans:
                        problems.append(f"{at}: a response to no request of the example")
                    continue
                method = asked["method"]
                known = schema["methods"] if sender == "server" else schema["serverRequests"]
                if method not in known:
                    if "error" not in m:
                        problems.append(f"{at}: a result for the unknown method {method!r}")
                    else:
                        problems += check_error(m["error"], ["MethodNotFound"], schema, at)
                    continue
                if "result" in m:
                    problems += [f"{at}: result: {p}" for p in validate(m["result"], known[method]["result"], schema)]
                elif "error" in m:
                    allowed = known[method].get("errors", []) + common
                    problems += check_error(m["error"], allowed, schema, at)
    return problems


# --------------------------------------------------------------------------------------------
# protocol.md


def markdown_json_blocks(text: str) -> List[Tuple[int, str]]:
    """(line number, body) of every ```json block."""
    blocks: List[Tuple[int, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```json":
            start = index + 1
            end = start
            while lines[end].strip() != "```":
                end += 1
            blocks.append((start + 1, "\n".join(lines[start:end])))
            index = end
        index += 1
    return blocks


def classify(message: Any) -> str:
    """request, notification, response or batch, by shape; anything else is 'not a message'."""
    if isinstance(message, list):
        return "batch"
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return "not a message"
    if "method" in message:
        return "request" if "id" in message else "notification"
    if "result" in message or "error" in message:
        return "response"
    return "not a message"
