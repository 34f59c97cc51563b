"""A backfill decides what ``cauterize ingest`` decides on the same events, on every engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cauterize.app import open_store
from cauterize.backfill.archive import plan
from tests.backfill.conftest import (
    config,
    parquet_decisions,
    parquet_rows,
    parquet_signals,
    run,
    store_decisions,
    store_signals,
)


def test_local_backfill_to_parquet_matches_ingest(archive: list[Path], ingested: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="Parquet results need pyarrow (the backfill extra)")
    store, summary = ingested
    expected = store_decisions(store)
    # The reference must exercise both halves: stateless signals from workers, stateful ones in order.
    detectors = {s[3] for s in store_signals(store)}
    assert {"watchlist", "evasion"} <= detectors, detectors
    assert expected, "the reference ingest decided nothing: the comparison would be empty"
    assert len(plan(archive, 256 * 1024)) >= 3, "the plain file must be cut into several partitions"

    report = run(archive, tmp_path, out=tmp_path / "out")

    assert parquet_decisions(tmp_path / "out") == expected
    assert parquet_signals(tmp_path / "out") == store_signals(store)
    assert report.events_unique == summary.events_new
    assert report.dead_letters == summary.dead_letters == 2
    dead = parquet_rows(tmp_path / "out" / "dead_letters.parquet")
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("select source, position, reason from dead_letters").fetchall()
    assert sorted((d["source"], d["position"], d["reason"]) for d in dead) == sorted(tuple(r) for r in stored)


def test_dask_backfill_into_a_store_matches_ingest(archive: list[Path], ingested: Any, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="dask.distributed is in the backfill extra (pip install '.[backfill]')")
    store, _summary = ingested
    mine = open_store(config(tmp_path, "bf"))
    try:
        with mine.writer():
            report = run(archive, tmp_path, engine="dask", store=mine)
        assert report.cores == 2
        assert store_decisions(mine) == store_decisions(store)
        assert store_signals(mine) == store_signals(store)
        assert mine.counts()["events"] == store.counts()["events"]
    finally:
        mine.close()


def test_parquet_archive_gives_the_same_decisions(archive: list[Path], ingested: Any, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="Parquet archives need pyarrow (the backfill extra)")
    import gzip

    import pyarrow.parquet as pq

    store, _ = ingested
    lines = archive[0].read_bytes().splitlines() + gzip.decompress(archive[1].read_bytes()).splitlines()
    table = pa.table({"record": pa.array([ln for ln in lines if ln.strip()], pa.binary())})
    path = tmp_path / "archive.parquet"
    pq.write_table(table, path, row_group_size=4000)
    assert len(plan([path])) > 1

    report = run([path], tmp_path, out=tmp_path / "out")

    assert parquet_decisions(tmp_path / "out") == store_decisions(store)
    assert report.dead_letters == 2


def test_a_failed_run_is_recorded_as_failed_not_left_half_written(archive: list[Path], tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="Parquet results need pyarrow (the backfill extra)")
    import json

    from cauterize.backfill.engines.base import Engine
    from cauterize.backfill.run import backfill
    from cauterize.backfill.score import ScoringSpec
    from cauterize.backfill.sinks import ParquetSink
    from cauterize.policy.registry import build_policy

    class LostWorkers(Engine):  # no name: not registered as an engine
        def map(self, fn, items, arg):  # type: ignore[no-untyped-def]
            yield fn(items[0], arg)
            raise ConnectionError("workers lost")

    out = tmp_path / "out"
    with pytest.raises(ConnectionError):
        backfill(archive, ScoringSpec(detectors={}), build_policy({}), LostWorkers(), lambda v: ParquetSink(out, v))
    assert json.loads((out / "report.json").read_text()) == {"failed": "ConnectionError: workers lost"}
    assert parquet_rows(out / "signals.parquet") == []  # a valid, closed file, not a torn one
