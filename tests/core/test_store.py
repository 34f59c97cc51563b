from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from cauterize.store.db import make_engine, migrate
from cauterize.store.schema import metadata
from tests.conftest import _reset


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    url = request.getfixturevalue("postgres_url")
    _reset(url)
    return url


def test_migrations_build_exactly_the_declared_schema(empty_db_url):
    engine = make_engine(empty_db_url)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}


def _head() -> str:
    from alembic.script import ScriptDirectory

    from cauterize.store.db import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrating_twice_is_harmless(empty_db_url):
    engine = make_engine(empty_db_url)
    migrate(engine)
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _head()


def test_find_accounts_by_any_past_handle(pipeline, store):
    from cauterize.ingest.sources import BytesSource
    from tests.conftest import ev, jsonl

    pipeline.run(
        [
            BytesSource(
                jsonl(
                    ev("account_created", "c", "a1", 0, handle="Ashen_Media"),
                    ev("profile_changed", "p", "a1", 5, handle="garden_photos"),
                    ev("account_created", "c2", "a2", 6, handle="ashen_media"),
                ),
                "h",
            )
        ]
    )
    assert store.find_accounts("@ASHEN_media") == [("testnet", "a1"), ("testnet", "a2")]
    assert store.find_accounts("@garden_photos") == [("testnet", "a1")]
    assert store.find_accounts("a2") == [("testnet", "a2")]
    assert store.find_accounts("@nobody") == []


def test_postgresql_statistics_are_refreshed_as_a_table_grows_not_every_batch():
    from contextlib import contextmanager
    from datetime import UTC, datetime

    from cauterize.store.project import Batch
    from cauterize.store.store import Store

    ran: list[str] = []

    class _Conn:
        def exec_driver_sql(self, sql: str) -> None:
            ran.append(sql)

    class _Engine:
        @contextmanager
        def begin(self):
            yield _Conn()

    store = Store.__new__(Store)  # only the bookkeeping, no database
    store.engine, store.dialect, store._growth = _Engine(), "postgresql", {}

    def batch(events: int) -> Batch:
        b = Batch(ingested_at=datetime.now(UTC))
        b.events = [()] * events
        return b

    for _ in range(40):
        store._analyze_grown(batch(6_000))  # 240,000 rows in all
    analyzed = [s for s in ran if "events" in s]
    # At 12k, 24k, 36k, 48k, 60k, 78k, ... 228k rows: every 10k rows while small, then each time
    # the table grew by a fifth; 40 batches, 11 ANALYZEs, and never one per batch.
    assert len(analyzed) == 11
    assert store._growth["events"][0] + store._growth["events"][1] == 240_000
