"""One writer per store at a time, across processes.

Two ``cauterize ingest`` runs (or an ingest and the console's HTTP ingest) on one store used to
race: on a fresh store both ran the migrations and one died on "table accounts already exists";
on an existing store both finished, but each replayed history before the other's events were
written, so its ban-evasion state missed them and decisions came out wrong. Holding a lock for
the whole run (history replay included) makes the second run wait and then see everything the
first one wrote.

SQLite: an ``flock`` on ``<database>.writer.lock`` beside the database file (released by the
kernel if the process dies, so a killed run never leaves a stale lock). PostgreSQL: a session
advisory lock on a connection held for the run (released when that connection closes).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

#: How long a run waits for another writer before giving up with a clear message.
DEFAULT_WAIT_SECONDS = 3600.0


class StoreBusy(RuntimeError):
    """Another process held the store's writer lock for longer than we were willing to wait."""


def _advisory_key(engine: Engine) -> int:
    url = engine.url
    name = f"cauterize-writer:{url.host}:{url.port}:{url.database}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def _sqlite_lock(path: Path, wait: float) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise StoreBusy(
                        f"the store {path.with_suffix('')} is being written by {holder}; waited {wait:.0f} s. "
                        "Run one writer at a time, or use PostgreSQL for concurrent ingest."
                    ) from None
                time.sleep(0.1)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _postgres_lock(engine: Engine, wait: float) -> Iterator[None]:
    key = _advisory_key(engine)
    with engine.connect() as conn:
        deadline = time.monotonic() + wait
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.rollback()
            if time.monotonic() >= deadline:
                raise StoreBusy(f"another cauterize process is writing to this PostgreSQL store; waited {wait:.0f} s")
            time.sleep(0.1)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


_local = threading.local()


@contextlib.contextmanager
def writer_lock(engine: Engine, wait: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """Hold the store's writer lock; re-entrant within one thread (a run inside a run)."""
    held: set[str] = getattr(_local, "held", None) or set()
    _local.held = held
    ident = engine.url.render_as_string(hide_password=True)
    if ident in held:
        yield
        return
    if engine.dialect.name == "postgresql":
        cm = _postgres_lock(engine, wait)
    elif engine.url.database and engine.url.database != ":memory:":
        cm = _sqlite_lock(Path(engine.url.database + ".writer.lock"), wait)
    else:
        cm = contextlib.nullcontext()
    with cm:
        held.add(ident)
        try:
            yield
        finally:
            held.discard(ident)
