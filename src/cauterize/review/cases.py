"""Cases and queues: every decision becomes, or joins, a case about an actor.

A case is keyed by the root of a lineage (the oldest known account of the actor): a ban-evasion
decision about a child joins the case of its parent, so all incarnations of one actor are
reviewed together. Queues follow the policy area of the signals (threat of violence, terrorist
propaganda, ban evasion, known material); within a queue cases are ordered by priority, risk,
then reach (followers gained per hour). ``sync`` is incremental (decisions not yet linked to a
case) and idempotent; shadow decisions never open a case.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, select, update
from sqlalchemy.engine import Connection, Engine

from cauterize.review.settings import ReviewSettings
from cauterize.store import schema as s
from cauterize.store.schema_review import review_case_decisions as CD
from cauterize.store.schema_review import review_case_members as M
from cauterize.store.schema_review import review_cases as C

QUEUES: tuple[str, ...] = ("threat", "ban_evasion", "known_material", "propaganda", "other")
QUEUE_TITLES = {
    "threat": "Threat of violence",
    "ban_evasion": "Ban evasion",
    "known_material": "Known material",
    "propaganda": "Terrorist propaganda",
    "other": "Other",
}
#: A case sits in the most severe queue any of its decisions points to.
_QUEUE_RANK = {q: len(QUEUES) - i for i, q in enumerate(QUEUES)}
OPEN_STATUSES = ("open", "appealed", "escalated")
_sync_lock = threading.Lock()
#: Decisions this far below the newest linked one are still looked at by ``sync``.
SYNC_MARGIN = 10_000


def queue_for(action: str, evidence: dict[str, Any]) -> str:
    """Which queue a decision belongs to, from its action and its signals' labels (pure)."""
    labels = [str(sig.get("label", "")) for sig in evidence.get("signals", [])]
    if action == "escalate" or any(label.startswith("threat.") for label in labels):
        return "threat"
    if any(label.startswith("evasion.") for label in labels):
        return "ban_evasion"
    if any(label.startswith("known.") for label in labels):
        return "known_material"
    if any(label.startswith(("propaganda", "recruitment", "watchlist.")) for label in labels):
        return "propaganda"
    return "other"


def is_shadow(policy: str, evidence: dict[str, Any]) -> bool:
    return policy.endswith(":shadow") or bool(evidence.get("shadow"))


def parent_link(evidence: dict[str, Any]) -> tuple[str, float, str | None] | None:
    """(parent account, probability, grandparent) of the strongest evasion signal, if any."""
    best = None
    for sig in evidence.get("signals", []):
        ev = sig.get("evidence") or {}
        parent = ev.get("parent_account_id")
        if parent and (best is None or float(sig.get("score", 0)) > best[1]):
            best = (str(parent), float(sig.get("score", 0)), ev.get("parent_lineage_parent"))
    return best


def threatened_parties(evidence: dict[str, Any], mentions: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Who a threat names (detector target spans, matched watch-list terms, @mentions): security only."""
    out: list[dict[str, Any]] = []
    for sig in evidence.get("signals", []):
        label = str(sig.get("label", ""))
        if not label.startswith("threat."):
            continue
        ev = sig.get("evidence") or {}
        target = ev.get("target") or {}
        if target.get("text"):
            out.append({"type": target.get("type", label.split(".", 1)[1]), "text": target["text"]})
        for m in ev.get("matches", []) or []:
            term = m.get("term") or m.get("hashtag") if isinstance(m, dict) else None
            if term:
                out.append({"type": label.split(".", 1)[1], "text": str(term)})
        if label == "threat.employees" and not target:
            out.append({"type": "employees", "text": "platform staff"})
    out.extend({"type": "mentioned_account", "text": str(m)} for m in mentions)
    seen, unique = set(), []
    for t in out:
        key = (t["type"], t["text"])
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def _case_of(conn: Connection, platform: str, account_id: str) -> int | None:
    return conn.execute(
        select(M.c.case_id).where(M.c.platform == platform, M.c.account_id == account_id).order_by(M.c.case_id).limit(1)
    ).scalar_one_or_none()


def _add_member(
    conn: Connection,
    case_id: int,
    platform: str,
    account_id: str,
    relation: str,
    now: datetime,
    parent: str | None = None,
    probability: float | None = None,
) -> None:
    exists = conn.execute(
        select(M.c.relation, M.c.probability).where(
            M.c.case_id == case_id, M.c.platform == platform, M.c.account_id == account_id
        )
    ).first()
    if exists is None:
        conn.execute(
            M.insert().values(
                case_id=case_id,
                platform=platform,
                account_id=account_id,
                relation=relation,
                parent_account_id=parent,
                probability=probability,
                added_at=now,
            )
        )
    elif probability is not None and (exists.probability is None or probability > exists.probability):
        conn.execute(
            update(M)
            .where(M.c.case_id == case_id, M.c.platform == platform, M.c.account_id == account_id)
            .values(parent_account_id=parent, probability=probability, relation=exists.relation)
        )


def sync(engine: Engine, settings: ReviewSettings, now: datetime | None = None, limit: int = 20000) -> list[int]:
    """Link decisions that have no case yet to cases (creating them); returns the touched case ids."""
    from cauterize.review import audit

    now = now or datetime.now(UTC)
    d = s.decisions
    touched: dict[int, list[dict[str, Any]]] = {}
    with _sync_lock, audit._lock, engine.begin() as conn:
        # Only look past the newest linked decision (less a margin for ids that commit out of
        # order on PostgreSQL), so a sync costs the same with a million old decisions.
        newest = conn.execute(select(func.max(CD.c.decision_id))).scalar_one_or_none() or 0
        rows = conn.execute(
            select(d)
            .select_from(d.outerjoin(CD, CD.c.decision_id == d.c.id))
            .where(CD.c.decision_id.is_(None), d.c.id > newest - SYNC_MARGIN)
            .order_by(d.c.id)
            .limit(limit)
        ).all()
        for row in rows:
            dec = dict(row._mapping)
            evidence = dec["evidence"] or {}
            if dec["action"] == "no_action" or is_shadow(dec["policy"], evidence):
                conn.execute(CD.insert().values(decision_id=dec["id"], case_id=0))
                continue
            case_id = _case_for_decision(conn, dec, evidence, settings, now)
            conn.execute(CD.insert().values(decision_id=dec["id"], case_id=case_id))
            touched.setdefault(case_id, []).append(dec)
        for case_id, decs in touched.items():
            refresh_reach(conn, case_id)
            audit.append(
                conn,
                "cauterize",
                "case_updated",
                {
                    "decisions": [x["id"] for x in decs],
                    "rules": sorted({x["rule"] for x in decs}),
                    "accounts": sorted({x["account_id"] for x in decs}),
                },
                case_id,
                now,
            )
        # Suspensions learnt since (the platform's, or cauterize's own through the registry
        # sink) take their accounts' followers out of a case's reach.
        a = s.accounts
        stale = conn.execute(
            select(C.c.id)
            .distinct()
            .select_from(
                C.join(M, M.c.case_id == C.c.id).join(
                    a, (a.c.platform == M.c.platform) & (a.c.account_id == M.c.account_id)
                )
            )
            .where(C.c.reach > 0, C.c.status.in_(OPEN_STATUSES), a.c.status == "suspended")
        ).all()
        for (case_id,) in stale:
            if case_id not in touched:
                refresh_reach(conn, case_id)
    return sorted(touched)


def _case_for_decision(
    conn: Connection, dec: dict[str, Any], evidence: dict[str, Any], settings: ReviewSettings, now: datetime
) -> int:
    platform, account = dec["platform"], dec["account_id"]
    link = parent_link(evidence)
    queue = queue_for(dec["action"], evidence)
    case_id = None
    if link:
        case_id = _case_of(conn, platform, link[0])
        if case_id is None and link[2]:
            case_id = _case_of(conn, platform, link[2])
    if case_id is None:
        case_id = _case_of(conn, platform, account)
    risk = max((float(sig.get("score", 0)) for sig in evidence.get("signals", [])), default=0.0)
    priority = dec["action"] == "escalate"
    restricted: list[dict[str, Any]] = []
    if queue == "threat":
        mentions, text = _post_mentions(conn, platform, dec.get("post_id"))
        restricted = threatened_parties(evidence, mentions)
        if text:
            from cauterize.content.targets import threat_target

            target = threat_target(text, mentions=len(mentions))
            if target.text and not any(t["text"] == target.text for t in restricted):
                restricted.append({"type": target.type, "text": target.text})
    if case_id is None:
        root = link[2] or link[0] if link else account
        res = conn.execute(
            C.insert().values(
                platform=platform,
                root_account_id=root,
                queue=queue,
                status="escalated" if priority else "open",
                priority=priority,
                risk=risk,
                reach=0.0,
                opened_at=now,
                updated_at=now,
                sla_due_at=now + settings.sla(queue),
                revision=0,
                restricted={"threatened": restricted} if restricted else None,
            )
        )
        case_id = int(res.inserted_primary_key[0])  # type: ignore[index]
        _add_member(conn, case_id, platform, root, "root", now)
    else:
        case = conn.execute(select(C).where(C.c.id == case_id)).one()
        values: dict[str, Any] = {"updated_at": now, "risk": max(case.risk, risk)}
        if _QUEUE_RANK[queue] > _QUEUE_RANK.get(case.queue, 0):
            values["queue"] = queue
            values["sla_due_at"] = min(case.sla_due_at, now + settings.sla(queue))
        if priority:
            values["priority"] = True
        if case.status not in OPEN_STATUSES:
            # A new account of an actor already dealt with: back to the queue, as a new round.
            values.update(status="escalated" if priority or case.priority else "open", revision=case.revision + 1)
            values["sla_due_at"] = now + settings.sla(values.get("queue", case.queue))
        elif priority:
            values["status"] = "escalated"
        if restricted:
            old = (case.restricted or {}).get("threatened", [])
            merged = old + [t for t in restricted if t not in old]
            values["restricted"] = {"threatened": merged}
        conn.execute(update(C).where(C.c.id == case_id).values(**values))
    if link:
        parent_rel = "root" if _is_root(conn, case_id, link[0]) else "child"
        if link[2] and link[2] != link[0]:
            _add_member(conn, case_id, platform, link[2], "root" if _is_root(conn, case_id, link[2]) else "child", now)
            _add_member(conn, case_id, platform, link[0], parent_rel, now, parent=link[2])
        else:
            _add_member(conn, case_id, platform, link[0], parent_rel, now)
        _add_member(conn, case_id, platform, account, "child", now, parent=link[0], probability=link[1])
    else:
        _add_member(conn, case_id, platform, account, "root" if _is_root(conn, case_id, account) else "member", now)
    return case_id


def _is_root(conn: Connection, case_id: int, account_id: str) -> bool:
    return conn.execute(select(C.c.root_account_id).where(C.c.id == case_id)).scalar_one() == account_id


def _post_mentions(conn: Connection, platform: str, post_id: str | None) -> tuple[list[str], str | None]:
    """The accounts a post mentions (handles and ids) and its text."""
    if not post_id:
        return [], None
    p = s.posts
    row = conn.execute(select(p.c.mentions, p.c.text).where(p.c.platform == platform, p.c.post_id == post_id)).first()
    if row is None:
        return [], None
    mentions = row.mentions
    out = []
    for m in mentions or []:
        if isinstance(m, dict):
            out += [str(x) for x in (m.get("handle"), m.get("account_id")) if x]
        else:
            out.append(str(m))
    return out, row.text


def refresh_reach(conn: Connection, case_id: int) -> float:
    """Followers gained per hour by the case's accounts still up, over the span of their follows.

    A suspended account reaches nobody any more: counting it put fully suspended lineages at the
    top of the queue on a reach they no longer had.
    """
    e = s.edges
    a = s.accounts
    members = conn.execute(
        select(M.c.platform, M.c.account_id)
        .select_from(M.outerjoin(a, (a.c.platform == M.c.platform) & (a.c.account_id == M.c.account_id)))
        .where(M.c.case_id == case_id, (a.c.status.is_(None)) | (a.c.status != "suspended"))
    ).all()
    total, hours = 0, 0.0
    for platform, account in members:
        r = conn.execute(
            select(func.count(), func.min(e.c.event_time), func.max(e.c.event_time)).where(
                e.c.platform == platform, e.c.dst == account, e.c.kind == "follow"
            )
        ).one()
        n, first, last = r
        if n:
            total += int(n)
            hours = max(hours, (last - first).total_seconds() / 3600 if first and last else 0.0)
    reach = round(total / max(hours, 1.0), 2)
    conn.execute(update(C).where(C.c.id == case_id).values(reach=reach))
    return reach


def queue_counts(engine: Engine, now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                C.c.queue,
                func.count(),
                func.min(C.c.opened_at),
                func.sum(case((C.c.sla_due_at < now, 1), else_=0)),
            )
            .where(C.c.status.in_(OPEN_STATUSES))
            .group_by(C.c.queue)
        ).all()
    by = {r[0]: r for r in rows}
    out = []
    for q in QUEUES:
        r = by.get(q)
        oldest = r[2] if r else None
        out.append(
            {
                "queue": q,
                "title": QUEUE_TITLES[q],
                "open": int(r[1]) if r else 0,
                "breached": int(r[3] or 0) if r else 0,
                "oldest_age_hours": round((now - oldest).total_seconds() / 3600, 2) if oldest else None,
            }
        )
    return out


def list_cases(
    engine: Engine,
    queue: str | None = None,
    status: str = "open",
    limit: int = 100,
    offset: int = 0,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Cases of a queue, most urgent first: priority, then risk, then reach."""
    now = now or datetime.now(UTC)
    a = s.accounts
    # Risk in tenths first (0.97 and 0.99 are the same call for a person), then reach.
    risk_band = cast(C.c.risk * 10, Integer)
    q = (
        select(C)
        .order_by(C.c.priority.desc(), risk_band.desc(), C.c.reach.desc(), C.c.risk.desc(), C.c.id)
        .limit(limit)
        .offset(offset)
    )
    if queue:
        q = q.where(C.c.queue == queue)
    if status == "open":
        q = q.where(C.c.status.in_(OPEN_STATUSES))
    elif status != "all":
        q = q.where(C.c.status == status)
    with engine.connect() as conn:
        cases = [dict(r._mapping) for r in conn.execute(q)]
        ids = [c["id"] for c in cases]
        members: dict[int, list[dict[str, Any]]] = {}
        if ids:
            mrows = conn.execute(
                select(M.c.case_id, M.c.account_id, M.c.relation, a.c.handle, a.c.status)
                .select_from(M.outerjoin(a, and_(a.c.platform == M.c.platform, a.c.account_id == M.c.account_id)))
                .where(M.c.case_id.in_(ids))
                .order_by(M.c.added_at, M.c.account_id)
            )
            for m in mrows:
                members.setdefault(m.case_id, []).append(dict(m._mapping))
    for c in cases:
        c.pop("restricted", None)  # never in a list view
        c["members"] = members.get(c["id"], [])
        c["age_hours"] = round((now - c["opened_at"]).total_seconds() / 3600, 2)
        c["sla_left_hours"] = round((c["sla_due_at"] - now).total_seconds() / 3600, 2)
        c["sla_breached"] = c["sla_due_at"] < now and c["status"] in OPEN_STATUSES
    return cases


def get_case(engine: Engine, case_id: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        r = conn.execute(select(C).where(C.c.id == case_id)).first()
    return dict(r._mapping) if r else None


def set_status(conn: Connection, case_id: int, now: datetime, **values: Any) -> None:
    conn.execute(update(C).where(C.c.id == case_id).values(updated_at=now, **values))


def case_decisions(engine: Engine, case_id: int) -> list[dict[str, Any]]:
    d = s.decisions
    with engine.connect() as conn:
        rows = conn.execute(
            select(d)
            .join(CD, CD.c.decision_id == d.c.id)
            .where(CD.c.case_id == case_id)
            .order_by(d.c.event_time, d.c.id)
        )
        return [dict(r._mapping) for r in rows]


def members(engine: Engine, case_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(M).where(M.c.case_id == case_id).order_by(M.c.added_at, M.c.account_id))
        return [dict(r._mapping) for r in rows]
