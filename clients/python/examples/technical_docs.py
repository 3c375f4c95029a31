#!/usr/bin/env python3
"""Technical documentation written in sections (overview, reference, tutorial) and merged into
one document. The tutorial depends on the reference, so it is written second."""

import sys

from _common import finish, parse_args, progress
from baton_client import Baton, Subtask

TOPIC = "a small Python library `retryable` that retries a function with exponential backoff"

SECTIONS = [
    Subtask(id="overview", name="Overview",
            description=f"Write the overview section for {TOPIC}: what it is for and when to use it."),
    Subtask(id="reference", name="API reference",
            description="Write the API reference: the `retry(fn, attempts=3, base_delay=0.5)` function, "
                        "its parameters, return value and exceptions."),
    Subtask(id="tutorial", name="Tutorial", depends_on=["reference"],
            description="Write a short step-by-step tutorial that uses the API from the reference."),
]


def main() -> int:
    args = parse_args(__doc__)
    if args.max_tokens:
        for section in SECTIONS:
            section.constraints = {"maxTokens": args.max_tokens}
    with Baton(args.binary) as baton:
        report = baton.run(
            f"Documentation for {TOPIC}",
            subtasks=SECTIONS,
            model=args.model,
            format="Markdown, one `##` heading per section, in the order overview, reference, tutorial",
            on_event=progress,
        )
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
