"""protocol/schema.json itself, protocol.md against it, the examples' coverage, and the generated
clients' freshness. Standard library plus pytest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import protocol_schema  # noqa: E402

REPO = protocol_schema.REPO
SCHEMA = protocol_schema.load_schema()
PROTOCOL_MD = (REPO / "protocol.md").read_text()


def test_the_validator_knows_every_keyword_the_schema_uses() -> None:
    assert protocol_schema.unsupported_keywords(SCHEMA) == []


def test_every_reference_resolves_and_every_definition_is_used() -> None:
    text = json.dumps(SCHEMA)
    refs = set(re.findall(r'"\$ref": "(#/[^"]+)"', text))
    for ref in refs:
        protocol_schema.resolve(SCHEMA, ref)
    used = {ref.split("/")[-1] for ref in refs if ref.startswith("#/$defs/")}
    # RunEventType names the consts of RunEvent's branches in one enum, for generators.
    assert set(SCHEMA["$defs"]) - used == {"RunEventType"}
    branches = [protocol_schema.resolve(SCHEMA, b["$ref"]) for b in SCHEMA["$defs"]["RunEvent"]["oneOf"]]
    assert [b["properties"]["type"]["const"] for b in branches] == SCHEMA["$defs"]["RunEventType"]["enum"]


def test_the_catalogue_is_consistent() -> None:
    errors = SCHEMA["errors"]
    names = set(errors)
    for method, spec in SCHEMA["methods"].items():
        assert set(spec["errors"]) <= names, method
        for note in spec.get("notifications", []):
            assert note in SCHEMA["notifications"], method
        for request in spec.get("serverRequests", []):
            assert request in SCHEMA["serverRequests"], method
    assert set(SCHEMA["requestErrors"]["errors"]) <= names
    kinds = [k for e in errors.values() for k in e["kinds"]]
    assert len(kinds) == len(set(kinds)), "a kind belongs to one code"
    assert set(kinds) == set(SCHEMA["errorKinds"])
    enum = SCHEMA["$defs"]["EngineErrorKind"]["enum"] + SCHEMA["$defs"]["ProviderErrorKind"]["enum"]
    assert set(enum) == set(SCHEMA["errorKinds"])
    for kind, entry in SCHEMA["errorKinds"].items():
        assert entry["source"] in ("engine", "provider"), kind
        assert (kind in SCHEMA["$defs"]["ProviderErrorKind"]["enum"]) == (entry["source"] == "provider"), kind
    assert len({e["code"] for e in errors.values()}) == len(errors)
    for name, spec in SCHEMA["notifications"].items():
        assert spec["direction"] in ("clientToServer", "serverToClient", "both"), name


# ------------------------------------------------------------------------------------------------
# examples: coverage (each file's own checks are in clients/python/tests/test_protocol_examples.py)

EXAMPLES = [json.loads(p.read_text()) for p in protocol_schema.example_files()]
NAMES = [protocol_schema.example_name(p) for p in protocol_schema.example_files()]
#: Declared but not sent by this build, or not worth a session of their own.
NOT_EXEMPLIFIED = {
    "errors": {"InternalError": "a bug", "BudgetExceeded": "never sent (see its description)",
               "DeadlineExceeded": "never sent (see its description)"},
    "notifications": {"window/logMessage": "this build sends none", "notifications/initialized": "ignored, like "
                      "initialized", "$/setTrace": "ignored"},
}


def all_messages() -> List[Tuple[str, Any]]:
    out: List[Tuple[str, Any]] = []
    for example in EXAMPLES:
        for sender, message in protocol_schema.messages(example):
            out += [(sender, m) for m in (message if isinstance(message, list) else [message])]
    return out


def test_every_method_has_a_success_example() -> None:
    for method in SCHEMA["methods"]:
        files = [e for e, n in zip(EXAMPLES, NAMES) if n == method]
        assert any("result" in (e.get("response") or {}) for e in files), f"no success example for {method}"


def test_every_error_code_and_notification_appears_in_an_example() -> None:
    codes = {m["error"]["code"] for s, m in all_messages() if isinstance(m, dict) and "error" in m}
    for name, entry in SCHEMA["errors"].items():
        if name not in NOT_EXEMPLIFIED["errors"]:
            assert entry["code"] in codes, f"no example of {name} ({entry['code']})"
    sent = {m["method"] for s, m in all_messages() if isinstance(m, dict) and "method" in m}
    for name in list(SCHEMA["notifications"]) + list(SCHEMA["serverRequests"]):
        if name not in NOT_EXEMPLIFIED["notifications"]:
            assert name in sent, f"no example of {name}"


def test_examples_are_where_their_method_is() -> None:
    known = set(SCHEMA["methods"]) | set(SCHEMA["notifications"]) | {"_connection"}
    assert set(NAMES) <= known


# ------------------------------------------------------------------------------------------------
# protocol.md

#: Transcript lines protocol.md shows elided or deliberately broken; each needs a reason.
MD_SKIPS = {
    '"method":"baton/status",\n': "deliberately not JSON: the input that the -32700 reply answers",
    '{"id":9,"method":"baton/status"}': "deliberately not JSON-RPC 2.0: the input that the -32600 reply answers",
    '"result":{...}}': "the reply is elided: section 5 is about the notifications before it",
    '"params":{"task":"..."': "the task is elided",
    '"params":{...}}': "the params are elided (the full message is in section 9)",
    "…": "members elided with … to keep the example short",
    '"params":{"runId":"run-20261121T113209-4u8xbirb","plan":{"planId":"plan-…"': "elided plan",
}


def md_transcripts() -> List[Tuple[int, List[Tuple[int, str, str]]]]:
    """Every fenced block of protocol.md: (first line, [(line, sender, text)]), where sender is the
    arrow's (client for →, server for ←) or '' for a block without arrows."""
    blocks: List[Tuple[int, List[Tuple[int, str, str]]]] = []
    lines = PROTOCOL_MD.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].startswith("```"):
            start, body = index + 1, []
            index += 1
            while not lines[index].startswith("```"):
                body.append((index + 1, lines[index]))
                index += 1
            entries: List[Tuple[int, str, str]] = []
            for number, line in body:
                stripped = line.strip()
                if stripped.startswith("→") or stripped.startswith("←"):
                    entries.append((number, "client" if stripped[0] == "→" else "server", stripped[1:].strip()))
                elif entries and stripped:
                    # a message continued on the next line
                    entries[-1] = (entries[-1][0], entries[-1][1], entries[-1][2] + "\n" + stripped)
                elif stripped:
                    entries.append((number, "", stripped))
            blocks.append((start, entries))
        index += 1
    return blocks


def md_block_ids() -> List[str]:
    return [f"protocol.md:{start}" for start, _ in md_transcripts()]


def skip_reason(text: str) -> str:
    return next((reason for needle, reason in MD_SKIPS.items() if needle in text + "\n"), "")


@pytest.mark.parametrize("block", md_transcripts(), ids=md_block_ids())
def test_protocol_md_examples_match_the_schema(block: Tuple[int, List[Tuple[int, str, str]]]) -> None:
    start, entries = block
    if not entries or all(sender == "" for _, sender, _ in entries):
        # Not a transcript: a JSON block must still be a valid message, or be a shell/config block.
        text = "\n".join(t for _, _, t in entries)
        try:
            value = json.loads(text)
        except ValueError:
            pytest.skip("not JSON: a shell or prose block")
        kind = protocol_schema.classify(value)
        assert kind != "not a message", f"protocol.md:{start}: a JSON block that is not a message"
        entries = [(start, "client" if kind in ("request", "notification") else "server", text)]
    pairs: List[Tuple[str, Any]] = []
    for number, sender, text in entries:
        if skip_reason(text):
            continue
        try:
            message = json.loads(text)
        except ValueError:
            raise AssertionError(f"protocol.md:{number}: not JSON and no reason to skip it: {text[:80]}")
        kind = protocol_schema.classify(message)
        assert kind != "not a message", f"protocol.md:{number}: not a JSON-RPC message"
        expected = {"request": "client", "notification": "", "batch": "client", "response": ""}
        if expected[kind]:
            assert sender in (expected[kind], "server"), f"protocol.md:{number}: a {kind} sent by the {sender}"
        pairs.append((sender, message))
    problems = protocol_schema.check_transcript(pairs, f"protocol.md:{start}", SCHEMA, orphans=True)
    assert problems == []


def md_error_tables() -> Dict[int, str]:
    """code -> name from the rows of protocol.md's error-code tables (| -32700 | parse error | ...)."""
    rows: Dict[int, str] = {}
    for match in re.finditer(r"^\| (-?\d{4,5}) \| ([^|]+) \|", PROTOCOL_MD, re.M):
        rows[int(match.group(1))] = match.group(2).strip()
    return rows


def test_protocol_md_lists_every_error_code_of_the_schema() -> None:
    listed = md_error_tables()
    assert set(listed) == {e["code"] for e in SCHEMA["errors"].values()}


def test_protocol_md_lists_every_provider_error_kind() -> None:
    listed = set(re.findall(r"^\| `(\w+)` \| .* \| (?:yes|no) \|$", PROTOCOL_MD, re.M))
    provider = set(SCHEMA["$defs"]["ProviderErrorKind"]["enum"]) - {"notConfigured"}
    assert listed == provider


def test_protocol_md_links_the_schema_and_the_examples() -> None:
    head = PROTOCOL_MD[:2000]
    assert "protocol/schema.json" in head and "protocol/examples" in head


def test_the_generated_clients_are_fresh() -> None:
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_protocol.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
