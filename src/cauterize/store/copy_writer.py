"""PostgreSQL's bulk path: a batch's rows go in with ``COPY``, then one set-based insert per table.

``executemany`` of ``INSERT ... ON CONFLICT`` costs one statement execution per row on the
server (pipelined, but parsed, planned and run per row): 9,086 events/s for a 1M-event load
(docs/benchmarks.md). ``COPY`` streams the rows in one command; ``COPY`` itself cannot skip
rows that are there already, so each batch is copied into a temporary table of the same
columns and moved over with one ``INSERT ... SELECT ... ON CONFLICT``, which keeps the store's
idempotency by event id (a redelivered batch inserts nothing) and its time guards on accounts.

The temporary tables are made once per connection (``ON COMMIT DELETE ROWS``): a pooled
connection reuses them, and a failed batch leaves nothing behind. Rows are inserted in key
order, so two workers writing at once take row locks in the same order and cannot deadlock on
an account both touched.

The guarded updates (profiles, statuses, post marks) stay statement-per-row: they are a small
share of events and must apply in event-time order within a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from psycopg.errors import UniqueViolation
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection

from cauterize.store import project as pj
from cauterize.store.db import migrate
from cauterize.store.project import Batch
from cauterize.store.store import Store
from cauterize.store.writer_lock import writer_lock

#: table -> (columns copied, conflict clause). None: ON CONFLICT DO NOTHING on any unique key.
_PLAIN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("handle_history", pj.HANDLE_COLUMNS),
    ("posts", pj.POST_COLUMNS),
    ("edges", pj.EDGE_COLUMNS),
    ("reports", pj.REPORT_COLUMNS),
    ("enforcements", pj.ENFORCEMENT_COLUMNS),
    ("signals", pj.SIGNAL_COLUMNS),
    ("decisions", pj.DECISION_COLUMNS),
)

_TOUCH_CONFLICT = """
ON CONFLICT (platform, account_id) DO UPDATE SET
  first_seen = CASE WHEN excluded.first_seen < accounts.first_seen THEN excluded.first_seen ELSE accounts.first_seen END,
  last_seen = CASE WHEN excluded.last_seen > accounts.last_seen THEN excluded.last_seen ELSE accounts.last_seen END,
  created_at = COALESCE(excluded.created_at, accounts.created_at)
"""


def _json_dumps(value: object) -> str:
    return msgspec.json.encode(value).decode()


def make_pooled_engine(url: str, *, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """A PostgreSQL engine with a bounded, health-checked pool.

    ``pool_pre_ping`` replaces a connection the server or a proxy (PgBouncer, a managed
    database's failover) closed while it sat in the pool, instead of failing the next batch.
    """
    return create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=msgspec.json.decode,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


class CopyStore(Store):
    """The store, writing batches to PostgreSQL with COPY (any other database: as ``Store``)."""

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True, pool_size: int = 5) -> CopyStore:  # type: ignore[override]
        if not url.startswith("postgresql"):
            store = Store.open(url, upgrade=upgrade)
            return cls(store.engine)
        engine = make_pooled_engine(url, pool_size=pool_size)
        if upgrade:
            with writer_lock(engine):
                migrate(engine)
        return cls(engine)

    def _write(self, conn: Connection, b: Batch) -> None:
        if self.dialect != "postgresql":
            super()._write(conn, b)
            return
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            if b.events:
                self._copy_in(cur, "events", pj.EVENT_COLUMNS, b.events, "ON CONFLICT DO NOTHING", "platform, event_id")
            if b.touches:
                self._copy_in(
                    cur, "accounts", pj.TOUCH_COLUMNS, b.touch_rows(), _TOUCH_CONFLICT, "platform, account_id"
                )
        if b.profiles:
            i = pj.GUARD_TIME["profiles"]
            self._exec(conn, self._profile, pj.PROFILE_COLUMNS, sorted(b.profiles, key=lambda r: r[i]))
        if b.statuses:
            i = pj.GUARD_TIME["statuses"]
            self._exec(conn, self._status, pj.STATUS_COLUMNS, sorted(b.statuses, key=lambda r: r[i]))
        with raw.cursor() as cur:  # type: ignore[union-attr]
            for table, columns in _PLAIN:
                rows = getattr(b, _BATCH_FIELD[table])
                if rows:
                    self._copy_in(cur, table, columns, rows, "ON CONFLICT DO NOTHING", None)
        if b.post_deletions:
            self._exec(conn, self._post_deleted, pj.POST_MARK_COLUMNS, b.post_deletions)
        if b.post_removals:
            self._exec(conn, self._post_removed, pj.POST_MARK_COLUMNS, b.post_removals)

    def _copy_in(
        self,
        cur: Any,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
        conflict: str,
        order: str | None,
    ) -> None:
        cols = ", ".join(columns)
        if order != "platform, account_id":
            # The pipeline drops the event ids the store holds before it builds a batch, so rows
            # nearly always go straight in; a savepoint catches the rare conflict (a zombie
            # worker's redelivery, a post seen under two event ids) and takes the careful path.
            cur.execute("SAVEPOINT cz_copy")
            try:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
            except UniqueViolation:
                cur.execute("ROLLBACK TO SAVEPOINT cz_copy")
            else:
                cur.execute("RELEASE SAVEPOINT cz_copy")
                return
        temp = f"cz_copy_{table}"
        # Made once per connection; empty at the start of every transaction.
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {temp} ON COMMIT DELETE ROWS AS SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cur.copy(f"COPY {temp} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        by = f" ORDER BY {order}" if order else ""
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp}{by} {conflict}")


_BATCH_FIELD = {
    "handle_history": "handles",
    "posts": "posts",
    "edges": "edges",
    "reports": "reports",
    "enforcements": "enforcements",
    "signals": "signals",
    "decisions": "decisions",
}

__all__ = ["CopyStore", "make_pooled_engine"]
