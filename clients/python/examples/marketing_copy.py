#!/usr/bin/env python3
"""Marketing copy in several styles from one brief: the brief is context, the subtasks are
templates that name its variables ({product}, {audience}, {benefit})."""

import sys

from _common import finish, parse_args, progress
from baton_client import Baton

BRIEF = {
    "product": "Zephyr, a quiet electric kettle that boils a litre in 90 seconds",
    "audience": "busy parents",
    "benefit": "hot water for tea or formula before the baby finishes crying",
}
STYLES = {
    "formal": "polished and formal, for a product catalogue",
    "conversational": "warm and conversational, for a social media post",
    "punchy": "three short punchy lines, for a billboard",
}


def main() -> int:
    args = parse_args(__doc__)
    subtasks = [{"id": style, "name": f"{style.title()} copy",
                 "description": f"Write copy for {{product}} aimed at {{audience}}, stressing {{benefit}}. "
                                f"Style: {how}."}
                for style, how in STYLES.items()]
    with Baton(args.binary) as baton:
        report = baton.run(
            "Marketing copy for {product}",
            context=BRIEF,
            subtasks=subtasks,
            model=args.model,
            format="each version under a heading naming its style",
            on_event=progress,
        )
    return finish(report)


if __name__ == "__main__":
    sys.exit(main())
