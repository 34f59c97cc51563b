"""Reading and writing the network tables (the I/O edge of the network package).

``update_graph`` continues from where the last run stopped: it loads the folded graph
(``network_edges``), reads the interaction edges the pipeline stored since the cursor kept in
``network_state``, folds them in and writes back only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, func, select

from cauterize.network.graph import KINDS, EdgeTable, InteractionGraph
from cauterize.store import schema as s
from cauterize.store import schema_network as sn

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ts(dt: datetime) -> float:
    return (dt - _EPOCH).total_seconds()


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _epochs(values: list[Any]) -> np.ndarray:
    """Driver values of a UTCDateTime column (SQLite text or naive UTC datetimes) -> epoch seconds."""
    if not values:
        return np.empty(0)
    return np.array(values, dtype="datetime64[us]").astype(np.int64) / 1e6


def _driver_times(engine: Any, t: np.ndarray) -> list[Any]:
    """Epoch seconds -> what UTCDateTime writes for this dialect (text on SQLite, naive UTC otherwise)."""
    us = (np.round(t * 1e6)).astype("datetime64[us]")
    if engine.dialect.name == "sqlite":
        return [x.replace("T", " ") for x in np.datetime_as_string(us, unit="us").tolist()]
    return us.astype(object).tolist()


def _raw_sql(engine: Any, query: Any) -> str:
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def _insert(engine: Any, table: Any) -> Any:
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def platforms(store: Any) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(select(s.accounts.c.platform).distinct()))


def default_platform(store: Any, platform: str | None) -> str:
    if platform:
        return platform
    found = platforms(store)
    if not found:
        raise LookupError("the store holds no accounts yet: run `cauterize ingest` first")
    if len(found) > 1:
        raise LookupError(f"the store holds several platforms ({', '.join(found)}): pick one with --platform")
    return found[0]


def _state_key(platform: str) -> str:
    return f"graph_cursor:{platform}"


def load_graph(
    store: Any, platform: str, half_life_days: float = 7.0, snapshot: Path | None = None, **graph_kw: float
) -> tuple[InteractionGraph, int]:
    """The folded graph as stored, and the id of the last ``edges`` row folded into it.

    ``snapshot`` names a binary copy (``.npz``) written by :func:`save_snapshot`; it is used
    instead of reading every row when it matches the store (same cursor, same number of rows),
    and ignored otherwise. The tables stay the source of truth.
    """
    if snapshot is not None:
        cached = _read_snapshot(store, platform, half_life_days, snapshot, **graph_kw)
        if cached is not None:
            return cached
    g = InteractionGraph(platform, half_life_days, **graph_kw)
    ne = sn.network_edges
    code = {k: i for i, k in enumerate(KINDS)}
    src: list[int] = []
    dst: list[int] = []
    kind: list[int] = []
    weight: list[float] = []
    count: list[int] = []
    times: list[list[Any]] = [[], [], []]
    with store.engine.connect() as conn:
        cursor = conn.execute(select(sn.network_state.c.value).where(sn.network_state.c.name == _state_key(platform)))
        row = cursor.first()
        last_id = int(row[0]["last_edge_id"]) if row else 0
        q = select(ne.c.src, ne.c.dst, ne.c.kind, ne.c.weight, ne.c.count, ne.c.first_time, ne.c.last_time, ne.c.as_of)
        # Raw DB-API rows: SQLAlchemy's per-row processing costs as much as the read itself.
        result = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        result.execute(_raw_sql(store.engine, q.where(ne.c.platform == platform)))
        while chunk := result.fetchmany(200_000):
            cols = list(zip(*chunk, strict=True))
            # New node ids in order of first sight, then ids by C-level lookups (no per-row Python).
            fresh = [k for k in dict.fromkeys(cols[0] + cols[1]) if k not in g.ids]
            for k in fresh:
                g.node(k)
            get = g.ids.__getitem__
            src.extend(map(get, cols[0]))
            dst.extend(map(get, cols[1]))
            kind.extend(map(code.__getitem__, cols[2]))
            weight.extend(cols[3])
            count.extend(cols[4])
            for j in range(3):
                times[j].extend(cols[5 + j])
        result.close()
    first, last, as_of = (_epochs(x) for x in times)  # type: ignore[assignment]
    if src:
        order = np.lexsort((np.asarray(kind), np.asarray(dst), np.asarray(src)))
        table = EdgeTable(
            np.asarray(src, np.int32)[order],
            np.asarray(dst, np.int32)[order],
            np.asarray(kind, np.int8)[order],
            np.asarray(weight, np.float64)[order],
            np.asarray(count, np.int64)[order],
            np.asarray(first, np.float64)[order],
            np.asarray(last, np.float64)[order],
            np.asarray(as_of, np.float64)[order],
        )
        g.table = table
        g.now = float(table.last.max())
    _load_first_seen(store, g)
    return g, last_id


def _load_first_seen(store: Any, g: InteractionGraph) -> None:
    a = s.accounts
    with store.engine.connect() as conn:
        q = select(a.c.account_id, a.c.first_seen, a.c.created_at).where(a.c.platform == g.platform)
        for acct, seen, created in conn.execution_options(yield_per=20_000).execute(q):
            t = created or seen
            i = g.ids.get(acct)
            if i is None:
                i = g.node(acct, _ts(t))
            else:
                g.first_seen[i] = _ts(t)
            if created is not None:
                g.set_created(i, _ts(created))


@dataclass(slots=True)
class UpdateStats:
    edges_read: int
    rows_written: int
    last_edge_id: int
    nodes: int
    edges: int


def update_graph(
    store: Any,
    platform: str,
    half_life_days: float = 7.0,
    chunk: int = 200_000,
    snapshot: Path | None = None,
    **graph_kw: float,
) -> tuple[InteractionGraph, UpdateStats]:
    """Fold the stored interaction edges newer than the cursor into the graph and save it
    (and refresh ``snapshot`` when given)."""
    g, last_id = load_graph(store, platform, half_life_days, snapshot, **graph_kw)
    e = s.edges
    read = 0
    q = (
        select(e.c.id, e.c.src, e.c.dst, e.c.kind, e.c.event_time, e.c.post_id)
        .where(e.c.platform == platform, e.c.id > last_id)
        .order_by(e.c.id)
    )
    g.note_start()
    talked: set[str] = set()
    talk_post: str | None = None
    with store.engine.connect() as conn:
        result = conn.exec_driver_sql(_raw_sql(store.engine, q))
        while rows := result.fetchmany(chunk):
            stamps = _epochs([r[4] for r in rows]).tolist()
            for (row_id, src, dst, kind, _t, post_id), t in zip(rows, stamps, strict=True):
                last_id = row_id
                read += 1
                if post_id != talk_post:
                    talk_post, talked = post_id, set()
                if kind in ("quote", "reply"):
                    talked.add(dst)
                if dst.startswith("@"):  # a mention never resolved to an account
                    continue
                if kind == "mention" and dst in talked:  # a reply names its target; not a shout-out
                    continue
                if kind == "mention":
                    kind = g.mention_kind(dst, t)
                g.add(src, dst, kind, t)
    changed = g.compact()
    written = save_edges(store, g, changed)
    _save_state(store, _state_key(platform), {"last_edge_id": last_id})
    if snapshot is not None and (written or read or not snapshot.exists()):
        save_snapshot(g, last_id, snapshot)
    return g, UpdateStats(read, written, last_id, g.n, len(g.table))


def _edge_rows(store: Any, platform: str) -> int:
    ne = sn.network_edges
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ne).where(ne.c.platform == platform)).scalar_one())


def save_snapshot(g: InteractionGraph, last_id: int, path: Path) -> None:
    """A binary copy of the folded graph, for fast restarts (written next to, not instead of, the table)."""
    if any("\0" in k for k in g.keys):
        return  # account ids are joined with NUL; such an id cannot be cached (the table still has it)
    path.parent.mkdir(parents=True, exist_ok=True)
    t = g.table
    tmp = path.with_name(path.name + ".tmp.npz")
    blob = "\0".join(g.keys).encode("utf-8")
    np.savez(
        tmp,
        keys=np.frombuffer(blob, np.uint8),
        first_seen=np.frombuffer(g.first_seen, np.float64),
        meta=np.array([last_id, len(t), g.now], dtype=np.float64),
        **{f: getattr(t, f) for f in EdgeTable.__slots__},  # type: ignore[attr-defined]
    )
    tmp.replace(path)


def _read_snapshot(
    store: Any, platform: str, half_life_days: float, path: Path, **graph_kw: float
) -> tuple[InteractionGraph, int] | None:
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            last_id, rows, now = z["meta"].tolist()
            with store.engine.connect() as conn:
                row = conn.execute(
                    select(sn.network_state.c.value).where(sn.network_state.c.name == _state_key(platform))
                ).first()
            if not row or int(row[0]["last_edge_id"]) != int(last_id) or _edge_rows(store, platform) != int(rows):
                return None
            g = InteractionGraph(platform, half_life_days, **graph_kw)
            keys = z["keys"].tobytes().decode("utf-8").split("\0") if len(z["keys"]) else []
            g.load(keys, EdgeTable(*(z[f] for f in EdgeTable.__slots__)), z["first_seen"].tolist())  # type: ignore[attr-defined]
            g.now = float(now)
    except (OSError, ValueError, KeyError):
        return None
    _load_first_seen(store, g)
    return g, int(last_id)


def save_edges(store: Any, g: InteractionGraph, rows: np.ndarray, chunk: int = 20_000) -> int:
    t = g.table
    ne = sn.network_edges
    stmt = _insert(store.engine, ne)
    stmt = stmt.on_conflict_do_update(
        index_elements=[ne.c.platform, ne.c.src, ne.c.dst, ne.c.kind],
        set_={c: stmt.excluded[c] for c in ("weight", "count", "first_time", "last_time", "as_of")},
    )
    keys = g.keys
    cols = ("platform", "src", "dst", "kind", "weight", "count", "first_time", "last_time", "as_of")
    compiled = stmt.compile(dialect=store.engine.dialect, column_keys=list(cols))
    sql = compiled.string
    order = compiled.positiontup if compiled.positional else None
    with store.engine.begin() as conn:
        for lo in range(0, len(rows), chunk):
            idx = rows[lo : lo + chunk]
            values = {
                "platform": [g.platform] * len(idx),
                "src": [keys[i] for i in t.src[idx].tolist()],
                "dst": [keys[i] for i in t.dst[idx].tolist()],
                "kind": [KINDS[k] for k in t.kind[idx].tolist()],
                "weight": t.weight[idx].tolist(),
                "count": t.count[idx].tolist(),
                "first_time": _driver_times(store.engine, t.first[idx]),
                "last_time": _driver_times(store.engine, t.last[idx]),
                "as_of": _driver_times(store.engine, t.as_of[idx]),
            }
            if order is not None:
                params: list[Any] = list(zip(*(values[name] for name in order), strict=True))
            else:
                params = [dict(zip(cols, vals, strict=True)) for vals in zip(*(values[c] for c in cols), strict=True)]
            conn.exec_driver_sql(sql, params)
    return len(rows)


def _save_state(store: Any, name: str, value: dict[str, Any]) -> None:
    st = sn.network_state
    stmt = _insert(store.engine, st)
    stmt = stmt.on_conflict_do_update(
        index_elements=[st.c.name], set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at}
    )
    with store.engine.begin() as conn:
        conn.execute(stmt, [{"name": name, "value": value, "updated_at": datetime.now(UTC)}])


# -- inputs of the analysis ------------------------------------------------------------------


def enforcement_rows(store: Any, platform: str) -> list[tuple[str, str, str | None]]:
    """Every suspension or deletion the platform reported: ``(account_id, action, reason)`` in time
    order (the seed rule in :mod:`cauterize.network.seeds` decides which confirm an account)."""
    en = s.enforcements
    q = (
        select(en.c.account_id, en.c.action, en.c.reason)
        .where(en.c.platform == platform, en.c.action.in_(["suspend", "delete"]))
        .order_by(en.c.event_time)
    )
    with store.engine.connect() as conn:
        return [(r[0], r[1], r[2]) for r in conn.execute(q)]


def confirmed_accounts(store: Any, platform: str, reasons: Sequence[str] | None = None) -> list[str]:
    """Accounts the platform suspended or deleted (optionally only for these reasons)."""
    en = s.enforcements
    q = select(en.c.account_id).where(en.c.platform == platform, en.c.action.in_(["suspend", "delete"]))
    if reasons:
        q = q.where(en.c.reason.in_(list(reasons)))
    with store.engine.connect() as conn:
        return sorted({r[0] for r in conn.execute(q.distinct())})


def read_list(values: Iterable[str] = (), path: str | Path | None = None) -> set[str]:
    """Account ids from a config list and a file (one a line, ``#`` comments)."""
    out = {v.strip() for v in values if v.strip()}
    if path:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                out.add(line)
    return out


def account_facts(store: Any, g: InteractionGraph) -> dict[str, np.ndarray]:
    """Per node: followers (profile snapshot), created/first seen, suspended at (NaN if never)."""
    n = g.n
    followers = np.zeros(n, np.int64)
    created = np.full(n, np.nan)
    suspended = np.full(n, np.nan)
    a, en = s.accounts, s.enforcements
    with store.engine.connect() as conn:
        q = select(a.c.account_id, a.c.followers_count, a.c.created_at, a.c.first_seen).where(
            a.c.platform == g.platform
        )
        for acct, fol, cr, seen in conn.execution_options(yield_per=20_000).execute(q):
            i = g.ids.get(acct)
            if i is None:
                continue
            followers[i] = fol or 0
            created[i] = _ts(cr or seen)
        q2 = (
            select(en.c.account_id, func.min(en.c.event_time))
            .where(en.c.platform == g.platform, en.c.action.in_(["suspend", "delete"]))
            .group_by(en.c.account_id)
        )
        for acct, t in conn.execute(q2):
            i = g.ids.get(acct)
            if i is not None:
                suspended[i] = _ts(t)
    return {"followers": followers, "created": created, "suspended": suspended}


def save_scores(store: Any, platform: str, rows: list[dict[str, Any]]) -> None:
    """Replace the platform's scores with these rows."""
    ns = sn.network_scores
    with store.engine.begin() as conn:
        conn.execute(delete(ns).where(ns.c.platform == platform))
        for lo in range(0, len(rows), 20_000):
            conn.execute(ns.insert(), rows[lo : lo + 20_000])


def scores_for(store: Any, platform: str, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    ns = sn.network_scores
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for lo in range(0, len(account_ids), 500):
            q = select(ns).where(and_(ns.c.platform == platform, ns.c.account_id.in_(list(account_ids[lo : lo + 500]))))
            for r in conn.execute(q):
                out[r.account_id] = dict(r._mapping)
    return out


def handles(store: Any, platform: str, account_ids: Sequence[str]) -> dict[str, str]:
    a = s.accounts
    out: dict[str, str] = {}
    with store.engine.connect() as conn:
        for lo in range(0, len(account_ids), 500):
            q = select(a.c.account_id, a.c.handle, a.c.status).where(
                a.c.platform == platform, a.c.account_id.in_(list(account_ids[lo : lo + 500]))
            )
            for acct, handle, _status in conn.execute(q):
                if handle:
                    out[acct] = handle
    return out


def save_census(store: Any, platform: str, rows: list[dict[str, Any]]) -> None:
    nc = sn.network_census
    with store.engine.begin() as conn:
        conn.execute(delete(nc).where(nc.c.platform == platform))
        if rows:
            conn.execute(nc.insert(), rows)


def save_pairs(store: Any, platform: str, kind: str, rows: list[dict[str, Any]]) -> None:
    cp = sn.coordination_pairs
    with store.engine.begin() as conn:
        conn.execute(delete(cp).where(cp.c.platform == platform, cp.c.kind == kind))
        for lo in range(0, len(rows), 20_000):
            conn.execute(cp.insert(), rows[lo : lo + 20_000])
