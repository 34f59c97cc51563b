"""The pipeline end to end on canonical JSONL: bad input, replay, ordering, evidence."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.detectors.base import Detector
from cauterize.ingest.sources import BytesSource, FileSource
from cauterize.pipeline import Pipeline, ReorderBuffer
from cauterize.policy.threshold import ThresholdPolicy
from tests.conftest import _reset, ev, jsonl

GOOD = [
    ev("account_created", "c1", "a1", 0, handle="ashen_media", display_name="Ashen Media"),
    ev("post_created", "p1", "a1", 1, post_id="p1", text="release", hashtags=["AshenBanner"]),
    ev("follow", "f1", "a2", 2, target="a1"),
    ev("post_created", "p2", "a2", 3, post_id="p2", text="hello", mentions=[{"handle": "ashen_media"}]),
    ev("enforcement", "s1", "a1", 4, action="suspend", reason="terrorism"),
    ev("account_created", "c3", "a3", 5, handle="ashen_media2"),
]


def _lines(events):
    return [json.dumps(e).encode() for e in events]


def test_each_kind_of_bad_input_is_dead_lettered_and_the_good_records_kept(tmp_path, pipeline, store):
    good = _lines(GOOD)
    bad = [
        b'{"kind": "post_created", "platform": "testnet", "event_id": "x1"',  # truncated JSON
        json.dumps(ev("account_created", "x2", "a9", followers_count="many")).encode(),  # wrong type
        json.dumps(ev("retweet", "x3", "a9")).encode(),  # unknown kind
        json.dumps(ev("post_created", "x4", "a9", post_id="q", text="caf")).encode()[:-3] + b'\xff\xfe"}',  # bad UTF-8
        b'{"kind": "post_created", "pad": "' + b"z" * (10 * 1024 * 1024) + b'"}',  # a 10 MB line
        json.dumps(ev("post_created", "x6", "a9")).encode(),  # missing post_id
    ]
    lines = [good[0], bad[0], good[1], bad[1], good[2], bad[2], good[3], bad[3], good[4], bad[4], good[5], bad[5]]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    summary = pipeline.run([FileSource(path, max_record_bytes=4 * 1024 * 1024)])

    assert summary.events_new == len(GOOD)
    assert summary.dead_letters == len(bad)
    rows = {r["position"]: r for r in store.dead_letters(summary.run_id)}
    assert set(rows) == {2, 4, 6, 8, 10, 12}
    assert rows[2]["reason"].startswith("malformed JSON")
    assert "$.followers_count" in rows[4]["reason"] and "Expected `int | null`, got `str`" in rows[4]["reason"]
    assert "Invalid value 'retweet'" in rows[6]["reason"]
    assert rows[8]["reason"].startswith("invalid UTF-8 at byte")
    assert "exceeds the limit of 4194304 bytes" in rows[10]["reason"] and rows[10]["raw_size"] == 0
    assert "missing required field `post_id`" in rows[12]["reason"]
    assert all(r["source"] == str(path) for r in rows.values())
    counts = store.counts()
    assert counts["events"] == len(GOOD) and counts["posts"] == 2
    assert store.account("testnet", "a1")["status"] == "suspended"


def test_replaying_the_same_input_changes_nothing(pipeline, store):
    data = jsonl(*GOOD)
    first = pipeline.run([BytesSource(data, "a")])
    snap = store.snapshot()
    second = pipeline.run([BytesSource(data, "a")])
    assert first.events_new == len(GOOD) and first.decisions
    assert second.events_new == 0 and second.duplicates == len(GOOD) and not second.decisions
    assert store.snapshot() == snap


def test_duplicates_inside_one_input_are_processed_once(pipeline, store):
    summary = pipeline.run([BytesSource(jsonl(GOOD[1], GOOD[1], GOOD[0], GOOD[1]), "d")])
    assert summary.events_new == 2 and summary.duplicates == 2
    assert store.counts()["signals"] == 1


def test_out_of_order_within_the_window_gives_the_same_store(cfg, tmp_path):
    ordered = [ev("account_created", "c", "a1", 0, handle="h0")] + [
        ev("profile_changed", f"pc{i}", "a1", i + 1, handle=f"h{i + 1}") for i in range(30)
    ]
    shuffled = ordered[:]
    random.Random(7).shuffle(shuffled)  # displacement <= 31 minutes < 60 minute window
    cfg.reorder_window_seconds = 3600
    snaps = []
    for name, events in (("ordered", ordered), ("shuffled", shuffled)):
        cfg.data_dir = tmp_path / name
        if cfg.database_url:  # PostgreSQL: one server, so empty it between the two runs
            _reset(cfg.database_url)
        store = open_store(cfg)
        summary = build_pipeline(cfg, store).run([BytesSource(jsonl(*events), name)])
        assert summary.late == 0
        snaps.append(store.snapshot())
        assert store.account("testnet", "a1")["handle"] == "h30"
        assert [h["handle"] for h in store.handle_history("testnet", "a1")] == [f"h{i}" for i in range(31)]
        store.close()
    assert snaps[0] == snaps[1]


def test_a_late_event_does_not_roll_state_back(cfg, store):
    pipeline = build_pipeline(cfg, store)
    pipeline.reorder_window = timedelta(0)
    events = [
        ev("account_created", "c", "a1", 0, handle="new_name"),
        ev("profile_changed", "p2", "a1", 10, handle="newest", bio="b2"),
        ev("enforcement", "s", "a1", 20, action="suspend"),
        ev("profile_changed", "p1", "a1", 5, handle="older", bio="b1"),  # arrives last, happened earlier
        ev("enforcement", "u", "a1", 15, action="unsuspend"),
    ]
    summary = pipeline.run([BytesSource(jsonl(*events), "late")])
    assert summary.late == 2
    acct = store.account("testnet", "a1")
    assert (acct["handle"], acct["bio"], acct["status"]) == ("newest", "b2", "suspended")
    assert "older" in [h["handle"] for h in store.handle_history("testnet", "a1")]


def test_reorder_buffer_releases_in_time_order():
    buf = ReorderBuffer(timedelta(minutes=2))
    from cauterize.events import decode_event

    out = []
    for minute in (3, 1, 2, 6, 4, 5, 10):
        dup, released = buf.push(decode_event(json.dumps(ev("follow", f"f{minute}", "a", minute, target="b"))))
        assert not dup
        out += [e.event_id for e in released]
    assert out == ["f1", "f2", "f3", "f4", "f5", "f6"]
    assert [e.event_id for e in buf.drain()] == ["f10"]


class _Exploding(Detector):
    kinds = frozenset({"post_created"})

    def detect(self, event, ctx):
        raise RuntimeError("boom")


def test_a_crashing_detector_is_reported_and_the_event_still_stored(store):
    pipeline = Pipeline(store, [_Exploding()], ThresholdPolicy())
    summary = pipeline.run([BytesSource(jsonl(*GOOD), "x")])
    assert summary.events_new == len(GOOD)
    assert summary.detector_errors == 2
    assert any("boom" in r["reason"] for r in store.dead_letters(summary.run_id))


def test_decisions_carry_their_evidence(pipeline, store):
    pipeline.run([BytesSource(jsonl(*GOOD), "e")])
    (decision,) = store.decisions_for("testnet", "a1")
    assert decision["action"] == "flag_for_review"
    assert decision["event_time"].isoformat() == "2024-03-01T12:01:00+00:00"
    (sig,) = decision["evidence"]["signals"]
    assert sig["detector"] == "watchlist" and sig["label"] == "watchlist.propaganda"
    assert sig["evidence"]["matches"] == [{"hashtag": "AshenBanner", "weight": 0.6}]


def test_edges_record_who_amplifies_whom(pipeline, store):
    from sqlalchemy import select

    from cauterize.store.schema import edges

    pipeline.run([BytesSource(jsonl(*GOOD), "e")])
    with store.engine.connect() as conn:
        rows = {(r.src, r.dst, r.kind) for r in conn.execute(select(edges))}
    assert rows == {("a2", "a1", "follow"), ("a2", "@ashen_media", "mention")}


def test_an_event_the_store_refuses_is_dead_lettered_and_its_batch_kept(pipeline, store, monkeypatch):
    real = store._write

    def refusing(conn, batch):
        from cauterize.store.project import EVENT_COLUMNS

        if any(row[EVENT_COLUMNS.index("event_id")] == "p2" for row in batch.events):
            raise ValueError("value too long for type character varying(128)")
        real(conn, batch)

    monkeypatch.setattr(store, "_write", refusing)
    summary = pipeline.run([BytesSource(jsonl(*GOOD), "poison")])
    assert summary.events_new == len(GOOD) - 1
    assert store.counts()["events"] == len(GOOD) - 1
    (row,) = store.dead_letters(summary.run_id)
    assert row["source"] == "event testnet:p2" and "store rejected the event" in row["reason"]
    assert b'"event_id":"p2"' in row["raw"]


def test_hostile_nesting_is_dead_lettered_not_a_crash(pipeline, store):
    from cauterize.ingest.base import RecordError
    from cauterize.ingest.registry import sniff

    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecordError, match="nested too deeply"):
        sniff(deep)
    summary = pipeline.run([BytesSource(jsonl(GOOD[0]) + deep + b"\n" + jsonl(GOOD[1]), "deep")])
    assert summary.events_new == 2 and summary.dead_letters == 1
    (row,) = store.dead_letters(summary.run_id)
    assert row["position"] == 2 and row["reason"].startswith(("invalid event", "malformed JSON"))


def test_reorder_buffer_matches_a_sorted_list_model():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cauterize.events import decode_event

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.integers(0, 30), max_size=60), st.integers(0, 10))
    def check(minutes: list[int], window: int) -> None:
        buf = ReorderBuffer(timedelta(minutes=window))
        model: list[tuple[int, int]] = []  # (minute, arrival) still held
        newest = -1
        for i, minute in enumerate(minutes):
            got = [
                e.event_id
                for e in buf.push(decode_event(json.dumps(ev("follow", f"f{i}", "a", minute, target="b"))))[1]
            ]
            model.append((minute, i))
            newest = max(newest, minute)
            due = sorted(m for m in model if m[0] <= newest - window)
            model = [m for m in model if m not in due]
            assert got == [f"f{i}" for _, i in due]
        assert [e.event_id for e in buf.drain()] == [f"f{i}" for _, i in sorted(model)]
        assert len(buf) == 0

    check()


def test_a_slow_stream_is_flushed_by_time_before_its_batch_fills(cfg, store, monkeypatch):
    import cauterize.pipeline as pl

    clock = iter(range(0, 10_000, 3))  # every look at the clock is 3 s after the last
    monkeypatch.setattr(pl.time, "monotonic", lambda: next(clock))
    pipeline = build_pipeline(cfg, store)
    pipeline.reorder_window = timedelta(0)
    pipeline.batch_size, pipeline.max_batch_seconds = 10_000, 5.0
    sizes: list[int] = []
    real = pipeline._flush
    monkeypatch.setattr(pipeline, "_flush", lambda events, *a: (sizes.append(len(events)), real(events, *a)))

    trickle = BytesSource(jsonl(*GOOD), "trickle")
    trickle.live = True  # type: ignore[misc]
    summary = pipeline.run([trickle])

    # Far below batch_size, yet flushed more than once, and nothing lost or doubled.
    assert len([s for s in sizes if s]) > 1 and sum(sizes) == len(GOOD)
    assert summary.events_new == len(GOOD) and store.counts()["events"] == len(GOOD)


def test_a_full_batch_is_flushed_without_waiting_for_the_clock(cfg, store, monkeypatch):
    import cauterize.pipeline as pl

    monkeypatch.setattr(pl.time, "monotonic", lambda: 0.0)  # the clock never moves
    pipeline = build_pipeline(cfg, store)
    pipeline.reorder_window = timedelta(0)
    pipeline.batch_size = 2
    sizes: list[int] = []
    real = pipeline._flush
    monkeypatch.setattr(pipeline, "_flush", lambda events, *a: (sizes.append(len(events)), real(events, *a)))

    pipeline.run([BytesSource(jsonl(*GOOD), "burst")])

    assert sizes[:3] == [2, 2, 2] and store.counts()["events"] == len(GOOD)


def test_a_file_is_flushed_by_size_only_however_slow_the_clock_says_it_is(cfg, store, monkeypatch):
    import cauterize.pipeline as pl

    clock = iter(range(0, 10_000, 3))
    monkeypatch.setattr(pl.time, "monotonic", lambda: next(clock))
    pipeline = build_pipeline(cfg, store)
    pipeline.batch_size = 10_000
    sizes: list[int] = []
    real = pipeline._flush
    monkeypatch.setattr(pipeline, "_flush", lambda events, *a: (sizes.append(len(events)), real(events, *a)))

    pipeline.run([BytesSource(jsonl(*GOOD), "file")])

    assert [s for s in sizes if s] == [len(GOOD)]


def test_a_live_stream_does_not_hold_events_for_the_whole_window(monkeypatch):
    import cauterize.pipeline as pl
    from cauterize.events import decode_event

    now = [0.0]
    monkeypatch.setattr(pl.time, "monotonic", lambda: now[0])
    buf = ReorderBuffer(timedelta(minutes=5), max_hold=2.0)
    first = decode_event(json.dumps(ev("account_created", "c1", "a1", 0, handle="x")))
    assert buf.push(first)[1] == []  # within the window and the hold: held
    now[0] = 2.5  # 2.5 s of wall clock later, a second event 1 s of event time later
    second = decode_event(json.dumps(ev("follow", "f1", "a2", 1 / 60, target="a1")))
    assert [e.event_id for e in buf.push(second)[1]] == ["c1"]
    without = ReorderBuffer(timedelta(minutes=5))
    without.push(first)
    assert without.push(second)[1] == []


def test_a_quiet_live_stream_still_releases_and_flushes_on_its_ticks(cfg, store, monkeypatch):
    import cauterize.pipeline as pl
    from cauterize.ingest.base import RawRecord

    now = [0.0]
    monkeypatch.setattr(pl.time, "monotonic", lambda: now[0])
    pipeline = build_pipeline(cfg, store)
    pipeline.batch_size, pipeline.max_batch_seconds, pipeline.max_hold_seconds = 10_000, 5.0, 2.0
    sizes: list[int] = []
    real = pipeline._flush
    monkeypatch.setattr(pipeline, "_flush", lambda events, *a: (sizes.append(len(events)), real(events, *a)))
    seen_at_tick: list[int] = []

    class Quiet:
        name, live = "quiet", True

        def records(self):
            for i, line in enumerate(jsonl(*GOOD[:3]).splitlines(), 1):
                yield RawRecord(self.name, i, line)
            now[0] = 10.0  # nothing comes for ten seconds
            yield RawRecord(self.name, 0, b"", tick=True)
            seen_at_tick.append(sum(sizes))
            for i, line in enumerate(jsonl(*GOOD[3:]).splitlines(), 4):
                yield RawRecord(self.name, i, line)

    summary = pipeline.run([Quiet()])
    # The three early events were released and flushed during the quiet spell, not at the end.
    assert seen_at_tick == [3]
    assert summary.records == len(GOOD) and store.counts()["events"] == len(GOOD)
