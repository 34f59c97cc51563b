"""Reading the store for the transparency report: rows in, :mod:`figures` records out.

Only reads. Per-account lookups (first post, follows, reposts) are asked for the actioned accounts
only, in chunks, so a report over a large store does not load every edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from cauterize.report.figures import Actioned, Return
from cauterize.store import schema as s
from cauterize.store import schema_network as sn
from cauterize.store import schema_review as sr

#: Enforcement actions that act on the account (``remove_post`` acts on one post only).
PLATFORM_ACCOUNT_ACTIONS = ("suspend", "delete", "withhold")
#: cauterize decisions that are themselves an account action (automatic actions on).
AUTO_ACCOUNT_ACTIONS = ("suspend",)
#: Review actions that act on the account; ``reverted`` ones happened and count.
REVIEW_ACCOUNT_ACTIONS = ("suspend", "restrict")
CHUNK = 500


def _chunks(ids: Sequence[str], n: int = CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(ids), n):
        yield list(ids[i : i + n])


def _keep_first(out: dict[str, tuple[datetime, Any]], key: str, t: datetime | None, extra: Any = None) -> None:
    if t is not None and (key not in out or t < out[key][0]):
        out[key] = (t, extra)


def first_actions(conn: Connection, platform: str) -> dict[str, tuple[datetime, str]]:
    """Account -> (time, source) of its first account-level action from any of the three sources."""
    out: dict[str, tuple[datetime, Any]] = {}
    e = s.enforcements
    for acc, t in conn.execute(
        select(e.c.account_id, func.min(e.c.event_time))
        .where(e.c.platform == platform, e.c.action.in_(PLATFORM_ACCOUNT_ACTIONS))
        .group_by(e.c.account_id)
    ):
        _keep_first(out, acc, t, "platform")
    d = s.decisions
    for acc, t in conn.execute(
        select(d.c.account_id, func.min(d.c.event_time))
        .where(d.c.platform == platform, d.c.action.in_(AUTO_ACCOUNT_ACTIONS))
        .group_by(d.c.account_id)
    ):
        _keep_first(out, acc, t, "auto")
    ra = sr.review_actions
    for acc, t, src in conn.execute(
        select(ra.c.account_id, ra.c.created_at, ra.c.source).where(
            ra.c.platform == platform,
            ra.c.action.in_(REVIEW_ACCOUNT_ACTIONS),
            ra.c.status.in_(["applied", "reverted"]),
        )
    ):
        _keep_first(out, acc, t, "auto" if src == "auto" else "review")
    return out


def first_decisions(conn: Connection, platform: str) -> dict[str, tuple[datetime, str]]:
    """Account -> (event time, rule) of cauterize's first decision on it, whatever the action."""
    d = s.decisions
    out: dict[str, tuple[datetime, Any]] = {}
    # Ties in time go to the decision stored first, so the rule shown does not depend on the backend.
    q = select(d.c.account_id, d.c.event_time, d.c.rule).where(d.c.platform == platform).order_by(d.c.id)
    for acc, t, rule in conn.execute(q):
        _keep_first(out, acc, t, rule)
    return out


def _min_by(conn: Connection, key: Any, time: Any, where: Any) -> dict[str, datetime]:
    return {k: t for k, t in conn.execute(select(key, func.min(time)).where(*where).group_by(key))}


def build_actioned(conn: Connection, platform: str, networks: dict[str, str] | None = None) -> list[Actioned]:
    actions = first_actions(conn, platform)
    decisions = first_decisions(conn, platform)
    ids = sorted(actions)
    a, p, r, e = s.accounts, s.posts, s.reports, s.edges
    created: dict[str, datetime | None] = {}
    #: The platform's follower count from the newest profile, with that profile's time.
    profile: dict[str, tuple[int | None, datetime | None]] = {}
    first_post: dict[str, datetime] = {}
    first_report: dict[str, datetime] = {}
    follows: dict[str, list[tuple[datetime, int]]] = {}
    reposts: dict[str, list[datetime]] = {}
    for chunk in _chunks(ids):
        for acc, t, n, at in conn.execute(
            select(a.c.account_id, a.c.created_at, a.c.followers_count, a.c.profile_at).where(
                a.c.platform == platform, a.c.account_id.in_(chunk)
            )
        ):
            created[acc] = t
            profile[acc] = (n, at)
        first_post.update(
            _min_by(conn, p.c.account_id, p.c.created_at, (p.c.platform == platform, p.c.account_id.in_(chunk)))
        )
        first_report.update(
            _min_by(conn, r.c.target, r.c.event_time, (r.c.platform == platform, r.c.target.in_(chunk)))
        )
        for dst, kind, t in conn.execute(
            select(e.c.dst, e.c.kind, e.c.event_time).where(
                e.c.platform == platform, e.c.dst.in_(chunk), e.c.kind.in_(["follow", "unfollow", "repost"])
            )
        ):
            if kind == "repost":
                reposts.setdefault(dst, []).append(t)
            else:
                follows.setdefault(dst, []).append((t, 1 if kind == "follow" else -1))
    out = []
    for acc in ids:
        at, source = actions[acc]
        dec = decisions.get(acc)
        seen = max(sum(step for t, step in follows.get(acc, ()) if t <= at), 0)
        # Follows made before the feed began are never seen as edges; a profile the platform sent
        # before the action says how many there were then. Both undercount; take the larger.
        count, profile_at = profile.get(acc, (None, None))
        if count is not None and profile_at is not None and profile_at <= at:
            seen = max(seen, count)
        out.append(
            Actioned(
                account_id=acc,
                action_at=at,
                source=source,
                created_at=created.get(acc),
                first_post_at=first_post.get(acc),
                first_report_at=first_report.get(acc),
                first_decision_at=dec[0] if dec else None,
                rule=dec[1] if dec else None,
                followers_at_action=seen,
                reposts_before_action=sum(1 for t in reposts.get(acc, ()) if t < at),
                network=(networks or {}).get(acc),
            )
        )
    return out


def build_returns(conn: Connection, platform: str, actioned: dict[str, datetime]) -> list[Return]:
    """Each account's first ``evasion.*`` link (the moment cauterize relinked it) with its parent."""
    sig = s.signals
    first: dict[str, tuple[datetime, Any]] = {}
    for acc, t, ev in conn.execute(
        select(sig.c.account_id, sig.c.event_time, sig.c.evidence).where(
            sig.c.platform == platform, sig.c.label.like("evasion.%")
        )
    ):
        ev = ev if isinstance(ev, dict) else {}
        if ev.get("parent_account_id"):
            _keep_first(first, acc, t, ev)
    a = s.accounts
    created: dict[str, datetime | None] = {}
    ids = sorted(first)
    for chunk in _chunks(ids):
        created.update(
            conn.execute(
                select(a.c.account_id, a.c.created_at).where(a.c.platform == platform, a.c.account_id.in_(chunk))
            ).all()
        )
    out = []
    for acc in ids:
        t, ev = first[acc]
        parent = str(ev["parent_account_id"])
        suspended = actioned.get(parent) or _parse(ev.get("parent_suspended_at"))
        out.append(Return(acc, parent, created.get(acc), t, suspended))
    return out


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def networks(conn: Connection, platform: str) -> dict[str, str]:
    """Account -> "community N" from the latest network analysis (``cauterize network``); empty
    when none was run."""
    ns = sn.network_scores
    return {
        acc: f"community {c}"
        for acc, c in conn.execute(
            select(ns.c.account_id, ns.c.community).where(ns.c.platform == platform, ns.c.community.is_not(None))
        )
    }


def flagged_accounts(conn: Connection, platform: str) -> list[tuple[str, datetime]]:
    """(account, event time) of every cauterize decision: for the trusted-accounts-flagged figure."""
    d = s.decisions
    return list(conn.execute(select(d.c.account_id, d.c.event_time).where(d.c.platform == platform)).all())


def review_rows(conn: Connection, platform: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    c, ap = sr.review_cases, sr.review_appeals
    cases = [
        dict(r._mapping)
        for r in conn.execute(
            select(c.c.id, c.c.queue, c.c.status, c.c.opened_at, c.c.sla_due_at, c.c.resolved_at).where(
                c.c.platform == platform
            )
        )
    ]
    ids = {x["id"] for x in cases}
    appeals = [
        dict(r._mapping)
        for r in conn.execute(select(ap.c.case_id, ap.c.status, ap.c.created_at, ap.c.decided_at))
        if r.case_id in ids
    ]
    return cases, appeals


def reinstatements(conn: Connection, platform: str) -> list[tuple[str, datetime]]:
    ra = sr.review_actions
    return list(
        conn.execute(
            select(ra.c.account_id, ra.c.created_at).where(
                ra.c.platform == platform, ra.c.action.in_(["reinstate", "unrestrict"]), ra.c.status == "applied"
            )
        ).all()
    )


def trusted_of(ids: Iterable[str], platform: str, is_trusted: Callable[[str, str], bool] | None) -> set[str]:
    if is_trusted is None:
        return set()
    return {i for i in ids if is_trusted(platform, i)}
