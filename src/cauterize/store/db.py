"""Opening a database and bringing its schema up to date with Alembic."""

from __future__ import annotations

from pathlib import Path

import msgspec
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).with_name("migrations")


def _json_dumps(value: object) -> str:
    return msgspec.json.encode(value).decode()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # SQLite has one writer at a time: a console's case sync or a reviewer's action waits for the
    # ingest's batch transaction (seconds for 50,000 events on a loaded machine) instead of
    # failing with "database is locked" after the driver's default 5 s.
    connect_args = {"timeout": 120.0} if url.startswith("sqlite") else {}
    engine = create_engine(
        url, json_serializer=_json_dumps, json_deserializer=msgspec.json.decode, connect_args=connect_args
    )
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL lets the console read while ingest writes; NORMAL sync is durable across
            # application crashes, which is what an ingest job needs.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # SQLite's default page cache is 2 MB; the ingest path touches several indexes per
            # event, and with a small cache each batch re-reads them from disk.
            cur.execute("PRAGMA cache_size=-131072")
            cur.execute("PRAGMA temp_store=MEMORY")
            # Checkpoint every 256 MB of WAL rather than 4 MB: each checkpoint is an fsync and a
            # rewrite of the hot index pages, and ingest dirties the same pages batch after batch
            # (a 50,000-event batch writes about 100 MB of pages).
            cur.execute("PRAGMA wal_autocheckpoint=65536")
            cur.close()

    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
