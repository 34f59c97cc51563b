"""An actor's incarnations on every platform, read from the store's link signals.

Edges are the strongest link reported for each account: ``evasion.*`` within one platform and
``crossplatform.*`` across platforms (the child is the signal's account, the parent is named in
its evidence). The family of an account is every account reachable over those edges, either way.
This module reads the store (it is used by ``cauterize lineage``); the rest of the package is pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from cauterize.store import schema

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Incarnation:
    platform: str
    account_id: str
    handle: str | None
    created_at: datetime | None
    status: str | None
    status_at: datetime | None
    parent: Key | None
    probability: float | None
    #: "same_platform" or "cross_platform" for the link to ``parent``.
    link: str | None

    @property
    def action_available(self) -> str:
        if self.status in ("suspended", "deleted"):
            return "none (already removed)"
        return f"review on {self.platform}"

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "handle": self.handle,
            "created_at": self.created_at,
            "status": self.status,
            "status_at": self.status_at,
            "parent_platform": self.parent[0] if self.parent else None,
            "parent_account_id": self.parent[1] if self.parent else None,
            "link_probability": self.probability,
            "link": self.link,
            "action_available": self.action_available,
        }


def links(store: Any, min_probability: float) -> dict[Key, tuple[Key, float, str]]:
    """Child -> (parent, probability, kind): the strongest link reported for each account."""
    sig = schema.signals
    best: dict[Key, tuple[Key, float, str]] = {}
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(sig.c.platform, sig.c.account_id, sig.c.score, sig.c.label, sig.c.evidence).where(
                or_(sig.c.label.like("evasion.%"), sig.c.label.like("crossplatform.%")), sig.c.score >= min_probability
            )
        )
        for platform, account_id, score, label, evidence in rows:
            ev = evidence or {}
            parent_id = ev.get("parent_account_id")
            if not parent_id:
                continue
            cross = label.startswith("crossplatform.")
            parent = (ev.get("parent_platform") or platform, parent_id) if cross else (platform, parent_id)
            child = (platform, account_id)
            if child not in best or score > best[child][1]:
                best[child] = (parent, float(score), "cross_platform" if cross else "same_platform")
    return best


def family(store: Any, start: Key, min_probability: float = 0.3) -> list[Incarnation]:
    """Every account linked to ``start`` (either way, any platform), oldest first."""
    edges = links(store, min_probability)
    near: dict[Key, set[Key]] = {}
    for child, (parent, _p, _k) in edges.items():
        near.setdefault(child, set()).add(parent)
        near.setdefault(parent, set()).add(child)
    members, frontier = {start}, [start]
    while frontier:
        for other in near.get(frontier.pop(), ()):
            if other not in members:
                members.add(other)
                frontier.append(other)
    out = []
    for key in members:
        row = store.account(*key) or {}
        parent, prob, kind = edges.get(key, (None, None, None))
        out.append(
            Incarnation(
                platform=key[0],
                account_id=key[1],
                handle=row.get("handle"),
                created_at=row.get("created_at"),
                status=row.get("status"),
                status_at=row.get("status_at"),
                parent=parent,
                probability=prob,
                link=kind,
            )
        )
    out.sort(key=lambda i: (i.created_at is None, i.created_at or datetime.min, i.platform, i.account_id))
    return out
