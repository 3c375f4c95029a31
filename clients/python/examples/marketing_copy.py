#!/usr/bin/env python3
"""Marketing copy in several styles (formal, conversational) from one brief. The brief is the run's
context; the worker prompt is a template naming its variables ({product}, {audience}, {benefit})."""

import sys

from _common import finish, parse_args, progress
from baton_client import Baton

BRIEF = {
    "product": "Zephyr, a quiet electric kettle that boils a litre in 90 seconds",
    "audience": "busy parents",
    "benefit": "hot water for tea before the baby finishes crying",
}
STYLES = {
    "formal": "polished and formal, for a product catalogue",
    "conversational": "warm and conversational, for a social media post",
}
WORKER = ("Write a short piece of marketing copy for {product}, aimed at {audience}, that stresses "
          "{benefit}.\n{subtaskDescription}\nReply with the copy only.")


def main() -> int:
    args = parse_args(__doc__)
    limits = {"maxTokens": args.max_tokens} if args.max_tokens else None
    subtasks = [{"id": style, "name": f"{style.title()} copy", "description": f"Style: {how}.",
                 "constraints": limits} for style, how in STYLES.items()]
    with Baton(args.binary) as baton:
        report = baton.run(
            "Marketing copy for a kettle in several styles",
            context=BRIEF,
            subtasks=subtasks,
            templates={"worker": WORKER},
            model=args.model,
            format="each version under a heading naming its style",
            on_event=progress,
        )
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
