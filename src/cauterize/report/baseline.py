"""The naive baseline beside the replacement rate: returns found by handle edit distance alone.

The same rule ``cauterize eval`` scores cauterize against (``evaluation/naive.py``: a new account
whose folded handle is within normalised edit distance 0.2 of a suspended account's), replayed over
the stored events. If cauterize's returns per suspension tell a reader less than this does, the
linking is not worth its cost; the report prints both so nobody has to take that on trust.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

KINDS = ("account_created", "profile_changed", "enforcement", "post_created", "follow")


def edit_distance_links(store: Any, platform: str) -> list[tuple[str, str, datetime]]:
    """(child, parent, flagged at) for every account the naive rule links, on this platform."""
    from cauterize.evaluation.naive import NaiveRule

    rule = NaiveRule()
    for ev in store.iter_events(KINDS):
        if ev.platform == platform:
            rule.feed(ev)
    return sorted((acct, parent, at) for (plat, acct), (at, parent, _) in rule.flags.items() if plat == platform)
