"""The store: one object that writes batches and answers the questions the CLI and console ask.

Writes go through dialect-aware ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL both have
it) and time-guarded updates, so that applying an older event after a newer one never rolls
an account's state back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import msgspec
from sqlalchemy import JSON, Engine, and_, bindparam, case, func, or_, select, update
from sqlalchemy.engine import Connection

from cauterize.store import schema as s
from cauterize.store.db import make_engine, migrate
from cauterize.store.project import _PROFILE_FIELDS, Batch, fold_handle
from cauterize.store.schema import UTCDateTime

_TIME_TEXT: dict[datetime, str] = {}


def _sqlite_time(t: datetime) -> str:
    # The exact text SQLAlchemy's SQLite DATETIME writes and parses, so reads and SQL comparisons
    # agree. One event's time is written to several tables, hence the small memo.
    text = _TIME_TEXT.get(t)
    if text is None:
        if len(_TIME_TEXT) > 50_000:
            _TIME_TEXT.clear()
        text = _TIME_TEXT[t] = t.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return text


def _naive_utc(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


def _json_text(v: Any) -> str:
    return msgspec.json.encode(v).decode()


class _Prepared:
    """A statement compiled once for this dialect and these keys, fed plain DB-API parameters.

    SQLAlchemy's per-row bind processing costs more than SQLite's own insert on this path
    (measured: 70% of ingest time), so batched writes convert values here, by Python type,
    and hand the driver ready rows.
    """

    def __init__(self, stmt: Any, dialect: Any, keys: tuple[str, ...]):
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        self.sql = compiled.string
        self.names: tuple[str, ...] | None = tuple(compiled.positiontup) if compiled.positional else None
        time_conv = _sqlite_time if dialect.name == "sqlite" else _naive_utc
        self._conv: dict[type, Any] = {datetime: time_conv, dict: _json_text, list: _json_text, tuple: _json_text}
        # Which positions need converting is known from the table's column types, so a row costs
        # one itemgetter call plus a conversion per time/JSON column, not a type lookup per value.
        # Parameters that are not columns (``b_at`` of the guarded updates) convert by type.
        self._fixes: list[tuple[int, Any]] = []
        if self.names is not None:
            self._get = itemgetter(*self.names) if len(self.names) > 1 else (lambda r, n=self.names[0]: (r[n],))
            table = getattr(stmt, "table", None)
            for i, n in enumerate(self.names):
                col = table.c.get(n) if table is not None and not n.startswith("b_") else None
                if col is None:
                    self._fixes.append((i, self._by_type))
                elif isinstance(col.type, UTCDateTime):
                    self._fixes.append((i, time_conv))
                elif isinstance(col.type, JSON):
                    self._fixes.append((i, _json_text))

    def _by_type(self, v: Any) -> Any:
        f = self._conv.get(type(v))
        return v if f is None else f(v)

    def params(self, rows: Iterable[dict[str, Any]]) -> list[Any]:
        if self.names is None:
            conv = self._conv
            return [{k: (v if (f := conv.get(type(v))) is None else f(v)) for k, v in row.items()} for row in rows]
        get, fixes = self._get, self._fixes
        if not fixes:
            return [get(row) for row in rows]
        out: list[Any] = []
        for row in rows:
            vals = list(get(row))
            for i, f in fixes:
                v = vals[i]
                if v is not None:
                    vals[i] = f(v)
            out.append(tuple(vals))
        return out


def _newer(column, param):  # type: ignore[no-untyped-def]
    """SQL for "the incoming time is at least the stored one" (NULL stored counts as older)."""
    return or_(column.is_(None), bindparam(param) >= column)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self._prepared: dict[tuple[int, tuple[str, ...]], _Prepared] = {}
        self._build_statements()

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        engine = make_engine(url)
        if upgrade:
            migrate(engine)
        return cls(engine)

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

    def known_event_ids(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (platform, event_id) pairs the store already holds."""
        found: set[tuple[str, str]] = set()
        if not keys:
            return found
        e = s.events
        by_platform: dict[str, list[str]] = {}
        for platform, event_id in keys:
            by_platform.setdefault(platform, []).append(event_id)
        with self.engine.connect() as conn:
            for platform, ids in by_platform.items():
                # Filter on platform too: (platform, event_id) is the unique index's order.
                for i in range(0, len(ids), 500):
                    q = select(e.c.event_id).where(e.c.platform == platform, e.c.event_id.in_(ids[i : i + 500]))
                    found.update((platform, r[0]) for r in conn.execute(q))
        return found

    def write(self, batch: Batch) -> None:
        """Write one batch in one transaction: all of it or none of it."""
        with self.engine.begin() as conn:
            self._write(conn, batch)

    def _exec(self, conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> None:
        keys = tuple(rows[0])
        prepared = self._prepared.get((id(stmt), keys))
        if prepared is None:
            prepared = self._prepared[(id(stmt), keys)] = _Prepared(stmt, self.engine.dialect, keys)
        conn.exec_driver_sql(prepared.sql, prepared.params(rows))

    def _write(self, conn: Connection, b: Batch) -> None:
        if b.events:
            self._exec(conn, self._plain["events"], b.events)
        if b.touches:
            self._exec(
                conn,
                self._touch,
                [
                    {
                        "platform": k[0],
                        "account_id": k[1],
                        "status": "active",
                        "first_seen": v[0],
                        "last_seen": v[1],
                        "created_at": v[2],
                    }
                    for k, v in b.touches.items()
                ],
            )
        # Profiles in event-time order so that a batch holding two versions ends on the newer.
        if b.profiles:
            self._exec(conn, self._profile, sorted(b.profiles, key=lambda r: r["b_at"]))
        if b.statuses:
            self._exec(conn, self._status, sorted(b.statuses, key=lambda r: r["b_at"]))
        for name, rows in (
            ("handle_history", b.handles),
            ("posts", b.posts),
            ("edges", b.edges),
            ("reports", b.reports),
            ("enforcements", b.enforcements),
            ("signals", b.signals),
            ("decisions", b.decisions),
        ):
            if rows:
                self._exec(conn, self._plain[name], rows)
        if b.post_deletions:
            self._exec(conn, self._post_deleted, b.post_deletions)
        if b.post_removals:
            self._exec(conn, self._post_removed, b.post_removals)

    def dead_letter(self, rows: Iterable[dict[str, Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.engine.begin() as conn:
                conn.execute(s.dead_letters.insert(), rows)

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
                if t.name in {"ingest_runs", "dead_letters", "alembic_version"}:
                    continue
                cols = [c for c in t.c if c.name not in wall or (t.name == "accounts" and c.name == "created_at")]
                rows = conn.execute(select(*cols))  # sorted below: JSON columns have no SQL ordering
                out[t.name] = sorted(tuple(repr(v) for v in r) for r in rows)
        return out


__all__ = ["Store"]
