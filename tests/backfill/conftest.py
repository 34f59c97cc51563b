"""Shared pieces of the backfill tests: an archive cut from a simulated world, and result readers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.backfill.engines.base import get_engine
from cauterize.backfill.run import Report, backfill
from cauterize.backfill.score import ScoringSpec
from cauterize.backfill.sinks import ParquetSink, StoreSink
from cauterize.config import Config
from cauterize.ingest.sources import FileSource
from cauterize.policy.registry import build_policy
from cauterize.sim.run import simulate
from tests.conftest import WATCHLIST
from tests.sim.conftest import small_world

#: Stateless detectors on the workers (watch-list, text classifier) and a stateful one in the
#: ordered pass (ban evasion), so that both halves of a backfill are compared with ingest.
DETECTORS: dict[str, dict[str, Any]] = {"watchlist": WATCHLIST, "text_classifier": {}, "evasion": {}}

#: Bad records placed in the archive: ingest and backfill must dead-letter the same ones.
BAD_LINES = [b'{"kind": "post_created", "event_id": ', b"not json at all"]


def config(tmp: Path, name: str) -> Config:
    return Config(data_dir=tmp / name, detectors={k: dict(v) for k, v in DETECTORS.items()})


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A 3-day world, its first part plain JSON Lines (with bad lines), the rest gzip."""
    tmp = tmp_path_factory.mktemp("archive")
    world = tmp / "world.jsonl"
    simulate(small_world(seed=21, days=3.0), world, None)
    lines = world.read_bytes().splitlines(keepends=True)
    cut = len(lines) * 2 // 3
    head = lines[:cut]
    head.insert(len(head) // 3, BAD_LINES[0] + b"\n")
    head.insert(2 * len(head) // 3, BAD_LINES[1] + b"\n")
    plain = tmp / "part-1.jsonl"
    plain.write_bytes(b"".join(head))
    packed = tmp / "part-2.jsonl.gz"
    with gzip.open(packed, "wb") as f:
        f.write(b"".join(lines[cut:]))
    return [plain, packed]


@pytest.fixture(scope="module")
def ingested(archive: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The same archive through ``cauterize ingest``'s pipeline: the reference."""
    tmp = tmp_path_factory.mktemp("ingest")
    cfg = config(tmp, "store")
    store = open_store(cfg)
    summary = build_pipeline(cfg, store).run([FileSource(p) for p in archive])
    yield store, summary
    store.close()


def run(
    archive: list[Path],
    tmp: Path,
    engine: str = "local",
    out: Path | None = None,
    since: float | None = None,
    detectors: dict[str, dict[str, Any]] | None = None,
    partition_bytes: int = 256 * 1024,
    store: Any = None,
) -> Report:
    spec = ScoringSpec(detectors=detectors or DETECTORS, since=since)
    policy = build_policy({})

    def sink_for(versions: dict[str, Any]) -> Any:
        if out is not None:
            return ParquetSink(out, versions)
        from datetime import UTC, datetime

        return StoreSink(store, store.start_run(["backfill"], datetime.now(UTC)))

    return backfill(archive, spec, policy, get_engine(engine, workers=2), sink_for, partition_bytes)


def comparable_decision(platform: str, account: str, event_id: str, action: str, rule: str, evidence: Any) -> tuple:
    ev = json.loads(evidence) if isinstance(evidence, str) else evidence
    return (platform, account, event_id, action, rule, json.dumps(ev, sort_keys=True))


def store_decisions(store: Any) -> list[tuple]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select platform, account_id, event_id, action, rule, evidence from decisions"
        ).fetchall()
    return sorted(comparable_decision(*r) for r in rows)


def store_signals(store: Any) -> list[tuple]:
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select platform, account_id, event_id, detector, label, score, evidence from signals"
        ).fetchall()
    return sorted((*r[:6], json.dumps(json.loads(r[6]), sort_keys=True)) for r in rows)


def parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def parquet_decisions(out: Path) -> list[tuple]:
    return sorted(
        comparable_decision(r["platform"], r["account_id"], r["event_id"], r["action"], r["rule"], r["evidence"])
        for r in parquet_rows(out / "decisions.parquet")
    )


def parquet_signals(out: Path) -> list[tuple]:
    return sorted(
        (
            r["platform"],
            r["account_id"],
            r["event_id"],
            r["detector"],
            r["label"],
            r["score"],
            json.dumps(json.loads(r["evidence"]), sort_keys=True),
        )
        for r in parquet_rows(out / "signals.parquet")
    )
