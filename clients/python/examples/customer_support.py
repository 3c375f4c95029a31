#!/usr/bin/env python3
"""A customer message with several issues, split by type (billing, return, order status), each
handled on its own, and answered in one reply."""

import sys

from _common import cap_outputs, finish, parse_args, progress
from baton_client import Baton

MESSAGE = """Hi, I was charged twice for order #4411 last week. Also the blue jacket from that order
is too small and I'd like to send it back. And where is order #4420? It was due on Monday. - Dana"""

ISSUE_TYPE = {
    "type": "object",
    "properties": {"issueType": {"type": "string", "enum": ["billing", "return", "orderStatus"]}},
    "required": ["issueType"],
}


def main() -> int:
    args = parse_args(__doc__)
    with Baton(args.binary, on_plan_approve=cap_outputs(args.max_tokens)) as baton:
        report = baton.run(
            "Answer the customer message given in the context.",
            context={"message": MESSAGE},
            instructions="Make one subtask per issue in the message; each subtask drafts the answer to "
                         "its issue only.",
            subtask_schema=ISSUE_TYPE,
            min_subtasks=2,
            max_subtasks=3,
            approve_plan=True,
            model=args.model,
            format="one friendly email reply to Dana that answers every issue, signed 'Support team'",
            on_event=progress,
        )
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
