"""Backfill against streaming ingest on the same archive: events/s per core, CPU, peak memory.

    python bench/backfill_throughput.py ARCHIVE... [--runs ingest,local,dask,spark] [--evasion]
        [--workers 2] [--to-store] [--out bench/out/backfill/results.json]

Every run is its own child process (so that peak memory is that run's alone), on the same
archive with the same detectors and policy:

* ``ingest``: the streaming pipeline (``cauterize ingest``) into a fresh SQLite store;
* ``local``/``dask``/``spark``: ``cauterize backfill`` on that engine, results to Parquet (or with
  ``--to-store`` into a fresh SQLite store, events included, like ingest).

Detectors: the watch-list (the foundation's ingest benchmark), plus ban evasion with
``--evasion`` (the default configuration). CPU seconds are those of the run's whole process tree
(driver, engine workers, Spark's JVM), from ``RUSAGE_CHILDREN`` once it has exited; "per core" is
events per CPU-second, the fair figure on this shared machine, and wall-clock events/s divided
by the cores the run used is printed beside it. Each backfill's decisions are compared with the
ingest's (count and a digest of the sorted rows): a faster run that decides differently fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WATCHLIST = {
    "hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}},
    "terms": {"ashen media office": {"label": "watchlist.propaganda", "weight": 0.5}},
}


def detectors(evasion: bool) -> dict[str, dict[str, Any]]:
    return {"watchlist": WATCHLIST, "evasion": {"enabled": evasion}}


def _digest(rows: list[tuple[Any, ...]]) -> str:
    h = hashlib.sha256()
    for r in sorted(rows):
        h.update(repr(r).encode())
    return h.hexdigest()[:16]


def _decision_key(platform: str, account: str, event_id: str, action: str, rule: str, evidence: Any) -> tuple:
    ev = json.loads(evidence) if isinstance(evidence, str) else evidence
    return (platform, account, event_id, action, rule, json.dumps(ev, sort_keys=True))


def one(kind: str, files: list[Path], evasion: bool, workers: int, to_store: bool, tmp: Path) -> dict[str, Any]:
    """One run, in this (child) process."""
    from cauterize.app import build_pipeline, open_store
    from cauterize.config import Config

    cfg = Config(data_dir=tmp / "store", detectors=detectors(evasion))
    t0 = time.perf_counter()
    if kind == "ingest":
        from cauterize.ingest.sources import FileSource

        store = open_store(cfg)
        summary = build_pipeline(cfg, store).run([FileSource(f) for f in files])
        wall = time.perf_counter() - t0
        out: dict[str, Any] = {"events": summary.events_parsed, "wall_s": wall, "cores": 1}
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql("select platform, account_id, event_id, action, rule, evidence from decisions")
            keys = [_decision_key(*r) for r in rows]
        store.close()
    else:
        from cauterize.backfill.engines.base import get_engine
        from cauterize.backfill.run import backfill
        from cauterize.backfill.score import ScoringSpec
        from cauterize.backfill.sinks import ParquetSink, StoreSink
        from cauterize.policy.registry import build_policy

        store = open_store(cfg) if to_store else None

        def sink_for(versions: dict[str, Any]) -> Any:
            if store is None:
                return ParquetSink(tmp / "parquet", versions)
            from datetime import UTC, datetime

            return StoreSink(store, store.start_run(["bench"], datetime.now(UTC)))

        report = backfill(
            files,
            ScoringSpec(detectors=detectors(evasion)),
            build_policy({}),
            get_engine(kind, workers=workers),
            sink_for,
        )
        wall = time.perf_counter() - t0
        r = report.as_dict()
        out = {
            "events": report.events_parsed,
            "wall_s": wall,
            "cores": report.cores,
            "partitions": report.partitions,
            "phases_s": {k: round(v, 2) for k, v in report.seconds.items()},
            "report_cpu_s": {k: round(v, 1) for k, v in report.cpu_seconds.items()},
            "workers_peak_rss_mib_sum": round(report.peak_rss_bytes.get("workers_sum", 0) / 2**20),
            "events_per_cpu_s_report": r["events_per_cpu_s"],
        }
        if store is not None:
            with store.engine.connect() as conn:
                rows = conn.exec_driver_sql(
                    "select platform, account_id, event_id, action, rule, evidence from decisions"
                )
                keys = [_decision_key(*x) for x in rows]
            store.close()
        else:
            import pyarrow.parquet as pq

            keys = [
                _decision_key(d["platform"], d["account_id"], d["event_id"], d["action"], d["rule"], d["evidence"])
                for d in pq.read_table(tmp / "parquet" / "decisions.parquet").to_pylist()
            ]
    out["decisions"] = len(keys)
    out["decisions_digest"] = _digest(keys)
    # Who, on which event, what and by which rule, without the evidence: the ban-evasion evidence
    # lists runners-up whose order can follow the process's hash seed (see docs/benchmarks.md).
    out["decision_keys_digest"] = _digest([k[:5] for k in keys])
    out["driver_peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--runs", default="ingest,local,dask,spark")
    ap.add_argument("--evasion", action="store_true", help="also the ban-evasion detector (the default config)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--to-store", action="store_true", help="backfill into a SQLite store (events too), not Parquet")
    ap.add_argument("--out", type=Path, help="append the results here as JSON lines")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        res = one(args.one, args.files, args.evasion, args.workers, args.to_store, args.tmp)
        print("RESULT " + json.dumps(res))
        return
    results = []
    reference = None
    for kind in args.runs.split(","):
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            cmd = [sys.executable, __file__, *map(str, args.files), "--one", kind, "--tmp", tmp]
            cmd += ["--workers", str(args.workers)] + (["--evasion"] if args.evasion else [])
            cmd += ["--to-store"] if args.to_store else []
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            total_wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if proc.returncode or line is None:
            print(f"{kind}: failed\n{proc.stderr[-3000:]}", file=sys.stderr)
            continue
        res = json.loads(line[7:])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # Spark's JVM (and the Python workers it forks) are not reaped by the child, so they are
        # missing from RUSAGE_CHILDREN; the run's own /proc accounting of its descendants has them.
        cpu = max(cpu, sum(res.get("report_cpu_s", {}).get(k, 0.0) for k in ("driver", "workers")))
        res.update(
            run=kind,
            to_store=args.to_store and kind != "ingest",
            evasion=args.evasion,
            process_wall_s=round(total_wall, 1),
            cpu_s=round(cpu, 1),
            events_per_s=round(res["events"] / res["wall_s"]),
            events_per_s_per_core=round(res["events"] / res["wall_s"] / res["cores"]),
            events_per_cpu_s=round(res["events"] / cpu),
            loadavg_before=round(load, 2),
            loadavg_after=round(os.getloadavg()[0], 2),
            files=[str(f) for f in args.files],
        )
        res["wall_s"] = round(res["wall_s"], 1)
        if kind == "ingest":
            reference = res
        elif reference is not None:
            res["same_decisions_as_ingest"] = (res["decisions"], res["decisions_digest"]) == (
                reference["decisions"],
                reference["decisions_digest"],
            )
            res["same_decision_keys_as_ingest"] = res["decision_keys_digest"] == reference["decision_keys_digest"]
        results.append(res)
        print(json.dumps(res), flush=True)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            with args.out.open("a") as f:
                f.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
