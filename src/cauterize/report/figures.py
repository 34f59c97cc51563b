"""The transparency report's figures: pure functions over plain rows (docs/report.md defines each).

Nothing here reads the store or knows a table: ``query.py`` turns rows into the records below and
these functions count them. Times are aware UTC; every share comes with its numerator and
denominator so a reader can see how small a period is.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

PERIODS = ("day", "week", "month")
#: "Before 10 followers", as the platforms' own reports put it.
FOLLOWER_MARK = 10


@dataclass(frozen=True, slots=True)
class Actioned:
    """One account's first account-level action and what was known about it at that moment."""

    account_id: str
    action_at: datetime
    #: platform (an enforcement event) | auto (cauterize's automatic decision) | review (a person)
    source: str
    created_at: datetime | None
    first_post_at: datetime | None
    first_report_at: datetime | None
    #: cauterize's first decision on the account (any action, flag included) and its rule
    first_decision_at: datetime | None
    rule: str | None
    followers_at_action: int
    reposts_before_action: int
    network: str | None = None


@dataclass(frozen=True, slots=True)
class Return:
    """A new account cauterize linked to a suspended one (an ``evasion.*`` signal)."""

    account_id: str
    parent_id: str
    created_at: datetime | None
    linked_at: datetime
    parent_suspended_at: datetime | None


def period_start(t: datetime, period: str) -> datetime:
    """The start of the UTC day, ISO week (Monday) or calendar month holding ``t``."""
    t = t.astimezone(UTC)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")


def next_period(start: datetime, period: str) -> datetime:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def period_label(start: datetime, period: str) -> str:
    if period == "month":
        return start.strftime("%Y-%m")
    if period == "week":
        y, w, _ = start.isocalendar()
        return f"{y}-W{w:02d}"
    return start.strftime("%Y-%m-%d")


def periods_between(first: datetime, last: datetime, period: str) -> list[datetime]:
    """Every period from the one holding ``first`` to the one holding ``last``, empty ones included:
    a period with nothing in it is a figure (zero), not a gap."""
    out, p = [], period_start(first, period)
    end = period_start(last, period)
    while p <= end:
        out.append(p)
        p = next_period(p, period)
    return out


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated quantile (numpy's default), None for no values."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(v[lo] + (v[hi] - v[lo]) * (pos - lo))


def share(n: int, of: int) -> dict[str, Any]:
    return {"n": n, "of": of, "share": round(n / of, 4) if of else None}


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def _dist(values: list[float], digits: int = 2) -> dict[str, Any]:
    med, p90 = quantile(values, 0.5), quantile(values, 0.9)
    return {
        "n": len(values),
        "median": None if med is None else round(med, digits),
        "p90": None if p90 is None else round(p90, digits),
    }


def surfaced_first(a: Actioned) -> bool:
    """cauterize decided on the account before any user reported it, and no later than the action."""
    d = a.first_decision_at
    if d is None or d > a.action_at:
        return False
    return a.first_report_at is None or d < a.first_report_at


def before_first_post(a: Actioned) -> bool:
    return a.first_post_at is None or a.action_at < a.first_post_at


def actioned_figures(rows: Sequence[Actioned]) -> dict[str, Any]:
    """The action figures of one group (a period, a rule, a network, or everything)."""
    n = len(rows)
    known = [a for a in rows if a.created_at is not None]
    to_action = [_hours(a.created_at, a.action_at) for a in known if a.created_at is not None]
    by_source: dict[str, int] = defaultdict(int)
    for a in rows:
        by_source[a.source] += 1
    followers = [float(a.followers_at_action) for a in rows]
    reposts = [float(a.reposts_before_action) for a in rows]
    return {
        "accounts_actioned": n,
        "by_source": dict(sorted(by_source.items())),
        "surfaced_before_report": share(sum(surfaced_first(a) for a in rows), n),
        "reported_by_users": share(
            sum(a.first_report_at is not None and a.first_report_at <= a.action_at for a in rows), n
        ),
        "before_first_post": share(sum(before_first_post(a) for a in rows), n),
        "before_10_followers": share(sum(a.followers_at_action < FOLLOWER_MARK for a in rows), n),
        "hours_creation_to_action": _dist(to_action),
        "creation_unknown": n - len(known),
        "reach_before_action": {
            "followers_total": int(sum(followers)),
            "followers_median": quantile(followers, 0.5),
            "reposts_total": int(sum(reposts)),
            "reposts_median": quantile(reposts, 0.5),
        },
    }


def return_figures(returns: Sequence[Return], suspensions: int) -> dict[str, Any]:
    """Replacement rate (returns linked per suspension), return latency and time to relink."""
    latency = [
        (r.created_at - r.parent_suspended_at).total_seconds() / 60
        for r in returns
        if r.created_at is not None and r.parent_suspended_at is not None
    ]
    relink = [(r.linked_at - r.created_at).total_seconds() / 60 for r in returns if r.created_at is not None]
    return {
        "suspensions": suspensions,
        "returns_linked": len(returns),
        "replacement_rate": round(len(returns) / suspensions, 4) if suspensions else None,
        "minutes_suspension_to_return": _dist(latency, 1),
        "minutes_creation_to_relink": _dist(relink, 1),
    }


def lineage_depths(links: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Depth of each account in the lineages ``child -> parent`` links draw (a root is 0).
    A cycle (two accounts each linked to the other) stops at the first repeat."""
    parent = dict(links)
    depths: dict[str, int] = {}
    for start in set(parent) | set(parent.values()):
        seen, node, d = {start}, start, 0
        while node in parent and parent[node] not in seen:
            node = parent[node]
            seen.add(node)
            d += 1
        depths[start] = d
    return depths


def lineage_figures(links: Iterable[tuple[str, str]]) -> dict[str, Any]:
    depths = lineage_depths(links)
    leaves = [d for d in depths.values() if d > 0]
    hist: dict[int, int] = defaultdict(int)
    for d in leaves:
        hist[d] += 1
    return {
        "linked_accounts": len(leaves),
        "roots": sum(1 for d in depths.values() if d == 0),
        "max_depth": max(leaves, default=0),
        "accounts_by_depth": {str(k): v for k, v in sorted(hist.items())},
    }


def group_by(rows: Iterable[Any], key: Callable[[Any], str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        out[key(r)].append(r)
    return dict(sorted(out.items()))


def in_window(t: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    if t is None:
        return False
    return (start is None or t >= start) and (end is None or t < end)


def review_figures(cases: Sequence[dict[str, Any]], appeals: Sequence[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Queue ages against SLA (open cases, as of ``now``) and resolved cases' time against SLA.

    ``cases``: queue, status, opened_at, sla_due_at, resolved_at. ``appeals``: status."""
    open_statuses = {"open", "appealed"}
    queues: dict[str, dict[str, Any]] = {}
    for q, rows in group_by(cases, lambda c: c["queue"]).items():
        live = [c for c in rows if c["status"] in open_statuses]
        ages = [_hours(c["opened_at"], now) for c in live]
        done = [c for c in rows if c.get("resolved_at") is not None]
        queues[q] = {
            "open": len(live),
            "open_age_hours": _dist(ages),
            "open_past_sla": sum(c["sla_due_at"] < now for c in live),
            "resolved": len(done),
            "resolved_within_sla": share(sum(c["resolved_at"] <= c["sla_due_at"] for c in done), len(done)),
        }
    return {"queues": queues, "appeals": appeal_figures(appeals)}


def appeal_figures(appeals: Sequence[dict[str, Any]]) -> dict[str, Any]:
    decided = [a for a in appeals if a["status"] in ("upheld", "overturned")]
    over = sum(a["status"] == "overturned" for a in decided)
    return {
        "filed": len(appeals),
        "decided": len(decided),
        "overturned": over,
        "overturn_rate_of_decided": round(over / len(decided), 4) if decided else None,
    }


def suspension_waves(counts: Sequence[int], floor: int = 3) -> list[int]:
    """Indexes of days whose suspensions are a wave: at least ``floor`` and at least twice the
    median of the days that had any. A rule a reader can check by eye on the census plot."""
    nonzero = [c for c in counts if c > 0]
    if not nonzero:
        return []
    med = quantile([float(c) for c in nonzero], 0.5) or 0.0
    return [i for i, c in enumerate(counts) if c >= floor and c >= 2 * med]
