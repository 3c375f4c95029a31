"""plan, runSubtask, synthesize, run (with events, approval and cancellation), runs/* against the
real binary and the mock LLM server. Skipped while the server does not serve these methods."""

from __future__ import annotations

import asyncio
import json

import pytest

from baton_client import (
    Baton, InvalidParams, NotFound, PlanDecision, ProviderFailed, RunEvent, RunReport, Subtask,
)

BUDGET_SCHEMA = {"type": "object", "properties": {"budgetShare": {"type": "number"}},
                 "required": ["budgetShare"]}
TWO_STEPS = [Subtask(id="a", name="Draft", description="Draft the text"),
             Subtask(id="b", name="Polish", description="Polish the draft", depends_on=["a"])]


def require(client, *methods: str) -> None:
    missing = [m for m in methods if m not in client.server_methods]
    if missing:
        pytest.skip(f"this baton build does not serve {', '.join(missing)} yet")


async def test_plan_splits_a_task_into_subtasks(connect):
    async with connect() as client:
        require(client, "plan")
        plan = await client.plan("Write a guide to tea", max_subtasks=3)
        assert plan.plan_id
        assert 1 <= len(plan.subtasks) <= 3
        assert all(s.id and s.name and s.description for s in plan.subtasks)
        assert len({s.id for s in plan.subtasks}) == len(plan.subtasks)


async def test_plan_subtasks_carry_the_fields_a_subtask_schema_demands(connect):
    async with connect() as client:
        require(client, "plan")
        plan = await client.plan("Plan a party", subtask_schema=BUDGET_SCHEMA)
        assert plan.subtasks
        assert all(isinstance(s.get("budgetShare"), (int, float)) for s in plan.subtasks)


async def test_run_subtask_and_synthesize_a_stored_plan(connect):
    async with connect() as client:
        require(client, "plan", "runSubtask", "synthesize")
        plan = await client.plan("Describe three rivers")
        for subtask in plan.subtasks:
            result = await client.run_subtask(plan_id=plan.plan_id, subtask_id=subtask.id)
            assert result.subtask_id == subtask.id
            assert result.output.startswith("echo:")
            assert result.attempts >= 1 and "mock" in result.model
            assert result.usage.output_tokens > 0
        synthesis = await client.synthesize(plan_id=plan.plan_id)
        assert synthesis.output and synthesis.missing == []


async def test_run_subtask_inline_with_an_output_schema(connect):
    async with connect() as client:
        require(client, "runSubtask")
        result = await client.run_subtask(
            task="Price a trip", subtask={"id": "f", "name": "Flights", "description": "Estimate the flights"},
            output_schema={"type": "object", "properties": {"usd": {"type": "number"}}, "required": ["usd"]})
        assert isinstance(result.json, dict) and isinstance(result.json["usd"], (int, float))
        assert json.loads(result.output) == result.json


async def test_synthesize_given_results_reports_the_missing_ones(connect):
    async with connect() as client:
        require(client, "synthesize")
        synthesis = await client.synthesize(task="Answer the customer", results=[
            {"subtaskId": "s1", "name": "Billing", "status": "completed", "output": "Refund issued."},
            {"subtaskId": "s2", "name": "Return", "status": "failed", "error": "timeout"}],
            format="bullets")
        assert synthesis.output
        assert synthesis.missing == ["s2"]


async def test_run_reports_every_subtask_and_events_arrive_in_order(connect):
    async with connect() as client:
        require(client, "run")
        events = []
        report = await client.run("Write a short story", on_event=events.append)
        assert isinstance(report, RunReport)
        assert report.status == "completed" and report.output
        assert report.plan is not None and len(report.results) == len(report.plan.subtasks)
        assert all(r.status == "completed" for r in report.results)
        assert {e.run_id for e in events} == {report.run_id}
        seqs = [e.seq for e in events]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        types = [e.type for e in events]
        assert types[0] == "planReady" and events[0].plan.plan_id == report.plan.plan_id
        assert types[-1] == "runCompleted" and events[-1].status == "completed"
        started = {e.subtask_id for e in events if e.type == "subtaskStarted"}
        completed = {e.subtask_id for e in events if e.type == "subtaskCompleted"}
        assert started == completed == {s.id for s in report.plan.subtasks}
        assert "synthesisStarted" in types


async def test_run_events_streams_deltas_and_ends_with_the_report(connect, mock):
    mock.configure(reply_words=10)
    async with connect() as client:
        require(client, "run")
        items = [item async for item in client.run_events("Explain tides", stream=True)]
        *events, report = items
        assert isinstance(report, RunReport) and report.status == "completed"
        assert all(isinstance(e, RunEvent) for e in events)
        for subtask in report.plan.subtasks:
            deltas = [e.text for e in events if e.type == "subtaskDelta" and e.subtask_id == subtask.id]
            assert "".join(deltas) == report.result(subtask.id).output
        assert "".join(e.text for e in events if e.type == "synthesisDelta") == report.output


async def test_a_given_plan_skips_the_planner(connect, mock):
    async with connect() as client:
        require(client, "run")
        report = await client.run("Write and polish a slogan", subtasks=TWO_STEPS)
        assert report.status == "completed"
        assert [s.id for s in report.plan.subtasks] == ["a", "b"]
        assert [r.subtask_id for r in report.results] == ["a", "b"]
        assert len(mock.log()) == 3  # two workers and the synthesizer, no planner


async def test_context_variables_fill_prompt_templates(connect, mock):
    async with connect() as client:
        require(client, "run")
        report = await client.run(
            "Taglines", context={"product": "Zephyr kettles", "audience": "night owls"},
            subtasks=[{"id": "t", "name": "Tagline", "description": "One tagline"}],
            templates={"worker": "Write {subtaskName} for {product}, aimed at {audience}."})
        assert report.status == "completed"
        worker_prompt = mock.log()[0]["body"]["messages"][-1]["content"]
        assert "Zephyr kettles" in worker_prompt and "night owls" in worker_prompt
        assert "{product}" not in worker_prompt


async def test_a_template_naming_an_unknown_variable_is_invalid_params(connect, mock):
    async with connect() as client:
        require(client, "run")
        with pytest.raises(InvalidParams) as info:
            await client.run("x", templates={"worker": "Do {nothing}"})
        assert info.value.kind == "templateVariableMissing" and info.value.data["variable"] == "nothing"
        assert mock.log() == []  # refused before anything was spent


async def test_a_cyclic_given_plan_is_invalid_params(connect):
    async with connect() as client:
        require(client, "run")
        with pytest.raises(InvalidParams) as info:
            await client.run("x", subtasks=[Subtask("a", "A", "a", depends_on=["b"]),
                                            Subtask("b", "B", "b", depends_on=["a"])])
        assert info.value.kind == "invalidPlan"


async def test_a_failing_planner_ends_the_run_as_failed(connect, mock):
    mock.configure(status=400)
    async with connect() as client:
        require(client, "run", "plan")
        report = await client.run("x")
        assert report.status == "failed" and "400" in report.error and report.results == []
        with pytest.raises(ProviderFailed) as info:
            await client.plan("x")
        assert info.value.kind == "badRequest"


async def test_retries_and_usage_are_reported_as_events(connect, mock):
    mock.configure(fail_first_n=1, error_status=500)
    async with connect() as client:
        require(client, "run")
        events = []
        report = await client.run("x", subtasks=[{"id": "a", "name": "A", "description": "a"}],
                                  on_event=events.append)
        assert report.status == "completed" and report.result("a").attempts == 2
        retry = next(e for e in events if e.type == "retrying")
        assert (retry.subtask_id, retry.attempt) == ("a", 1) and "500" in retry.reason
        assert retry.delay_seconds is not None and retry.delay_seconds >= 0
        usage = [e for e in events if e.type == "usage"]
        assert usage and usage[-1].usage == report.usage


async def test_approval_can_edit_the_plan(connect):
    async with connect() as client:
        require(client, "run")
        reviewed = []

        async def keep_first(plan, run_id):
            reviewed.append(run_id)
            plan.subtasks = plan.subtasks[:1]
            return PlanDecision.edit(plan)

        client.on_plan_approve = keep_first
        events = []
        report = await client.run("Plan a garden", approve_plan=True, min_subtasks=2, on_event=events.append)
        assert reviewed == [report.run_id]
        assert report.status == "completed"
        assert len(report.plan.subtasks) == 1 and len(report.results) == 1
        # planReady comes again with the plan as edited.
        plans = [e.plan for e in events if e.type == "planReady"]
        assert [len(p.subtasks) for p in plans] == [2, 1]
        assert plans[0].plan_id == plans[1].plan_id


async def test_a_rejected_plan_ends_the_run_as_rejected(connect, mock):
    async with connect() as client:
        require(client, "run")
        client.on_plan_approve = lambda plan, run_id: PlanDecision.reject("not now")
        report = await client.run("Plan a garden", approve_plan=True)
        assert report.status == "rejected"
        assert len(mock.log()) == 1  # only the planner ran


async def test_without_a_handler_plans_are_approved(connect):
    async with connect() as client:
        require(client, "run")
        report = await client.run("Plan a garden", approve_plan=True)
        assert report.status == "completed"


async def test_cancel_by_run_id_returns_a_cancelled_report(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        require(client, "run", "cancel")
        run_id: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()

        def on_event(event):
            if not run_id.done():
                run_id.set_result(event.run_id)

        call = asyncio.ensure_future(client.run("Slow work", subtasks=TWO_STEPS, on_event=on_event))
        await mock.wait(gated=1)
        assert await client.cancel(run_id=await run_id) is True
        report = await call
        assert report.status == "cancelled"
        assert report.result("a").status == "cancelled"
        assert report.result("b").status in ("cancelled", "skipped")
        assert (await client.runs_get(report.run_id)).status == "cancelled"


async def test_cancelling_the_run_task_cancels_the_request(connect, mock):
    mock.configure(gate=True)
    async with connect() as client:
        require(client, "run")
        call = asyncio.ensure_future(client.run("Slow work", subtasks=TWO_STEPS))
        await mock.wait(gated=1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        await mock.wait(disconnects=1)
        assert (await client.status()).requests_in_flight == 1


async def test_runs_get_and_runs_list_find_a_finished_run(connect):
    async with connect() as client:
        require(client, "run", "runs/get", "runs/list")
        report = await client.run("Name a cat", subtasks=[{"id": "n", "name": "Name", "description": "A name"}])
        again = await client.runs_get(report.run_id)
        assert (again.run_id, again.status, again.output) == (report.run_id, "completed", report.output)
        runs = await client.runs_list()
        assert any(r.run_id == report.run_id and r.task == "Name a cat" for r in runs)
        with pytest.raises(NotFound) as info:
            await client.runs_get("no-such-run")
        assert info.value.code == 1002
        assert await client.cancel(run_id="no-such-run") is False


async def test_a_token_budget_stops_the_run(connect):
    async with connect() as client:
        require(client, "run")
        report = await client.run("Write an essay", budget_tokens=1)
        assert report.status == "budgetExceeded"


async def test_run_progress_reaches_on_progress(connect):
    async with connect() as client:
        require(client, "run")
        progress = []
        client.on_progress = lambda token, value: progress.append((token, value["kind"]))
        await client.run("Count to three", extra={"workDoneToken": "w1"})
        assert progress[0] == ("w1", "begin") and progress[-1] == ("w1", "end")


def test_sync_wrapper_runs_a_task(baton_binary, mock, tmp_path):
    with Baton(baton_binary, config=mock.config_for_baton(), state_dir=tmp_path) as b:
        require(b.client, "run")
        events = []
        report = b.run("Write a limerick", on_event=events.append)
        assert report.status == "completed" and events[-1].type == "runCompleted"
