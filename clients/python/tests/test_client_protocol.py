"""Client-side protocol handling, driven by a scripted in-memory peer standing in for Baton.

These cover what the real server cannot be made to do on demand: unknown server requests, a late
-32800, interleaved events of concurrent runs, exact wire shapes of every parameter.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, Dict

import pytest

from baton_client import (
    BatonClient, ConnectionClosed, Plan, PlanDecision, RunEvent, RunReport, Subtask, SubtaskOutcome,
)


class Peer:
    """Baton's side of an in-memory connection: the client's writer, and a feed for its reader."""

    def __init__(self) -> None:
        self.reader = asyncio.StreamReader()
        self.received: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.closed = False

    # the client's writer
    def write(self, data: bytes) -> None:
        for line in data.splitlines():
            self.received.put_nowait(json.loads(line))

    async def drain(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    # the peer's side
    def send(self, message: Dict[str, Any]) -> None:
        self.reader.feed_data(json.dumps({"jsonrpc": "2.0", **message}).encode() + b"\n")

    async def next(self) -> Dict[str, Any]:
        return await asyncio.wait_for(self.received.get(), 5)

    def reply(self, request: Dict[str, Any], result: Any) -> None:
        self.send({"id": request["id"], "result": result})


def connect() -> "tuple[BatonClient, Peer]":
    peer = Peer()
    return BatonClient.attach(peer.reader, peer), peer


REPORT = {"runId": "r1", "status": "completed", "task": "t", "results": [], "usage": {}, "costUSD": 0}


async def test_initialize_sends_process_id_then_initialized():
    client, peer = connect()
    call = asyncio.ensure_future(client.initialize())
    request = await peer.next()
    assert request["method"] == "initialize"
    assert request["params"]["processId"] == os.getpid()
    peer.reply(request, {"serverInfo": {"name": "baton", "version": "9"}, "protocolVersion": "1.0",
                         "capabilities": {"methods": ["run"]}})
    result = await call
    assert (result.server_version, client.server_methods) == ("9", ["run"])
    assert (await peer.next())["method"] == "initialized"
    await client.close()


async def test_a_late_cancelled_reply_is_dropped_and_the_connection_goes_on():
    client, peer = connect()
    call = asyncio.ensure_future(client.status())
    request = await peer.next()
    call.cancel()
    cancel = await peer.next()
    assert cancel == {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request["id"]}}
    peer.send({"id": request["id"], "error": {"code": -32800, "message": "request cancelled"}})
    with pytest.raises(asyncio.CancelledError):
        await call
    second = asyncio.ensure_future(client.status())
    request2 = await peer.next()
    peer.reply(request2, {"name": "baton", "requestsInFlight": 1})
    assert (await second).requests_in_flight == 1
    await client.close()


async def test_a_reply_racing_the_cancel_is_dropped_too():
    client, peer = connect()
    call = asyncio.ensure_future(client.status())
    request = await peer.next()
    call.cancel()
    peer.reply(request, {"name": "baton"})  # the result was already on its way
    with pytest.raises(asyncio.CancelledError):
        await call
    assert (await peer.next())["method"] == "$/cancelRequest"
    await client.close()


async def test_unknown_server_requests_get_method_not_found():
    client, peer = connect()
    peer.send({"id": "s9", "method": "workspace/configuration", "params": {}})
    reply = await peer.next()
    assert reply == {"jsonrpc": "2.0", "id": "s9",
                     "error": {"code": -32601, "message": "method not found: workspace/configuration"}}
    await client.close()


PLAN = {"planId": "p1", "objective": "o", "subtasks": [
    {"id": "s1", "name": "a", "description": "do a", "budgetShare": 0.5},
    {"id": "s2", "name": "b", "description": "do b", "dependsOn": ["s1"]}]}


async def test_plan_approve_without_a_handler_approves():
    client, peer = connect()
    peer.send({"id": "s1", "method": "plan/approve", "params": {"runId": "r1", "plan": PLAN}})
    assert await peer.next() == {"jsonrpc": "2.0", "id": "s1", "result": {"decision": "approve"}}
    await client.close()


async def test_plan_approve_handler_gets_the_plan_and_run_id_and_can_edit():
    client, peer = connect()
    seen = []

    async def review(plan: Plan, run_id: str) -> PlanDecision:
        seen.append((plan, run_id))
        plan.subtasks = plan.subtasks[:1]
        return PlanDecision.edit(plan)

    client.on_plan_approve = review
    peer.send({"id": "s2", "method": "plan/approve", "params": {"runId": "r7", "plan": PLAN}})
    reply = await peer.next()
    plan, run_id = seen[0]
    assert run_id == "r7" and plan.plan_id == "p1" and plan.subtasks[0].get("budgetShare") == 0.5
    assert reply["result"] == {"decision": "edit", "plan": {"planId": "p1", "objective": "o", "subtasks": [
        {"id": "s1", "name": "a", "description": "do a", "budgetShare": 0.5}]}}
    await client.close()


@pytest.mark.parametrize("answer, wire", [
    (False, {"decision": "reject", "reason": "rejected by the client"}),
    (True, {"decision": "approve"}),
    (PlanDecision.reject("too costly"), {"decision": "reject", "reason": "too costly"}),
    ({"decision": "reject"}, {"decision": "reject"}),
])
async def test_plan_approve_accepts_bools_decisions_and_dicts(answer, wire):
    client, peer = connect()
    client.on_plan_approve = lambda plan, run_id: answer
    peer.send({"id": "s3", "method": "plan/approve", "params": {"runId": "r1", "plan": PLAN}})
    assert (await peer.next())["result"] == wire
    await client.close()


async def test_a_failing_plan_approve_handler_is_an_internal_error_reply():
    client, peer = connect()

    def review(plan, run_id):
        raise RuntimeError("reviewer crashed")

    client.on_plan_approve = review
    peer.send({"id": "s4", "method": "plan/approve", "params": {"runId": "r1", "plan": PLAN}})
    reply = await peer.next()
    assert reply["error"]["code"] == -32603 and "reviewer crashed" in reply["error"]["message"]
    await client.close()


async def test_baton_cancelling_plan_approve_cancels_the_handler():
    client, peer = connect()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def review(plan, run_id):
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    client.on_plan_approve = review
    peer.send({"id": "s5", "method": "plan/approve", "params": {"runId": "r1", "plan": PLAN}})
    await started.wait()
    peer.send({"method": "$/cancelRequest", "params": {"id": "s5"}})
    assert await peer.next() == {"jsonrpc": "2.0", "id": "s5",
                                 "error": {"code": -32800, "message": "request cancelled"}}
    assert cancelled.is_set()
    await client.close()


def event(run_id: str, seq: int, type_: str, **fields: Any) -> Dict[str, Any]:
    return {"method": "run/event", "params": {"runId": run_id, "seq": seq, "type": type_, **fields}}


async def test_events_of_concurrent_runs_reach_their_own_run():
    client, peer = connect()
    everything, first, second = [], [], []
    client.on_run_event = everything.append
    run_a = asyncio.ensure_future(client.run("a", on_event=first.append))
    request_a = await peer.next()
    run_b = asyncio.ensure_future(client.run("b", on_event=second.append))
    request_b = await peer.next()
    # With a request id the event goes to that request; without, a new run id goes to the
    # oldest run request that has not seen an event yet.
    peer.send(event("rb", 1, "planReady", requestId=request_b["id"], plan=PLAN))
    peer.send(event("ra", 1, "planReady", plan=PLAN))
    peer.send(event("rb", 2, "subtaskStarted", subtaskId="s1", name="a"))
    peer.send(event("ra", 2, "subtaskStarted", subtaskId="s1", name="a"))
    peer.reply(request_a, {**REPORT, "runId": "ra"})
    peer.reply(request_b, {**REPORT, "runId": "rb"})
    assert (await run_a).run_id == "ra" and (await run_b).run_id == "rb"
    assert [(e.run_id, e.seq) for e in first] == [("ra", 1), ("ra", 2)]
    assert [(e.run_id, e.seq) for e in second] == [("rb", 1), ("rb", 2)]
    assert len(everything) == 4 and first[0].plan.subtasks[1].depends_on == ["s1"]
    await client.close()


async def test_events_given_to_the_wrong_run_are_reported(caplog):
    client, peer = connect()
    first, second = [], []
    run_a = asyncio.ensure_future(client.run("a", on_event=first.append))
    request_a = await peer.next()
    run_b = asyncio.ensure_future(client.run("b", on_event=second.append))
    request_b = await peer.next()
    peer.send(event("rb", 1, "planReady", plan=PLAN))  # b's run starts emitting first
    peer.reply(request_b, {**REPORT, "runId": "rb"})
    peer.reply(request_a, {**REPORT, "runId": "ra"})
    await asyncio.gather(run_a, run_b)
    assert [e.run_id for e in first] == ["rb"] and second == []
    assert "run ra got the events of run rb" in caplog.text
    await client.close()


async def test_run_events_yields_typed_events_then_the_report():
    client, peer = connect()
    items = []

    async def consume():
        async for item in client.run_events("t"):
            items.append(item)

    consumer = asyncio.ensure_future(consume())
    request = await peer.next()
    peer.send(event("r1", 1, "subtaskDelta", subtaskId="s1", text="hel"))
    peer.send(event("r1", 2, "subtaskCompleted", subtaskId="s1", status="completed", output="hello",
                    usage={"inputTokens": 3, "outputTokens": 2}, attempts=1, completed=1, total=2))
    peer.send(event("r1", 3, "retrying", subtaskId="s2", attempt=1, reason="HTTP 500", delaySeconds=0.5))
    peer.send(event("r1", 4, "somethingNew", novel={"x": 1}))
    peer.reply(request, REPORT)
    await consumer
    *events, report = items
    assert isinstance(report, RunReport) and report.run_id == "r1"
    assert all(isinstance(e, RunEvent) for e in events)
    assert [e.type for e in events] == ["subtaskDelta", "subtaskCompleted", "retrying", "somethingNew"]
    assert events[0].text == "hel"
    assert (events[1].output, events[1].usage.total_tokens, events[1].completed, events[1].total) == \
        ("hello", 5, 1, 2)
    assert (events[2].attempt, events[2].delay_seconds, events[2].reason) == (1, 0.5, "HTTP 500")
    assert events[3].raw["novel"] == {"x": 1}
    await client.close()


async def test_leaving_run_events_early_cancels_the_run_request():
    client, peer = connect()
    stream = client.run_events("t")
    first = asyncio.ensure_future(stream.__anext__())
    request = await peer.next()
    peer.send(event("r1", 1, "planReady", plan=PLAN))
    assert (await first).type == "planReady"
    await stream.aclose()
    assert await peer.next() == {"jsonrpc": "2.0", "method": "$/cancelRequest",
                                 "params": {"id": request["id"]}}
    await client.close()


async def test_notifications_reach_their_hooks_and_a_failing_hook_is_contained():
    client, peer = connect()
    progress, logs, raw = [], [], []
    client.on_progress = lambda token, value: progress.append((token, value))

    async def on_log(type_, message):
        logs.append((type_, message))

    client.on_log_message = on_log

    def broken(method, params):
        raw.append(method)
        raise ValueError("hook bug")

    client.on_notification = broken
    peer.send({"method": "$/progress", "params": {"token": "w1", "value": {"kind": "begin", "title": "run"}}})
    peer.send({"method": "window/logMessage", "params": {"type": 2, "message": "rate limited"}})
    peer.send({"method": "something/else", "params": {}})
    call = asyncio.ensure_future(client.status())
    peer.reply(await peer.next(), {"name": "baton"})
    assert (await call).name == "baton"
    assert progress == [("w1", {"kind": "begin", "title": "run"})]
    assert logs == [(2, "rate limited")]
    assert raw == ["$/progress", "window/logMessage", "something/else"]
    await client.close()


async def test_deltas_of_concurrent_completions_reach_their_own_callback():
    client, peer = connect()
    a, b = [], []
    call_a = asyncio.ensure_future(client.complete("a", on_delta=a.append))
    request_a = await peer.next()
    call_b = asyncio.ensure_future(client.complete("b", on_delta=b.append))
    request_b = await peer.next()
    assert request_a["params"]["stream"] is True
    peer.send({"method": "complete/delta", "params": {"requestId": request_b["id"], "text": "B"}})
    peer.send({"method": "complete/delta", "params": {"requestId": request_a["id"], "text": "A"}})
    peer.reply(request_a, {"text": "A"})
    peer.reply(request_b, {"text": "B"})
    await asyncio.gather(call_a, call_b)
    assert (a, b) == (["A"], ["B"])
    await client.close()


async def test_end_of_input_fails_pending_requests_with_connection_closed():
    client, peer = connect()
    call = asyncio.ensure_future(client.status())
    await peer.next()
    peer.reader.feed_eof()
    with pytest.raises(ConnectionClosed):
        await call
    with pytest.raises(ConnectionClosed):
        await client.status()
    await client.close()


async def test_lines_that_are_not_json_or_have_odd_ids_are_skipped():
    client, peer = connect()
    call = asyncio.ensure_future(client.status())
    request = await peer.next()
    peer.reader.feed_data(b"not json\n\n")
    peer.send({"id": {"odd": 1}, "result": 1})
    peer.send({"method": "$/cancelRequest", "params": {"id": [1]}})
    peer.reply(request, {"name": "baton"})
    assert (await call).name == "baton"
    await client.close()


async def test_run_parameters_go_out_in_camel_case():
    client, peer = connect()
    call = asyncio.ensure_future(client.run(
        "t", context={"brief": "x"}, instructions="i", concurrency=3, model="m:all", worker_model="m:w",
        budget_tokens=100, budget_usd=0.5, approve_plan=True, format="bullets", style="time-based",
        max_subtasks=4, min_subtasks=2, subtask_schema={"type": "object"},
        subtasks=[Subtask(id="s1", name="n", description="d", depends_on=[]), {"id": "s2", "name": "m",
                                                                              "description": "e"}],
        deadline_seconds=30, stream=True, extra={"workDoneToken": "w1"}))
    request = await peer.next()
    assert request["method"] == "run"
    assert request["params"] == {
        "task": "t", "context": {"brief": "x"}, "instructions": "i", "concurrency": 3,
        "models": {"planner": "m:all", "worker": "m:w", "synthesizer": "m:all"},
        "budget": {"maxTokens": 100, "maxCostUSD": 0.5}, "approvePlan": True, "format": "bullets",
        "style": "time-based", "maxSubtasks": 4, "minSubtasks": 2, "subtaskSchema": {"type": "object"},
        "subtasks": [{"id": "s1", "name": "n", "description": "d", "dependsOn": []},
                     {"id": "s2", "name": "m", "description": "e"}],
        "deadlineSeconds": 30, "stream": True, "workDoneToken": "w1"}
    peer.reply(request, REPORT)
    await call
    await client.close()


async def test_plan_subtask_synthesize_and_cancel_parameters():
    client, peer = connect()

    async def roundtrip(coro, result):
        call = asyncio.ensure_future(coro)
        request = await peer.next()
        peer.reply(request, result)
        return request, await call

    request, plan = await roundtrip(client.plan("t", context={"a": 1}, max_subtasks=3, min_subtasks=2,
                                                model="m:p", subtask_schema={"type": "object"},
                                                instructions="i", template="tpl"), PLAN)
    assert request["params"] == {"task": "t", "context": {"a": 1}, "maxSubtasks": 3, "minSubtasks": 2,
                                 "model": "m:p", "subtaskSchema": {"type": "object"},
                                 "instructions": "i", "template": "tpl"}
    assert plan.subtask("s2").depends_on == ["s1"]
    request, result = await roundtrip(
        client.run_subtask(plan_id="p1", subtask_id="s1", output_schema={"type": "object"}, max_tokens=9),
        {"subtaskId": "s1", "output": "{}", "json": {}, "usage": {"inputTokens": 1, "outputTokens": 1},
         "model": "m:w", "attempts": 2, "durationMs": 3.5, "finishReason": "stop", "costUSD": 0.01})
    assert request["method"] == "runSubtask"
    assert request["params"] == {"planId": "p1", "subtaskId": "s1", "outputSchema": {"type": "object"},
                                 "maxTokens": 9}
    assert (result.json, result.attempts, result.cost_usd) == ({}, 2, 0.01)
    request, _ = await roundtrip(
        client.run_subtask(task="t", subtask=Subtask(id="", name="n", description="d"), context={"k": "v"}),
        {"subtaskId": "x", "output": "o"})
    assert request["params"] == {"task": "t", "subtask": {"name": "n", "description": "d"},
                                 "context": {"k": "v"}}
    request, synthesis = await roundtrip(
        client.synthesize(task="t", results=[SubtaskOutcome("s1", "completed", output="o"),
                                             {"subtaskId": "s2", "status": "failed", "error": "e"}],
                          format="bullets", style="time-based"),
        {"output": "merged", "missing": ["s2"], "usage": {}, "model": "m", "attempts": 1, "durationMs": 1})
    assert request["params"] == {"task": "t", "format": "bullets", "style": "time-based", "results": [
        {"subtaskId": "s1", "status": "completed", "output": "o"},
        {"subtaskId": "s2", "status": "failed", "error": "e"}]}
    assert synthesis.missing == ["s2"]
    request, cancelled = await roundtrip(client.cancel(plan_id="p1"), {"cancelled": True})
    assert (request["method"], request["params"], cancelled) == ("cancel", {"planId": "p1"}, True)
    request, runs = await roundtrip(client.runs_list(), {"runs": [{"runId": "r1", "status": "running",
                                                                   "task": "t", "subtasks": 3}]})
    assert request["method"] == "runs/list" and runs[0].run_id == "r1" and runs[0].subtasks == 3
    request, report = await roundtrip(client.runs_get("r1"), REPORT)
    assert (request["method"], request["params"], report.status) == ("runs/get", {"runId": "r1"}, "completed")
    with pytest.raises(ValueError):
        await client.cancel()
    with pytest.raises(ValueError):
        await client.cancel(run_id="r", plan_id="p")
    await client.close()
