"""Ban evasion across partitions: two partitioned workers and the ordered stage decide exactly as a
single-process ingest of the same events (every decision, ban evasion's included)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cauterize.app import build_pipeline, open_store
from cauterize.config import load_config
from cauterize.events import encode_event
from cauterize.ingest.sources import FileSource
from cauterize.store.copy_writer import CopyStore
from cauterize.store.store import Store
from cauterize.stream.client import Topics, consumer_config, ensure_topics, producer_config
from cauterize.stream.ordered import OrderedStage, only, without
from cauterize.stream.produce import produce_records
from cauterize.stream.worker import Worker
from tests.stream.test_worker import _read_topic

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

DECISION = "select platform, event_id, account_id, action, rule from decisions"


def _decisions(engine) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(DECISION)))


def _config(tmp: Path, url: str | None):
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "cauterize.toml"
    rest = (REPO / "cauterize.toml").read_text().split("[database]", 1)[1]
    path.write_text((f'[database]\nurl = "{url}"\n' if url else "[database]\n") + rest)
    cfg = load_config(path)
    cfg.data_dir = tmp / "data"
    # The input spans two minutes: with the default window of five the stage could release
    # nothing before the end, and the test would not see it wait on the low-water mark.
    cfg.reorder_window_seconds = 10
    return cfg


def _stage(tmp: Path, url: str, broker: str, topics: Topics) -> tuple[OrderedStage, Store]:
    cfg = _config(tmp, url)
    cfg.detectors = only(cfg.detectors, ["evasion"])
    store = Store.open(url)
    sp = build_pipeline(cfg, store)
    stage = OrderedStage(
        store,
        sp.detectors,
        sp.policy,
        sp.ctx,
        {"bootstrap.servers": broker},
        f"{topics.input}-g",
        topics,
        "jsonl",
        reorder_window=cfg.reorder_window,
        poll_seconds=0.2,
    )
    return stage, store


@pytest.mark.parametrize("restart", [False, True], ids=["one-stage", "stage-restarted"])
def test_partitioned_workers_and_the_ordered_stage_decide_as_one_process(broker, pg_db, prefix, tmp_path, restart):
    from gen_events import generate

    n = 4_000
    lines = [encode_event(e) for e in generate(n, seed=11)]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    single_cfg = _config(tmp_path / "single", None)
    single_cfg.database_url = None
    store = open_store(single_cfg)
    build_pipeline(single_cfg, store).run([FileSource(path)], "jsonl")
    expected = _decisions(store.engine)
    store.close()
    evasion_expected = [d for d in expected if d[4].startswith("ban-evasion")]
    assert evasion_expected, "the input must hold ban-evasion decisions for this test to mean anything"

    topics = Topics.named(prefix)
    ensure_topics(broker, topics, 4)
    produce_records(producer_config(broker), topics.input, lines)

    stores: list[Store] = []
    threads: list[threading.Thread] = []
    workers = []
    for _ in range(2):
        wcfg = _config(tmp_path, pg_db)
        wcfg.detectors = without(wcfg.detectors, ["evasion"])
        store = CopyStore.open(pg_db)
        stores.append(store)
        w = Worker(
            build_pipeline(wcfg, store),
            store,
            consumer_config(broker, f"{topics.input}-g"),
            producer_config(broker),
            topics,
            "jsonl",
            max_batch=400,
            poll_seconds=0.2,
        )
        workers.append(w)
        threads.append(threading.Thread(target=w.run, kwargs={"idle_exit": 3.0}, daemon=True))
    stage, stage_store = _stage(tmp_path, pg_db, broker, topics)
    stores.append(stage_store)
    if restart:
        # The first stage stops after its first step, as a killed one would (its runs record
        # the position reached); a new one replays up to that position and carries on. A first
        # step while the workers still run releases only up to the low-water mark, so some is
        # always left for the second.
        decide = stage._decide

        def decide_then_stop(events):
            decide(events)
            stage.stop.set()

        stage._decide = decide_then_stop  # type: ignore[method-assign]
    threads.append(threading.Thread(target=stage.run, kwargs={"idle_exit": 2.0}, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    assert not any(t.is_alive() for t in threads), "a worker or the stage did not finish"
    # Both workers took part, and the stage released its events in more than one step (it
    # really waited on the low-water mark, rather than running once at the end).
    assert all(w.stats.events_new for w in workers)
    assert stage.stats.steps > (0 if restart else 1) and stage.stats.events > 0
    if restart:
        assert stage.stop.is_set()
        second, second_store = _stage(tmp_path, pg_db, broker, topics)
        stores.append(second_store)
        second.run(idle_exit=1.0)
        assert second.stats.replayed == stage.stats.events and second.stats.events > 0

    engine = create_engine(pg_db)
    streamed = _decisions(engine)
    engine.dispose()
    for s in stores:
        s.close()
    assert len(streamed) == len(set(streamed))
    evasion_streamed = [d for d in streamed if d[4].startswith("ban-evasion")]
    assert evasion_streamed == evasion_expected
    assert streamed == expected
    # The stage publishes its decisions: every ban-evasion decision is on the decisions topic.
    sent = {m.key().decode() for m in _read_topic(broker, topics.decisions, len(expected))}
    for platform, event_id, account_id, _, _ in evasion_expected:
        assert any(k.startswith(f"{platform}:{event_id}:{account_id}:") for k in sent)
