"""Shared bits of the examples: command line, progress on stderr, and an import path that works
from a checkout without installing baton_client."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from baton_client import Plan, PlanDecision, RunEvent, RunReport  # noqa: E402


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--model", help="provider:model for every step (default: baton's default model, "
                                         "local:smollm2-135m when no API key is set)")
    parser.add_argument("--binary", help="the baton executable (default: $BATON_BINARY, PATH, or the checkout's build)")
    parser.add_argument("--max-tokens", type=int, default=300,
                        help="cap on each subtask's output (default 300: keeps the synthesis within the "
                             "local model's 2048-token context; 0 = no cap)")
    return parser.parse_args()


def cap_outputs(max_tokens: int):
    """A plan/approve handler that edits the plan so every subtask's output is capped
    (the engine honours ``constraints.maxTokens``)."""

    def approve(plan: Plan, run_id: str) -> PlanDecision:
        for subtask in plan.subtasks:
            if max_tokens:
                subtask.constraints = {**(subtask.constraints or {}), "maxTokens": max_tokens}
        return PlanDecision.edit(plan)

    return approve


_planned = set()


def progress(event: RunEvent) -> None:
    """One stderr line per run event worth seeing; stdout stays for the result."""
    line: Optional[str] = None
    if event.type == "planReady" and event.plan:
        # A second planReady is the plan as edited at approval (here: with output caps).
        label = "plan (as approved)" if event.run_id in _planned else "plan"
        _planned.add(event.run_id)
        names = ", ".join(s.name for s in event.plan.subtasks)
        line = f"{label}: {len(event.plan.subtasks)} subtasks: {names}"
    elif event.type == "subtaskStarted":
        line = f"  started   {event.name}"
    elif event.type in ("subtaskCompleted", "subtaskFailed", "subtaskSkipped"):
        verb = {"subtaskCompleted": "done", "subtaskFailed": "FAILED", "subtaskSkipped": "skipped"}[event.type]
        detail = f": {event.error}" if event.error else ""
        line = f"  {verb:<9} {event.subtask_id} ({event.completed}/{event.total}){detail}"
    elif event.type == "retrying":
        line = f"  retrying  {event.subtask_id or 'step'} after attempt {event.attempt}: {event.reason}"
    elif event.type == "synthesisStarted":
        line = "synthesizing..."
    if line:
        print(line, file=sys.stderr, flush=True)


def finish(report: RunReport) -> int:
    """Print the result on stdout and a summary on stderr; the exit code says whether it worked."""
    print(f"run {report.run_id}: {report.status}, {report.usage.total_tokens} tokens, "
          f"${report.cost_usd:.4f}", file=sys.stderr)
    if report.status != "completed":
        print(f"error: {report.error or report.status}", file=sys.stderr)
        return 1
    print(report.output)
    return 0
