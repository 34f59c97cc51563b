"""Partition keys, and the PostgreSQL COPY bulk path against the row-insert store."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from cauterize.config import Config
from cauterize.detectors.registry import build_detectors
from cauterize.events import encode_event
from cauterize.ingest.registry import get_adapter
from cauterize.ingest.sources import BytesSource
from cauterize.pipeline import Pipeline
from cauterize.policy.registry import build_policy
from cauterize.store.copy_writer import CopyStore
from cauterize.store.store import Store
from cauterize.stream.keys import record_key
from tests.conftest import WATCHLIST, ev, jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_a_canonical_event_is_keyed_by_its_account():
    line = jsonl(ev("post_created", "e1", "acct-7", post_id="p1", text="hi"))[:-1]
    assert record_key(line) == b"testnet:acct-7"
    assert record_key(line, get_adapter("jsonl")) == b"testnet:acct-7"


def test_a_record_without_a_readable_account_has_no_key():
    assert record_key(b"{not json") is None
    assert record_key(b"{not json", get_adapter("jsonl")) is None
    assert record_key(b'{"data": []}', get_adapter("twitter-v2")) is None


def _events(n: int) -> bytes:
    from gen_events import generate

    return b"".join(encode_event(e) + b"\n" for e in generate(n, seed=5))


def _pipeline(store: Store) -> Pipeline:
    cfg = Config(detectors={"watchlist": WATCHLIST, "evasion": {"enabled": False}})
    return Pipeline(store, build_detectors(cfg.detectors), build_policy(cfg.policy), batch_size=700)


def test_copy_writes_what_row_inserts_write_and_a_replay_adds_nothing(pg_db):
    from sqlalchemy import create_engine, text

    data = _events(3000)
    other = pg_db.rsplit("/", 1)[0] + "/" + pg_db.rsplit("/", 1)[1] + "_rows"
    admin = create_engine(pg_db.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {other.rsplit('/', 1)[1]}"))
    try:
        rows, copy = Store.open(other), CopyStore.open(pg_db)
        for store in (rows, copy):
            _pipeline(store).run([BytesSource(data, "in.jsonl")], "jsonl")
        snap = copy.snapshot()
        assert snap == rows.snapshot()
        assert len(snap["events"]) == 3000 and snap["decisions"]
        _pipeline(copy).run([BytesSource(data, "in.jsonl")], "jsonl")
        assert copy.snapshot() == snap
        rows.close()
        copy.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {other.rsplit('/', 1)[1]} WITH (FORCE)"))
        admin.dispose()


def test_a_batch_that_clashes_with_stored_rows_takes_the_careful_path(pg_db):
    from cauterize.events import decode_event

    store = CopyStore.open(pg_db)
    first = [decode_event(line) for line in _events(50).splitlines()]
    now = datetime.now(UTC)
    batch = store.new_batch(now)
    for e in first[:30]:
        batch.add(e)
    store.write(batch)
    # A zombie worker's batch: 10 events stored already, 20 new. COPY straight into the table
    # fails on the unique key; the temp-table path inserts the 20 and skips the 10.
    again = store.new_batch(now)
    for e in first[20:]:
        again.add(e)
    store.write(again)
    counts = store.counts()
    assert counts["events"] == 50
    keys = {(r[0], r[1]) for r in store.snapshot()["events"]}
    assert len(keys) == 50
    store.close()
