"""The cross-platform part of ``cauterize lineage``: an actor's incarnations on every platform.

The command itself lives in ``cli/evasion.py`` (it prints the same-platform tree first); this
module renders the table of every incarnation across platforms, oldest first, with dates,
each platform's status and the action available there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.markup import escape
from rich.table import Table

from cauterize.display import visible


def _fmt(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "?"


def across_platforms_json(store: Any, platform: str, account_id: str, min_probability: float) -> list[dict[str, Any]]:
    from cauterize.actors.lineage import family

    return [i.to_json() for i in family(store, (platform, account_id), min_probability)]


def across_platforms_table(store: Any, platform: str, account_id: str, min_probability: float) -> Table | None:
    """The table, or ``None`` when every incarnation is on one platform (the tree says it all)."""
    from cauterize.actors.lineage import family

    rows = family(store, (platform, account_id), min_probability)
    if len({r.platform for r in rows}) < 2:
        return None
    handles = {(r.platform, r.account_id): r.handle for r in rows}
    table = Table(title="Incarnations across platforms", title_justify="left")
    for col in ("platform", "handle", "created", "status", "linked to", "action available"):
        table.add_column(col)
    for r in rows:
        status = r.status or "?"
        parent = ""
        if r.parent is not None:
            name = handles.get(r.parent) or r.parent[1]
            kind = "across platforms" if r.link == "cross_platform" else "same platform"
            parent = f"{escape(visible(r.parent[0]))}:@{escape(visible(name))} (p={r.probability:.2f}, {kind})"
        table.add_row(
            escape(visible(r.platform)),
            f"@{escape(visible(r.handle or '?'))}",
            _fmt(r.created_at),
            status if status == "active" else f"{status} {_fmt(r.status_at)}",
            parent,
            escape(r.action_available),
        )
    return table
