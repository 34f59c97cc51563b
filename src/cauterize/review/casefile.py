"""Everything a reviewer sees about one case, assembled from the store (read-only).

Accounts of the lineage side by side (handles and their history, display names, bios, avatar
hashes and whether they match the parent's, first posts, promoters), the signals and decisions
that drove the case, reports against its accounts, and its network (who follows, reposts and
mentions it). For a threat case the threatened parties are redacted from every text shown here:
they appear only in the security team's evidence package.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from cauterize.review import cases
from cauterize.store import schema as s

REDACTED = "[protected]"
_MENTION = re.compile(r"@[\w.]+")


def redact(text: str | None, parties: list[str]) -> str | None:
    """Remove the threatened parties (and every @mention) from a text of a threat case (pure)."""
    if text is None:
        return None
    text = _MENTION.sub(REDACTED, text)
    for p in sorted((p for p in parties if p), key=len, reverse=True):
        text = re.sub(re.escape(p), REDACTED, text, flags=re.IGNORECASE)
    return text


def protected_terms(case: dict[str, Any], handles: dict[str, str]) -> list[str] | None:
    """The strings to redact in a case's views, or None when the case threatens no one."""
    restricted = (case.get("restricted") or {}).get("threatened")
    if not restricted and case.get("queue") != "threat":
        return None
    terms = []
    for t in restricted or []:
        terms.append(str(t.get("text", "")))
        if t.get("type") == "mentioned_account" and t.get("text") in handles:
            terms.append(handles[t["text"]])
    return terms


def _posts(conn: Any, platform: str, account_id: str, limit: int) -> list[dict[str, Any]]:
    p = s.posts
    rows = conn.execute(
        select(p)
        .where(p.c.platform == platform, p.c.account_id == account_id)
        .order_by(p.c.created_at, p.c.post_id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def _promoters(conn: Any, platform: str, account_id: str, limit: int = 12) -> list[dict[str, Any]]:
    """Accounts that followed, reposted, quoted or mentioned this one, most active first."""
    e, a = s.edges, s.accounts
    # Counted here rather than with GROUP BY: grouping by src leads SQLite to the src index and a
    # scan of the platform's edges, where the dst index finds the few rows directly.
    rows = conn.execute(
        select(e.c.src, e.c.kind).where(
            e.c.platform == platform, e.c.dst == account_id, e.c.kind.in_(["follow", "repost", "quote", "mention"])
        )
    ).all()
    by: dict[str, Counter[str]] = {}
    for src, kind in rows:
        by.setdefault(src, Counter())[kind] += 1
    top = sorted(by.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    handles = (
        dict(
            conn.execute(
                select(a.c.account_id, a.c.handle).where(
                    a.c.platform == platform, a.c.account_id.in_([k for k, _ in top])
                )
            ).all()
        )
        if top
        else {}
    )
    return [{"account_id": k, "handle": handles.get(k), "kinds": dict(v), "total": sum(v.values())} for k, v in top]


def case_file(engine: Engine, case_id: int, posts_per_account: int = 5) -> dict[str, Any] | None:
    case = cases.get_case(engine, case_id)
    if case is None:
        return None
    platform = case["platform"]
    mems = cases.members(engine, case_id)
    ids = [m["account_id"] for m in mems]
    a, h, r, e, sig = s.accounts, s.handle_history, s.reports, s.edges, s.signals
    with engine.connect() as conn:
        accounts = {
            row.account_id: dict(row._mapping)
            for row in conn.execute(select(a).where(a.c.platform == platform, a.c.account_id.in_(ids)))
        }
        handle_rows = conn.execute(
            select(h.c.account_id, h.c.handle, h.c.seen_at)
            .where(h.c.platform == platform, h.c.account_id.in_(ids))
            .order_by(h.c.seen_at, h.c.id)
        ).all()
        histories: dict[str, list[dict[str, Any]]] = {}
        for row in handle_rows:
            hist = histories.setdefault(row.account_id, [])
            if not hist or hist[-1]["handle"] != row.handle:
                hist.append({"handle": row.handle, "seen_at": row.seen_at})
        reports = [
            dict(x._mapping)
            for x in conn.execute(
                select(r).where(r.c.platform == platform, r.c.target.in_(ids)).order_by(r.c.event_time).limit(50)
            )
        ]
        report_counts = Counter(x["target"] for x in reports)
        signals = [
            dict(x._mapping)
            for x in conn.execute(
                select(sig).where(sig.c.platform == platform, sig.c.account_id.in_(ids)).order_by(sig.c.event_time)
            )
        ]
        # One indexed query per side (an OR of both would scan), counted here.
        pairs_n: Counter[tuple[str, str, str]] = Counter()
        seen_ids: set[int] = set()
        for side in (e.c.src, e.c.dst):
            for x in conn.execute(
                select(e.c.id, e.c.src, e.c.dst, e.c.kind).where(
                    e.c.platform == platform, side.in_(ids), e.c.kind != "unfollow"
                )
            ):
                if x.id not in seen_ids:
                    seen_ids.add(x.id)
                    pairs_n[(x.src, x.dst, x.kind)] += 1
        network = [
            {"src": k[0], "dst": k[1], "kind": k[2], "n": n}
            for k, n in sorted(pairs_n.items(), key=lambda kv: (-kv[1], kv[0]))[:60]
        ]
        people = []
        for m in mems:
            acc = accounts.get(m["account_id"], {"account_id": m["account_id"], "platform": platform})
            people.append(
                {
                    **m,
                    "account": acc,
                    "handles": histories.get(m["account_id"], []),
                    "posts": _posts(conn, platform, m["account_id"], posts_per_account),
                    "post_count": conn.execute(
                        select(func.count()).where(
                            s.posts.c.platform == platform, s.posts.c.account_id == m["account_id"]
                        )
                    ).scalar_one(),
                    "promoters": _promoters(conn, platform, m["account_id"]),
                    "reports": report_counts.get(m["account_id"], 0),
                }
            )
        others = {x["src"] for x in network} | {x["dst"] for x in network}
        handles = (
            dict(
                conn.execute(
                    select(a.c.account_id, a.c.handle).where(
                        a.c.platform == platform, a.c.account_id.in_(sorted(others))
                    )
                ).all()
            )
            if others
            else {}
        )
    by_id = {p["account_id"]: p for p in people}
    pairs = []
    for p in people:
        parent = by_id.get(p.get("parent_account_id") or "")
        if parent is not None:
            pa, ch = parent["account"], p["account"]
            pairs.append(
                {
                    "parent": parent,
                    "child": p,
                    "probability": p.get("probability"),
                    "avatar_match": bool(pa.get("avatar_hash")) and pa.get("avatar_hash") == ch.get("avatar_hash"),
                    "display_name_match": bool(pa.get("display_name"))
                    and pa.get("display_name") == ch.get("display_name"),
                    "shared_promoters": sorted(
                        {x["account_id"] for x in parent["promoters"]} & {x["account_id"] for x in p["promoters"]}
                    ),
                }
            )
    decisions = cases.case_decisions(engine, case_id)
    driving_ids = sorted({d["post_id"] for d in decisions if d.get("post_id")})
    with engine.connect() as conn:
        driving = (
            [
                dict(x._mapping)
                for x in conn.execute(
                    select(s.posts)
                    .where(s.posts.c.platform == platform, s.posts.c.post_id.in_(driving_ids[:200]))
                    .order_by(s.posts.c.created_at)
                )
            ]
            if driving_ids
            else []
        )
    by_post: dict[str, list[str]] = {}
    for d in decisions:
        if d.get("post_id"):
            by_post.setdefault(d["post_id"], []).append(d["rule"])
    for post in driving:
        post["rules"] = sorted(set(by_post.get(post["post_id"], [])))
        post["handle"] = (by_id.get(post["account_id"]) or {}).get("account", {}).get("handle")
    file = {
        "case": case,
        "people": people,
        # Nothing left to suspend: the console offers no "Suspend lineage" for such a case.
        "all_suspended": bool(people) and all((p["account"] or {}).get("status") == "suspended" for p in people),
        "pairs": pairs,
        "decisions": decisions,
        "driving_posts": driving,
        "signals": signals,
        "reports": reports,
        "network": [{**x, "src_handle": handles.get(x["src"]), "dst_handle": handles.get(x["dst"])} for x in network],
    }
    terms = protected_terms(case, handles)
    if terms is not None:
        _redact_file(file, terms)
    # Promoters of the case's accounts: the candidates for a bulk action on a coordinated cluster.
    member_ids = set(ids)
    cluster: dict[str, dict[str, Any]] = {}
    for p in people:
        for x in p["promoters"]:
            if x["account_id"] in member_ids or x["account_id"] == REDACTED:
                continue
            c = cluster.setdefault(
                x["account_id"], {"account_id": x["account_id"], "handle": x["handle"], "promoted": 0}
            )
            c["promoted"] += x["total"]
    file["cluster_candidates"] = sorted(cluster.values(), key=lambda c: (-c["promoted"], c["account_id"]))[:30]
    file["case"] = {k: v for k, v in case.items() if k != "restricted"}
    file["case"]["threatened_parties"] = len((case.get("restricted") or {}).get("threatened", []))
    return file


def _redact_file(file: dict[str, Any], terms: list[str]) -> None:
    for post in file["driving_posts"]:
        post["text"] = redact(post["text"], terms)
        post["mentions"] = [REDACTED] * len(post.get("mentions") or [])
    for p in file["people"]:
        for post in p["posts"]:
            post["text"] = redact(post["text"], terms)
            post["mentions"] = [REDACTED] * len(post.get("mentions") or [])
    for d in file["decisions"]:
        d["evidence"] = _scrub(d["evidence"], terms)
        d["reason"] = redact(d["reason"], terms)
    for x in file["signals"]:
        x["evidence"] = _scrub(x["evidence"], terms)
    for x in file["reports"]:
        x["reason"] = redact(x.get("reason"), terms)
    hidden = {t.lower() for t in terms if t}
    for x in file["network"]:
        for side in ("src", "dst"):
            if str(x[side]).lower() in hidden or str(x.get(f"{side}_handle") or "").lower() in hidden:
                x[side], x[f"{side}_handle"] = REDACTED, None
    for p in file["people"]:
        for x in p["promoters"]:
            if str(x["account_id"]).lower() in hidden or str(x.get("handle") or "").lower() in hidden:
                x["account_id"], x["handle"] = REDACTED, None


def _scrub(v: Any, terms: list[str]) -> Any:
    if isinstance(v, str):
        return redact(v, terms)
    if isinstance(v, list):
        return [_scrub(x, terms) for x in v]
    if isinstance(v, dict):
        return {k: (REDACTED if k in {"target", "matches", "span"} else _scrub(x, terms)) for k, x in v.items()}
    return v


def accounts_of(engine: Engine, case_id: int) -> list[dict[str, Any]]:
    """Members with their handle and status, for action previews."""
    a, m = s.accounts, cases.M
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.c.platform, m.c.account_id, m.c.relation, a.c.handle, a.c.status, a.c.followers_count)
            .select_from(m.outerjoin(a, and_(a.c.platform == m.c.platform, a.c.account_id == m.c.account_id)))
            .where(m.c.case_id == case_id)
            .order_by(m.c.added_at, m.c.account_id)
        )
        return [dict(x._mapping) for x in rows]
