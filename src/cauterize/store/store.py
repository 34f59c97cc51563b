"""The store: one object that writes batches and answers the questions the CLI and console ask.

Writes go through dialect-aware ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL both have
it) and time-guarded updates, so that applying an older event after a newer one never rolls
an account's state back.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import msgspec
from sqlalchemy import Engine, and_, bindparam, case, func, or_, select, update
from sqlalchemy.engine import Connection

from cauterize.store import project as pj
from cauterize.store import schema as s
from cauterize.store.db import make_engine, migrate
from cauterize.store.project import _PROFILE_FIELDS, Batch, fold_handle
from cauterize.store.schema_state import detector_state as _detector_state
from cauterize.store.writer_lock import writer_lock


def _id_chunks(keys: Sequence[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """(platform, up to ``_LOOKUP_CHUNK`` of its ids), for lookups by a unique index."""
    by_platform: dict[str, list[str]] = {}
    for platform, event_id in keys:
        by_platform.setdefault(platform, []).append(event_id)
    for platform, ids in by_platform.items():
        for i in range(0, len(ids), _LOOKUP_CHUNK):
            yield platform, ids[i : i + _LOOKUP_CHUNK]


def _sqlite_time(t: datetime) -> str:
    # The exact text SQLAlchemy's SQLite DATETIME writes and parses, so reads and SQL comparisons
    # agree. Fixed-width UTC text: it sorts and compares like the times it holds.
    if t.tzinfo is not UTC:
        t = t.astimezone(UTC)
    return t.isoformat(" ", "microseconds")[:26]


def _naive_utc(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


def _json_text(v: Any) -> str:
    return msgspec.json.encode(v).decode()


class _Prepared:
    """A statement compiled once for this dialect and these keys, fed plain DB-API parameters.

    SQLAlchemy's per-row bind processing costs more than SQLite's own insert on this path
    (measured: 70% of ingest time), so batched writes hand the driver rows the batch already
    encoded (see ``project.Batch``): tuples in ``keys`` order, reordered only where the compiled
    statement wants its parameters in another order.
    """

    def __init__(self, stmt: Any, dialect: Any, keys: tuple[str, ...]):
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.keys = keys
        self._order: Any = None
        self._named = not compiled.positional
        if not self._named:
            names = tuple(compiled.positiontup)
            if names != keys:
                self._order = itemgetter(*(keys.index(n) for n in names))

    def params(self, rows: Sequence[tuple[Any, ...]]) -> Sequence[Any]:
        if self._named:
            keys = self.keys
            return [dict(zip(keys, row, strict=True)) for row in rows]
        if self._order is None:
            return rows
        order = self._order
        return [order(row) for row in rows]


_LOOKUP_CHUNK = 500
_ANALYZE_MIN_ROWS = 10_000


def _newer(column, param):  # type: ignore[no-untyped-def]
    """SQL for "the incoming time is at least the stored one" (NULL stored counts as older)."""
    return or_(column.is_(None), bindparam(param) >= column)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._prepared: dict[int, _Prepared] = {}
        self._lookup_sql: dict[int, _Prepared] = {}
        #: table -> (rows written since its last ANALYZE, rows it had then), PostgreSQL only.
        self._growth: dict[str, tuple[int, int]] = {}
        self._build_statements()

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        engine = make_engine(url)
        if upgrade:
            # Two processes opening a fresh store must not both create its tables.
            with writer_lock(engine):
                migrate(engine)
        return cls(engine)

    def writer(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store's one-writer lock (``writer_lock``) for a whole run."""
        return writer_lock(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -------------------------------------------------------------------------------

    def _insert(self, table: s.Table):  # type: ignore[no-untyped-def]
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _build_statements(self) -> None:
        a = s.accounts
        touch = self._insert(a)
        exc = touch.excluded
        self._touch = touch.on_conflict_do_update(
            index_elements=[a.c.platform, a.c.account_id],
            set_={
                "first_seen": case((exc.first_seen < a.c.first_seen, exc.first_seen), else_=a.c.first_seen),
                "last_seen": case((exc.last_seen > a.c.last_seen, exc.last_seen), else_=a.c.last_seen),
                "created_at": func.coalesce(exc.created_at, a.c.created_at),
            },
        )
        fresh = _newer(a.c.profile_at, "b_at")
        values: dict[str, Any] = {
            name: case((fresh, func.coalesce(bindparam(f"b_{name}"), a.c[name])), else_=a.c[name])
            for name in (*_PROFILE_FIELDS, "lang")
        }
        values["profile_at"] = case((fresh, bindparam("b_at")), else_=a.c.profile_at)
        key = and_(a.c.platform == bindparam("b_platform"), a.c.account_id == bindparam("b_account_id"))
        self._profile = update(a).where(key).values(**values)
        fresh_status = _newer(a.c.status_at, "b_at")
        self._status = (
            update(a)
            .where(key)
            .values(
                status=case((fresh_status, bindparam("b_status")), else_=a.c.status),
                status_at=case((fresh_status, bindparam("b_at")), else_=a.c.status_at),
            )
        )
        post_key = and_(s.posts.c.platform == bindparam("b_platform"), s.posts.c.post_id == bindparam("b_post_id"))
        self._post_deleted = update(s.posts).where(post_key).values(deleted_at=bindparam("b_at"))
        self._post_removed = update(s.posts).where(post_key).values(removed_at=bindparam("b_at"))
        self._plain = {
            t.name: self._insert(t).on_conflict_do_nothing()
            for t in (
                s.events,
                s.handle_history,
                s.posts,
                s.edges,
                s.reports,
                s.enforcements,
                s.signals,
                s.decisions,
            )
        }

    def new_batch(self, ingested_at: datetime, run_id: int | None = None) -> Batch:
        """An empty batch whose rows are encoded the way this database's driver takes them."""
        time = _sqlite_time if self.dialect == "sqlite" else _naive_utc
        return Batch(ingested_at=ingested_at, run_id=run_id, encode_time=time, encode_json=_json_text)

    def known_event_ids(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (platform, event_id) pairs the store already holds."""
        found: set[tuple[str, str]] = set()
        if not keys:
            return found
        with self.engine.connect() as conn:
            for platform, ids in _id_chunks(keys):
                found.update((platform, r[0]) for r in self._lookup_ids(conn, platform, ids))
        return found

    def event_payloads(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """The stored payload of each of these (platform, event_id) pairs the store holds."""
        e = s.events
        out: dict[tuple[str, str], bytes] = {}
        with self.engine.connect() as conn:
            for platform, ids in _id_chunks(keys):
                rows = conn.execute(
                    select(e.c.event_id, e.c.payload).where(e.c.platform == platform, e.c.event_id.in_(ids))
                )
                out.update(((platform, r.event_id), bytes(r.payload)) for r in rows)
        return out

    def _lookup_ids(self, conn: Connection, platform: str, ids: list[str]) -> Any:
        # Filter on platform too: (platform, event_id) is the unique index's order. The SQL is
        # cached by the number of ids: SQLAlchemy's expanding IN re-renders it every call, which
        # cost more than the index probes.
        n = len(ids)
        sql = self._lookup_sql.get(n)
        if sql is None:
            e = s.events
            q = select(e.c.event_id).where(
                e.c.platform == bindparam("p"), e.c.event_id.in_([bindparam(f"i{j}") for j in range(n)])
            )
            sql = self._lookup_sql[n] = _Prepared(q, self.engine.dialect, ("p", *(f"i{j}" for j in range(n))))
        return conn.exec_driver_sql(sql.sql, sql.params([(platform, *ids)])[0])

    def write(self, batch: Batch) -> None:
        """Write one batch in one transaction: all of it or none of it."""
        with self.engine.begin() as conn:
            self._write(conn, batch)
        if self.dialect == "postgresql":
            self._analyze_grown(batch)

    def _analyze_grown(self, b: Batch) -> None:
        """ANALYZE a table once it has grown by a fifth since the planner last looked at it.

        A store filled from empty keeps the statistics of an empty table until autovacuum
        comes round (a minute, or much later under load), and the planner's lookups by key
        then scan: a 200k-event load ran at 1,793 events/s, 8,961 with statistics kept up.
        The threshold doubles the interval as the table grows, so a load pays O(log n) of them.
        """
        written = {
            "events": len(b.events),
            "accounts": len(b.touches),
            "posts": len(b.posts),
            "edges": len(b.edges),
            "handle_history": len(b.handles),
            "signals": len(b.signals),
            "decisions": len(b.decisions),
        }
        due = []
        for table, n in written.items():
            since, size = self._growth.get(table, (0, 0))
            since += n
            if since > max(_ANALYZE_MIN_ROWS, size // 5):
                due.append(table)
                self._growth[table] = (0, size + since)
            else:
                self._growth[table] = (since, size)
        if due:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"ANALYZE {', '.join(due)}")

    def _exec(self, conn: Connection, stmt: Any, keys: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
        prepared = self._prepared.get(id(stmt))
        if prepared is None:
            prepared = self._prepared[id(stmt)] = _Prepared(stmt, self.engine.dialect, keys)
        conn.exec_driver_sql(prepared.sql, prepared.params(rows))

    def _write(self, conn: Connection, b: Batch) -> None:
        if b.events:
            self._exec(conn, self._plain["events"], pj.EVENT_COLUMNS, b.events)
        if b.touches:
            self._exec(conn, self._touch, pj.TOUCH_COLUMNS, b.touch_rows())
        # Guarded updates in event-time order so that a batch holding two versions ends on the newer.
        if b.profiles:
            i = pj.GUARD_TIME["profiles"]
            self._exec(conn, self._profile, pj.PROFILE_COLUMNS, sorted(b.profiles, key=itemgetter(i)))
        if b.statuses:
            i = pj.GUARD_TIME["statuses"]
            self._exec(conn, self._status, pj.STATUS_COLUMNS, sorted(b.statuses, key=itemgetter(i)))
        for name, keys, rows in (
            ("handle_history", pj.HANDLE_COLUMNS, b.handles),
            ("posts", pj.POST_COLUMNS, b.posts),
            ("edges", pj.EDGE_COLUMNS, b.edges),
            ("reports", pj.REPORT_COLUMNS, b.reports),
            ("enforcements", pj.ENFORCEMENT_COLUMNS, b.enforcements),
            ("signals", pj.SIGNAL_COLUMNS, b.signals),
            ("decisions", pj.DECISION_COLUMNS, b.decisions),
        ):
            if rows:
                self._exec(conn, self._plain[name], keys, rows)
        if b.post_deletions:
            self._exec(conn, self._post_deleted, pj.POST_MARK_COLUMNS, b.post_deletions)
        if b.post_removals:
            self._exec(conn, self._post_removed, pj.POST_MARK_COLUMNS, b.post_removals)

    def dead_letter(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.engine.begin() as conn:
                conn.execute(s.dead_letters.insert(), rows)

    def dead_letter_keys(self, source: str) -> set[tuple[int, str, str, bytes]]:
        """(position, location, reason, SHA-256 of raw) of every dead letter from ``source``.

        The pipeline checks a replayed input's bad records against these, so a replay adds none twice.
        """
        dl = s.dead_letters
        q = select(dl.c.position, dl.c.location, dl.c.reason, dl.c.raw).where(dl.c.source == source)
        with self.engine.connect() as conn:
            return {
                (r.position, r.location or "", r.reason, hashlib.sha256(r.raw or b"").digest()) for r in conn.execute(q)
            }

    def start_run(self, sources: list[str], started_at: datetime) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(s.ingest_runs.insert().values(started_at=started_at, sources=sources))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, finished_at: datetime, counts: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(s.ingest_runs).where(s.ingest_runs.c.id == run_id).values(finished_at=finished_at, counts=counts)
            )

    # -- reading -------------------------------------------------------------------------------

    def account(self, platform: str, account_id: str) -> dict[str, Any] | None:
        a = s.accounts
        with self.engine.connect() as conn:
            row = conn.execute(select(a).where(a.c.platform == platform, a.c.account_id == account_id)).first()
        return dict(row._mapping) if row else None

    def find_accounts(self, ref: str, platform: str | None = None) -> list[tuple[str, str]]:
        """Accounts an id or ``@handle`` refers to; a handle matches any account that ever used it."""
        a, h = s.accounts, s.handle_history
        with self.engine.connect() as conn:
            if ref.startswith("@"):
                folded = fold_handle(ref)
                q = select(h.c.platform, h.c.account_id).where(h.c.handle_folded == folded)
                q2 = select(a.c.platform, a.c.account_id).where(func.lower(a.c.handle) == folded)
                if platform:
                    q, q2 = q.where(h.c.platform == platform), q2.where(a.c.platform == platform)
                rows = list(conn.execute(q.union(q2)))
            else:
                q = select(a.c.platform, a.c.account_id).where(a.c.account_id == ref)
                if platform:
                    q = q.where(a.c.platform == platform)
                rows = list(conn.execute(q))
        return sorted({(r[0], r[1]) for r in rows})

    def handle_history(self, platform: str, account_id: str) -> list[dict[str, Any]]:
        """Handles in event-time order, consecutive repeats of one handle collapsed to the first."""
        h = s.handle_history
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(h.c.handle, h.c.seen_at, h.c.event_id)
                .where(h.c.platform == platform, h.c.account_id == account_id)
                .order_by(h.c.seen_at, h.c.id)
            )
            out: list[dict[str, Any]] = []
            for r in rows:
                if not out or out[-1]["handle"] != r.handle:
                    out.append(dict(r._mapping))
        return out

    def _rows_for(self, table: s.Table, platform: str, account_id: str, order: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table).where(table.c.platform == platform, table.c.account_id == account_id).order_by(order)
            )
            return [dict(r._mapping) for r in rows]

    def signals_for(self, platform: str, account_id: str) -> list[dict[str, Any]]:
        return self._rows_for(s.signals, platform, account_id, s.signals.c.event_time)

    def decisions_for(self, platform: str, account_id: str) -> list[dict[str, Any]]:
        return self._rows_for(s.decisions, platform, account_id, s.decisions.c.event_time)

    def enforcements_for(self, platform: str, account_id: str) -> list[dict[str, Any]]:
        return self._rows_for(s.enforcements, platform, account_id, s.enforcements.c.event_time)

    def iter_events(self, kinds: Iterable[str]) -> Iterator[Any]:
        """Stored events of these kinds, oldest first, decoded (for warming detectors up)."""
        from cauterize.events import decode_event

        e = s.events
        q = select(e.c.payload).where(e.c.kind.in_(sorted(kinds))).order_by(e.c.event_time, e.c.id)
        with self.engine.connect() as conn:
            for (payload,) in conn.execution_options(yield_per=5000).execute(q):
                yield decode_event(payload)

    def iter_events_after(self, kinds: Iterable[str], after: int = 0) -> Iterator[tuple[int, Any]]:
        """(position, event) of stored events of these kinds above ``after``, oldest first, decoded.

        The position is the event's ``events.id``: what a detector's saved state says it covers.
        """
        from cauterize.events import decode_event

        e = s.events
        q = select(e.c.id, e.c.payload).where(e.c.kind.in_(sorted(kinds)))
        if after:
            q = q.where(e.c.id > after)
        with self.engine.connect() as conn:
            for position, payload in conn.execution_options(yield_per=5000).execute(q.order_by(e.c.event_time, e.c.id)):
                yield position, decode_event(payload)

    def last_event_position(self) -> int:
        """The highest ``events.id`` stored (0 for an empty store)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(s.events.c.id))).scalar() or 0)

    def detector_state(self, detector: str) -> dict[str, Any] | None:
        """The saved state of a detector: state_key, position, saved_at, payload; or None."""
        t = _detector_state
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.detector == detector)).first()
        return dict(row._mapping) if row else None

    def save_detector_state(self, detector: str, state_key: str, position: int, payload: bytes) -> None:
        """Replace a detector's saved state (one transaction: the old row stays until the new one is in)."""
        t = _detector_state
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.detector == detector))
            conn.execute(
                t.insert().values(
                    detector=detector,
                    state_key=state_key,
                    position=position,
                    saved_at=datetime.now(UTC),
                    payload=payload,
                )
            )

    def post_texts(self, platform: str, post_ids: Sequence[str]) -> dict[str, str]:
        """post id -> text, for the posts of these ids the store holds (one query per 500)."""
        p = s.posts
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for _plat, ids in _id_chunks([(platform, x) for x in dict.fromkeys(post_ids)]):
                rows = conn.execute(select(p.c.post_id, p.c.text).where(p.c.platform == platform, p.c.post_id.in_(ids)))
                out.update((r.post_id, r.text) for r in rows)
        return out

    def post_author(self, platform: str, post_id: str) -> str | None:
        p = s.posts
        with self.engine.connect() as conn:
            return conn.execute(
                select(p.c.account_id).where(p.c.platform == platform, p.c.post_id == post_id)
            ).scalar_one_or_none()

    def followers_seen(self, platform: str, account_id: str) -> int:
        """Follows minus unfollows of the account in the stream (a floor: follows before the stream are unseen)."""
        e = s.edges
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(e.c.kind, func.count())
                .where(e.c.platform == platform, e.c.dst == account_id, e.c.kind.in_(["follow", "unfollow"]))
                .group_by(e.c.kind)
            )
            counts = dict(rows.all())
        return max(int(counts.get("follow", 0)) - int(counts.get("unfollow", 0)), 0)

    def evasion_links(self, platform: str) -> dict[str, tuple[str, float]]:
        """Child -> (parent, probability): the strongest ``evasion.*`` link reported for each account."""
        sig = s.signals
        best: dict[str, tuple[str, float]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sig.c.account_id, sig.c.score, sig.c.evidence).where(
                    sig.c.platform == platform, sig.c.label.like("evasion.%")
                )
            )
            for account_id, score, evidence in rows:
                parent = (evidence or {}).get("parent_account_id")
                if parent and (account_id not in best or score > best[account_id][1]):
                    best[account_id] = (parent, score)
        return best

    def iter_decisions(self, actions: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
        d, a = s.decisions, s.accounts
        q = (
            select(d, a.c.handle)
            .select_from(d.outerjoin(a, and_(a.c.platform == d.c.platform, a.c.account_id == d.c.account_id)))
            .order_by(d.c.event_time, d.c.id)
        )
        if actions:
            q = q.where(d.c.action.in_(list(actions)))
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(q):
                yield dict(row._mapping)

    def dead_letters(self, run_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        dl = s.dead_letters
        q = select(dl).order_by(dl.c.id).limit(limit)
        if run_id is not None:
            q = q.where(dl.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def counts(self) -> dict[str, int]:
        out = {}
        with self.engine.connect() as conn:
            for t in (s.events, s.accounts, s.posts, s.edges, s.signals, s.decisions, s.dead_letters):
                out[t.name] = int(conn.execute(select(func.count()).select_from(t)).scalar_one())
        return out

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every derived table, minus wall-clock columns: for replay/idempotency checks."""
        wall = {"ingested_at", "created_at", "decided_at", "received_at", "run_id", "id"}
        out = {}
        with self.engine.connect() as conn:
            for t in s.metadata.sorted_tables:
                # detector_state is a cache of the detectors' memory (pickled, run-dependent bytes)
                if t.name in {"ingest_runs", "dead_letters", "alembic_version", "detector_state"}:
                    continue
                cols = [c for c in t.c if c.name not in wall or (t.name == "accounts" and c.name == "created_at")]
                rows = conn.execute(select(*cols))  # sorted below: JSON columns have no SQL ordering
                out[t.name] = sorted(tuple(repr(v) for v in r) for r in rows)
        return out


__all__ = ["Store"]
