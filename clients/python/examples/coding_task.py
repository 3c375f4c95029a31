#!/usr/bin/env python3
"""A coding task split into subtasks (one function each) and merged into one program."""

import sys

from _common import cap_outputs, finish, parse_args, progress
from baton_client import Baton

TASK = ("Write a Python command-line program that reads a text file and prints the ten most "
        "frequent words with their counts.")


def main() -> int:
    args = parse_args(__doc__)
    with Baton(args.binary, on_plan_approve=cap_outputs(args.max_tokens)) as baton:
        report = baton.run(
            TASK,
            model=args.model,
            instructions="Each subtask writes one Python function with a docstring, no prose.",
            min_subtasks=2,
            max_subtasks=3,
            approve_plan=True,
            format="one complete Python file in a single code block, functions first, then main()",
            on_event=progress,
        )
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
