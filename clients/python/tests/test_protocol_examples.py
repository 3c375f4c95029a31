"""Every protocol/examples file against protocol/schema.json, and through the client's types: each
result, notification and server request decodes into its generated class and back to the same JSON,
and each error reply becomes the ``BatonError`` subclass of its code, with its kind."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from baton_client import errors, protocol, types

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "scripts"))
import protocol_schema  # noqa: E402

SCHEMA = protocol_schema.load_schema()
FILES = protocol_schema.example_files()
IDS = [str(p.relative_to(protocol_schema.EXAMPLES)) for p in FILES]


def test_there_are_examples() -> None:
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_example_matches_the_schema(path: Path) -> None:
    assert protocol_schema.check_example(path, SCHEMA) == []


def decoded(type_name: str, value: Any) -> Any:
    return getattr(types, type_name).from_json(value)


def typed_parts(example: Any) -> List[Tuple[str, Any]]:
    """(type name, JSON) of everything in an example that a client type describes."""
    parts: List[Tuple[str, Any]] = []
    request, response = example.get("request"), example.get("response")
    if isinstance(request, dict) and isinstance(response, dict) and "result" in response:
        name = protocol.RESULT_TYPES.get(request.get("method"))
        if name:
            parts.append((name, response["result"]))
    notes = example.get("notifications", []) + [r["message"] for r in example.get("related", [])
                                                 if r["from"] == "server" and "method" in r["message"]
                                                 and "id" not in r["message"]]
    for note in notes:
        name = protocol.NOTIFICATION_TYPES.get(note["method"])
        if name:
            parts.append((name, note["params"]))
    for exchange in example.get("serverRequests", []):
        params_type, result_type = protocol.SERVER_REQUEST_TYPES[exchange["request"]["method"]]
        parts.append((params_type, exchange["request"]["params"]))
        parts.append((result_type, exchange["response"]["result"]))
    return parts


def json_equal(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) or a == b


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_client_types_decode_the_example(path: Path) -> None:
    example = json.loads(path.read_text())
    for type_name, value in typed_parts(example):
        typed = decoded(type_name, value)
        assert typed.raw == value
        assert typed.to_wire() == value, f"{type_name} lost or changed members"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_error_replies_become_their_error_class(path: Path) -> None:
    example = json.loads(path.read_text())
    replies = [example.get("response")] + [r["message"] for r in example.get("related", []) if r["from"] == "server"]
    for reply in replies:
        for m in reply if isinstance(reply, list) else [reply]:
            if not isinstance(m, dict) or "error" not in m:
                continue
            error = errors.error_from_json(m["error"])
            assert type(error) is not errors.BatonError, f"no class for code {m['error']['code']}"
            assert (error.code, error.message) == (m["error"]["code"], m["error"]["message"])
            assert error.kind == (m["error"].get("data") or {}).get("kind")


def test_every_run_event_type_decodes_with_its_fields() -> None:
    seen = set()
    for path in FILES:
        for type_name, value in typed_parts(json.loads(path.read_text())):
            if type_name == "RunEvent":
                event = types.RunEvent.from_json(value)
                seen.add(event.type)
                assert (event.run_id, event.seq, event.request_id) == (value["runId"], value["seq"], value["requestId"])
                if event.type == "planReady":
                    assert event.plan is not None and event.plan.plan_id == value["plan"]["planId"]
    missing = set(SCHEMA["$defs"]["RunEventType"]["enum"]) - seen
    assert missing == set(), f"no example has these run/event types: {missing}"


def test_error_codes_are_the_schemas() -> None:
    schema_codes = {name: entry["code"] for name, entry in SCHEMA["errors"].items()}
    assert {e.name: e.value for e in protocol.ErrorCode} == {_upper(name): code for name, code in schema_codes.items()}
    assert set(errors._BY_CODE) == set(schema_codes.values()), "an error class per code"
    for kind, name in ((k, n) for n, e in SCHEMA["errors"].items() for k in e["kinds"]):
        assert protocol.ERROR_KINDS[kind] == SCHEMA["errors"][name]["code"]
    assert protocol.PROTOCOL_VERSION == SCHEMA["protocolVersion"]


def _upper(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out += "_"
        out += ch.upper()
    return out
