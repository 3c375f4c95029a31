"""The typed views: camelCase JSON in, dataclasses out, unknown members kept."""

from __future__ import annotations

import pytest

from baton_client import Plan, PlanDecision, RunReport, Subtask
from baton_client.types import decision_to_json


def test_run_report_from_the_engine_shape():
    report = RunReport.from_json({
        "runId": "r1", "status": "cancelled", "task": "t", "error": "cancelled by the client",
        "plan": {"planId": "p1", "objective": "o", "subtasks": [{"id": "s1", "name": "a", "description": "d"}]},
        "results": [{"subtaskId": "s1", "status": "cancelled", "usage": {"inputTokens": 4, "outputTokens": 1},
                     "attempts": 1, "durationMs": 12.5, "model": "mock:m", "costUSD": 0.001}],
        "usage": {"inputTokens": 10, "outputTokens": 2}, "costUSD": 0.002, "startedAt": "2026-01-01T00:00:00Z",
        "durationMs": 40, "journalPath": "/tmp/j", "unpricedModels": ["mock:m"]})
    assert (report.status, report.error, report.plan.plan_id) == ("cancelled", "cancelled by the client", "p1")
    result = report.result("s1")
    assert (result.status, result.usage.input_tokens, result.duration_ms, result.cost_usd) == \
        ("cancelled", 4, 12.5, 0.001)
    assert (report.usage.total_tokens, report.cost_usd, report.journal_path) == (12, 0.002, "/tmp/j")
    assert report.raw["unpricedModels"] == ["mock:m"]
    assert report.output is None


def test_subtask_fields_demanded_by_a_schema_are_found_in_params_or_the_subtask():
    in_params = Subtask.from_json({"id": "s1", "name": "n", "description": "d", "params": {"budgetShare": 0.25}})
    inline = Subtask.from_json({"id": "s2", "name": "n", "description": "d", "budgetShare": 0.75})
    assert in_params.get("budgetShare") == 0.25 and inline.get("budgetShare") == 0.75
    assert inline.extra == {"budgetShare": 0.75} and inline.get("absent", "x") == "x"
    assert inline.to_json() == {"id": "s2", "name": "n", "description": "d", "budgetShare": 0.75}


def test_plan_round_trips_with_unknown_members():
    wire = {"planId": "p", "objective": "o", "createdBy": "planner",
            "subtasks": [{"id": "s1", "name": "n", "description": "d", "type": "billing",
                          "dependsOn": [], "constraints": {"maxTokens": 5}}]}
    assert Plan.from_json(wire).to_json() == wire


def test_malformed_members_do_not_raise():
    report = RunReport.from_json({"runId": 5, "results": "nope", "usage": None, "plan": []})
    assert (report.run_id, report.results, report.usage.total_tokens, report.plan) == ("", [], 0, None)


def test_decisions_normalise_and_bad_answers_are_refused():
    plan = Plan.from_json({"planId": "p", "objective": "o", "subtasks": []})
    assert decision_to_json(None) == {"decision": "approve"}
    assert decision_to_json({"decision": "edit", "plan": plan}) == \
        {"decision": "edit", "plan": {"planId": "p", "objective": "o", "subtasks": []}}
    assert PlanDecision.edit(plan).to_json()["plan"]["planId"] == "p"
    with pytest.raises(TypeError):
        decision_to_json("approve")
