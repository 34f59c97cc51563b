"""Ingest throughput: parse + detectors (watch-list) + policy + SQLite store, on one core.

    python bench/ingest_throughput.py bench/out/events-1m.jsonl [--format jsonl] [--evasion] [--postgres]

Prints events/s and peak RSS. The store is a fresh SQLite file in a temporary directory. The
detectors are the watch-list alone (the "trivial detector" of the foundation's target), or with
``--evasion`` the ban-evasion detector too (run that on a simulated world: the generated stream
here re-creates random accounts and gives every account the same handle stem, which is the
worst case for it, not a platform).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import FileSource

WATCHLIST = {
    "hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}},
    "terms": {"ashen media office": {"label": "watchlist.propaganda", "weight": 0.5}},
}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--format", default="auto")
    ap.add_argument(
        "--batch-size", type=int, default=Config.batch_size, help="events per transaction (default: the config's)"
    )
    ap.add_argument("--profile", action="store_true", help="cProfile the run, print the top 25")
    ap.add_argument("--evasion", action="store_true", help="also run the ban-evasion detector")
    ap.add_argument(
        "--postgres",
        action="store_true",
        help="store in a throwaway PostgreSQL cluster on 127.0.0.1 (tests/postgres.py) instead of SQLite",
    )
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        url = None
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.postgres import postgres_server

            url = stack.enter_context(postgres_server())
        detectors = {"watchlist": WATCHLIST, "evasion": {"enabled": args.evasion}}
        cfg = Config(data_dir=Path(tmp), database_url=url, detectors=detectors, batch_size=args.batch_size)
        store = open_store(cfg)
        pipeline = build_pipeline(cfg, store)
        sources = [FileSource(f) for f in args.files]
        load_before = os.getloadavg()[0]
        cpu0 = _cpu()
        start = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            summary = prof.runcall(pipeline.run, sources, args.format)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        else:
            summary = pipeline.run(sources, args.format)
        elapsed = time.perf_counter() - start
        cpu = _cpu() - cpu0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"records={summary.records} events={summary.events_parsed} new={summary.events_new} "
            f"dead_letters={summary.dead_letters} signals={summary.signals} seconds={elapsed:.1f} "
            f"events_per_s={summary.events_parsed / elapsed:,.0f} peak_rss_mb={rss_mb:.0f}"
        )
        # The writer thread overlaps with parsing, so CPU seconds can exceed wall seconds; the
        # per-CPU-second rate is the per-core figure, and on a busy machine the fairer one.
        print(
            f"cpu_seconds={cpu:.1f} events_per_cpu_s={summary.events_parsed / cpu:,.0f} "
            f"loadavg_before={load_before:.2f} loadavg_after={os.getloadavg()[0]:.2f}"
        )
        print("store:", store.counts())


if __name__ == "__main__":
    main()
