"""Assembling the transparency report from the store: one JSON-ready dict, the same for the CLI,
the API and the console page (docs/report.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from cauterize.report import figures as F
from cauterize.report import query as Q

REPORT_VERSION = 1

#: Said in every report, because no figure can show what the store never saw.
CANNOT_KNOW = (
    "Accounts never seen: the store holds only what the platform's feed delivered; an account that"
    " never appeared in it is in no figure, and the census estimates only the network it can reach.",
    "Suspensions the platform never reported: an account the platform acted on without an"
    " enforcement event is counted only if cauterize or a reviewer acted too.",
    "Followers only as observed: the larger of follows minus unfollows seen in the feed and the count"
    " in the newest profile the platform sent before the action; both undercount, so 'before 10"
    " followers' is an upper bound on the share.",
    "Creation times only where an account_created event was seen; the others are counted in"
    " 'creation unknown' and left out of the time-to-action figures rather than guessed.",
    "Returns only as linked: a replacement cauterize never linked is missing and a wrong link is"
    " counted, so the replacement rate is an estimate in both directions, not a floor.",
    "Whether an action was right: overturned appeals are the only measured errors; an action nobody"
    " appealed is not thereby correct.",
)


def census_for(store: Any, settings: Any, platform: str, rounds: int | None = None) -> dict[str, Any]:
    """The network census by day with its interval, as ``cauterize census`` computes it (without
    saving scores: a report only reads). An error (no seeds, no edges) is reported, not raised."""
    from cauterize.network.analysis import member_mask
    from cauterize.network.service import analyse_store, run_census

    try:
        a = analyse_store(store, settings, platform, save=False)
        days, method = run_census(a, settings.bootstrap if rounds is None else rounds)
        r = a.scores
        member = member_mask(r)
        # The same analysis says which community each member is in: the report's "network".
        networks = {
            r.keys[i]: f"community {int(r.community[i])}"
            for i in range(len(r.keys))
            if member[i] and r.community[i] >= 0
        }
    except Exception as exc:  # the rest of the report stands without the census
        return {"available": False, "why": f"{type(exc).__name__}: {exc}", "days": [], "method": None}
    return {
        "available": True,
        "days": [asdict(d) for d in days],
        "method": method,
        "seeds": len(r.seeds),
        "networks": networks,
    }


def _census_period(days: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not days:
        return None
    last = days[-1]
    return {
        "end_day": last["day"],
        "active": round(last["active"], 1),
        "low": round(last["low"], 1),
        "high": round(last["high"], 1),
        "peak_active": round(max(d["active"] for d in days), 1),
        "created": sum(d["created"] for d in days),
        "suspended": sum(d["suspended"] for d in days),
    }


def _rule(a: F.Actioned) -> str:
    return a.rule or "(no cauterize decision)"


def _network(a: F.Actioned) -> str:
    return a.network or "(not mapped)"


def _compact(groups: dict[str, list[F.Actioned]]) -> dict[str, dict[str, Any]]:
    """Per period and group, the headline figures only (the full set is in the overall groups)."""
    out = {}
    for k, rows in groups.items():
        f = F.actioned_figures(rows)
        out[k] = {
            "accounts_actioned": f["accounts_actioned"],
            "surfaced_before_report": f["surfaced_before_report"],
            "before_first_post": f["before_first_post"],
            "before_10_followers": f["before_10_followers"],
            "hours_creation_to_action": f["hours_creation_to_action"],
        }
    return out


def _naive(rows: list[F.Return], suspensions: int, baseline: Any) -> dict[str, Any] | None:
    if baseline is None:
        return None
    return {
        "returns_linked": len(rows),
        "replacement_rate": round(len(rows) / suspensions, 4) if suspensions else None,
    }


def build_report(
    store: Any,
    platform: str,
    period: str = "day",
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    is_trusted: Callable[[str, str], bool] | None = None,
    census: dict[str, Any] | None = None,
    baseline: list[tuple[str, str, datetime]] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Every figure of docs/report.md for ``[start, end)``, per period and overall. ``baseline``:
    the edit-distance rule's links (child, parent, time), counted beside cauterize's returns."""
    if period not in F.PERIODS:
        raise ValueError(f"period must be one of {', '.join(F.PERIODS)}, not {period!r}")
    now = now or datetime.now(UTC)
    with store.engine.connect() as conn:
        nets = (census or {}).get("networks") or Q.networks(conn, platform)
        actioned_all = Q.build_actioned(conn, platform, nets)
        action_at = {a.account_id: a.action_at for a in actioned_all}
        returns_all = Q.build_returns(conn, platform, action_at)
        flagged = Q.flagged_accounts(conn, platform)
        cases, appeals = Q.review_rows(conn, platform)
        reinstated = Q.reinstatements(conn, platform)
    trusted = Q.trusted_of({acc for acc, _ in flagged} | set(action_at), platform, is_trusted)

    def ret_time(r: F.Return) -> datetime:
        return r.parent_suspended_at or r.linked_at

    actioned = [a for a in actioned_all if F.in_window(a.action_at, start, end)]
    returns = [r for r in returns_all if F.in_window(ret_time(r), start, end)]
    naive = [
        F.Return(child, parent, None, at, action_at.get(parent))
        for child, parent, at in baseline or []
        if F.in_window(action_at.get(parent) or at, start, end)
    ]

    flagged_in = [(acc, t) for acc, t in flagged if F.in_window(t, start, end)]
    appeals_in = [a for a in appeals if F.in_window(a["created_at"], start, end)]
    census_days = [
        d
        for d in (census or {}).get("days", [])
        if F.in_window(datetime.fromisoformat(d["day"]).replace(tzinfo=UTC), start, end)
    ]
    times = (
        [a.action_at for a in actioned]
        + [ret_time(r) for r in returns]
        + [ret_time(r) for r in naive]
        + [t for _, t in flagged_in]
        + [datetime.fromisoformat(d["day"]).replace(tzinfo=UTC) for d in census_days]
    )
    key = lambda t: F.period_label(F.period_start(t, period), period)  # noqa: E731
    by_period_actions = F.group_by(actioned, lambda a: key(a.action_at))
    by_period_returns = F.group_by(returns, lambda r: key(ret_time(r)))
    by_period_naive = F.group_by(naive, lambda r: key(ret_time(r)))
    by_period_census = F.group_by(census_days, lambda d: key(datetime.fromisoformat(d["day"]).replace(tzinfo=UTC)))
    by_period_flags = F.group_by(flagged_in, lambda x: key(x[1]))
    by_period_appeals = F.group_by(appeals_in, lambda a: key(a["created_at"]))
    by_period_reinstated = F.group_by([x for x in reinstated if F.in_window(x[1], start, end)], lambda x: key(x[1]))
    rows = []
    for p in F.periods_between(min(times), max(times), period) if times else []:
        label = F.period_label(p, period)
        acts = by_period_actions.get(label, [])
        flags = {acc for acc, _ in by_period_flags.get(label, [])}
        decided_over = [
            a for a in appeals if a["status"] == "overturned" and a.get("decided_at") and key(a["decided_at"]) == label
        ]
        rows.append(
            {
                "period": label,
                "start": p.isoformat(),
                **F.actioned_figures(acts),
                "by_rule": _compact(F.group_by(acts, _rule)),
                "by_network": _compact(F.group_by(acts, _network)),
                "returns": F.return_figures(by_period_returns.get(label, []), len(acts)),
                "returns_edit_distance_baseline": _naive(by_period_naive.get(label, []), len(acts), baseline),
                "census": _census_period(by_period_census.get(label, [])),
                "appeals": F.appeal_figures(by_period_appeals.get(label, [])),
                "collateral": {
                    "trusted_flagged": len(flags & trusted),
                    "trusted_actioned": sum(a.account_id in trusted for a in acts),
                    "overturned_on_appeal": len(decided_over),
                    "reinstated": len(by_period_reinstated.get(label, [])),
                },
            }
        )
    all_flags = {acc for acc, _ in flagged_in}
    waves = F.suspension_waves([d["suspended"] for d in census_days])
    return {
        "report": "cauterize transparency report",
        "version": REPORT_VERSION,
        "platform": platform,
        "period": period,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "as_of": now.isoformat(),
        "periods": rows,
        "overall": {
            **F.actioned_figures(actioned),
            "returns": F.return_figures(returns, len(actioned)),
            "returns_edit_distance_baseline": _naive(naive, len(actioned), baseline),
            "lineages": F.lineage_figures((r.account_id, r.parent_id) for r in returns),
            "collateral": {
                "trusted_flagged": len(all_flags & trusted),
                "trusted_actioned": sum(a.account_id in trusted for a in actioned),
                "trusted_list_checked": is_trusted is not None,
                "overturned_on_appeal": sum(a["status"] == "overturned" for a in appeals_in),
            },
        },
        "by_rule": {k: F.actioned_figures(v) for k, v in F.group_by(actioned, _rule).items()},
        "by_network": {k: F.actioned_figures(v) for k, v in F.group_by(actioned, _network).items()},
        "review": F.review_figures(cases, appeals_in, now),
        "census": {
            "available": bool(census and census.get("available")),
            "asked": census is not None,
            "why": None if census is None else census.get("why"),
            "method": (census or {}).get("method"),
            "seeds": (census or {}).get("seeds"),
            "days": census_days,
            "wave_days": [census_days[i]["day"] for i in waves],
        },
        # Raw distributions for the plots (minutes/hours), so a reader of the JSON can redraw them.
        "distributions": {
            "hours_creation_to_action": [
                {"hours": round((a.action_at - a.created_at).total_seconds() / 3600, 3), "source": a.source}
                for a in actioned
                if a.created_at is not None
            ],
            "minutes_suspension_to_return": [
                round((r.created_at - r.parent_suspended_at).total_seconds() / 60, 2)
                for r in returns
                if r.created_at is not None and r.parent_suspended_at is not None
            ],
            "minutes_creation_to_relink": [
                round((r.linked_at - r.created_at).total_seconds() / 60, 2) for r in returns if r.created_at is not None
            ],
        },
        "cannot_know": list(CANNOT_KNOW),
    }
