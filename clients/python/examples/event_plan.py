#!/usr/bin/env python3
"""An event plan whose budget is split across subtasks: the planner must give every subtask a
`budgetShare` (a fraction of the total), and the synthesis is a time-based bullet-point plan."""

import sys

from _common import cap_outputs, finish, parse_args, progress
from baton_client import Baton

BUDGET_SHARE = {
    "type": "object",
    "properties": {"budgetShare": {"type": "number", "minimum": 0, "maximum": 1,
                                   "description": "fraction of the total budget for this subtask"}},
    "required": ["budgetShare"],
}


def main() -> int:
    args = parse_args(__doc__)
    context = {"event": "a one-day developer meetup for 80 people", "budget": 6000, "city": "Lisbon"}
    with Baton(args.binary, on_plan_approve=cap_outputs(args.max_tokens)) as baton:
        report = baton.run(
            "Plan the event described in the context, within its budget (in EUR).",
            context=context,
            subtask_schema=BUDGET_SHARE,
            instructions="The budget shares of all subtasks add up to 1.",
            min_subtasks=3,
            max_subtasks=4,
            approve_plan=True,
            model=args.model,
            format="bullets",
            style="time-based",
            on_event=progress,
        )
    for subtask in report.plan.subtasks if report.plan else []:
        share = subtask.get("budgetShare")
        if isinstance(share, (int, float)):
            print(f"budget: {subtask.name}: {share:.0%} = {share * context['budget']:.0f} EUR", file=sys.stderr)
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
