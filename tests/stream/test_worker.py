"""Workers on a real Kafka-protocol broker (Tansu) and a real PostgreSQL: partitions, shared state,
redelivery and dead letters."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from cauterize.app import build_pipeline
from cauterize.config import Config
from cauterize.store.copy_writer import CopyStore
from cauterize.stream.client import Topics, consumer_config, ensure_topics, producer_config
from cauterize.stream.worker import Worker
from tests.conftest import WATCHLIST, ev


def _worker(broker: str, url: str, topics: Topics, group: str, tmp: Path) -> Worker:
    cfg = Config(data_dir=tmp, database_url=url, detectors={"watchlist": WATCHLIST})
    store = CopyStore.open(url)
    return Worker(
        build_pipeline(cfg, store),
        store,
        consumer_config(broker, group),
        producer_config(broker),
        topics,
        "jsonl",
        poll_seconds=0.2,
    )


def _send(broker: str, topic: str, events: list[dict], partition: int | None = None) -> None:
    from confluent_kafka import Producer

    p = Producer(producer_config(broker))
    for e in events:
        kw = {} if partition is None else {"partition": partition}
        p.produce(topic, value=json.dumps(e).encode(), key=f"{e['platform']}:{e['actor']}".encode(), **kw)
    assert p.flush(30) == 0


def _wait(cond, seconds: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _scalar(url: str, sql: str):
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).all()
    finally:
        engine.dispose()


def _read_topic(broker: str, topic: str, expect: int, seconds: float = 20.0) -> list:
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    # Assigned, not subscribed: reading a topic whole needs no group (and no wait to join one).
    c = Consumer(consumer_config(broker, f"reader-{time.monotonic_ns()}"))
    parts = c.list_topics(topic, timeout=10).topics[topic].partitions
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
    out: list = []
    deadline = time.monotonic() + seconds
    try:
        while len(out) < expect and time.monotonic() < deadline:
            out.extend(m for m in c.consume(500, 0.5) if m.error() is None)
    finally:
        c.close()
    return out


def _start(worker: Worker, idle_exit: float | None = 2.0) -> threading.Thread:
    t = threading.Thread(target=worker.run, kwargs={"idle_exit": idle_exit}, daemon=True)
    t.start()
    return t


def test_a_parent_suspended_on_one_partition_links_a_child_arriving_on_another(broker, pg_db, prefix, tmp_path):
    topics = Topics.named(prefix)
    ensure_topics(broker, topics, 2)
    a = _worker(broker, pg_db, topics, "g", tmp_path)
    b = _worker(broker, pg_db, topics, "g", tmp_path)
    # No idle exit: under load the child's worker could sit idle past any fixed limit while the
    # parent's events are being stored, and leave before the child arrives. Stopped below.
    threads = [_start(a, idle_exit=None), _start(b, idle_exit=None)]
    _wait(lambda: a._assigned and b._assigned, what="both workers to get a partition")
    parent = [
        ev("account_created", "c1", "P", 0, handle="ashen_media", display_name="Ashen Media", avatar_hash="av1"),
        ev("enforcement", "s1", "P", 10, action="suspend", reason="terrorism"),
    ]
    _send(broker, topics.input, parent, partition=0)
    _wait(lambda: _scalar(pg_db, "select count(*) from events")[0][0] == 2, what="the parent's events stored")
    child = [ev("account_created", "c2", "C", 20, handle="ashen_media2", display_name="Ashen Media", avatar_hash="av1")]
    _send(broker, topics.input, child, partition=1)
    _wait(lambda: _scalar(pg_db, "select count(*) from events")[0][0] == 3, what="the child's event stored")
    for w in (a, b):
        w.stop.set()  # taken at the next poll, after the batch in hand is stored and published
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    # The two partitions went to two workers, and the child's worker never saw the parent's events
    # from the topic: only through the database.
    owner = {w: {p for _, p in w.shared.own_runs and _partitions(pg_db, w.shared.own_runs)} for w in (a, b)}
    assert {frozenset(v) for v in owner.values()} == {frozenset({0}), frozenset({1})}
    rows = _scalar(pg_db, "select account_id, label, evidence from signals where label like 'evasion.%'")
    links = {(r[0], (r[2] or {}).get("parent_account_id")) for r in rows}
    assert ("C", "P") in links
    decisions = _scalar(pg_db, "select account_id, action from decisions")
    assert ("C", "flag_for_review") in {tuple(r) for r in decisions}
    sent = _read_topic(broker, topics.decisions, 1)
    assert any(json.loads(m.value())["account_id"] == "C" for m in sent)


def _partitions(url: str, runs: set[int]) -> set[tuple[str, int]]:
    ids = ",".join(str(r) for r in runs)
    out: set[tuple[str, int]] = set()
    for (sources,) in _scalar(url, f"select sources from ingest_runs where id in ({ids})"):
        for name in sources:
            topic, _, part = name.removeprefix("kafka:").rpartition("/")
            out.add((topic, int(part)))
    return out


def test_redelivery_changes_nothing_and_bad_records_are_dead_lettered_once(broker, pg_db, prefix, tmp_path):
    from confluent_kafka import Producer

    topics = Topics.named(prefix)
    ensure_topics(broker, topics, 2)
    good = [
        ev("post_created", f"e{i}", f"a{i % 7}", i, post_id=f"p{i}", text="news", hashtags=["AshenBanner"])
        if i % 5 == 0
        else ev("post_created", f"e{i}", f"a{i % 7}", i, post_id=f"p{i}", text="hi")
        for i in range(60)
    ]
    _send(broker, topics.input, good)
    p = Producer(producer_config(broker))
    for bad in (b"{not json", b'{"kind": "post_created"}', b"\xff\xfe"):
        p.produce(topics.input, value=bad)
    assert p.flush(30) == 0

    first = _worker(broker, pg_db, topics, "g1", tmp_path)
    first.run(idle_exit=1.5)
    assert first.stats.events_new == 60 and first.stats.dead_letters == 3
    store = CopyStore.open(pg_db)
    snap = store.snapshot()
    dead = _scalar(pg_db, "select count(*) from dead_letters")[0][0]
    assert dead == 3 and len(snap["decisions"]) == 12

    # Another group reads the whole topic again, as a worker that lost its offsets would.
    again = _worker(broker, pg_db, topics, "g2", tmp_path)
    again.run(idle_exit=1.5)
    assert again.stats.events_new == 0 and again.stats.records == 63
    assert store.snapshot() == snap
    assert _scalar(pg_db, "select count(*) from dead_letters")[0][0] == 3
    store.close()

    letters = _read_topic(broker, topics.dead_letters, 3)
    reasons = {dict(m.headers())["cauterize-reason"] for m in letters}
    assert len(letters) >= 3 and all(reasons)
    published = _read_topic(broker, topics.decisions, 12)
    assert len({m.key() for m in published}) == 12
