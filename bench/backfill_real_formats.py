"""Backfill against ingest on the real platform payloads in /work/shared/data/formats.

    python bench/backfill_real_formats.py [--data /work/shared/data/formats]

Real Twitter API v2 pages (twarc2) and Mastodon API responses, all files in one run: ingested by
the streaming pipeline into a fresh store, and backfilled on the local engine to Parquet, with the
watch-list, text classifier and ban-evasion detectors. Prints whether decisions and signals are
the same, and the dead letters each path wrote that the other did not, by reason. Nothing from
the data is copied anywhere; it is read at run time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import FileSource
from tests.backfill.conftest import (
    parquet_decisions,
    parquet_rows,
    parquet_signals,
    run,
    store_decisions,
    store_signals,
)

DETECTORS = {"watchlist": {}, "text_classifier": {}, "evasion": {}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/formats"))
    args = ap.parse_args()
    files = sorted(p for p in args.data.glob("*/*.json*") if p.is_file())
    if not files:
        sys.exit(f"no payloads under {args.data}")
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config(data_dir=Path(tmp) / "store", detectors=DETECTORS)
        store = open_store(cfg)
        summary = build_pipeline(cfg, store).run([FileSource(p) for p in files])
        report = run(files, Path(tmp), out=Path(tmp) / "out", detectors=DETECTORS)
        with store.engine.connect() as conn:
            ingest_dead = Counter(
                (r[0].rsplit("/", 1)[-1] if "/" in r[0] else "event", r[1], r[2])
                for r in conn.exec_driver_sql("select source, position, reason from dead_letters")
            )
        backfill_dead = Counter(
            (d["source"].rsplit("/", 1)[-1] if "/" in d["source"] else "event", d["position"], d["reason"])
            for d in parquet_rows(Path(tmp) / "out" / "dead_letters.parquet")
        )
        out = {
            "files": len(files),
            "ingest": {
                "events_parsed": summary.events_parsed,
                "events_new": summary.events_new,
                "dead_letters_stored": sum(ingest_dead.values()),
                "decisions": dict(summary.decisions),
            },
            "backfill": {
                "events_parsed": report.events_parsed,
                "events_unique": report.events_unique,
                "dead_letters": sum(backfill_dead.values()),
                "conflicting_duplicates": report.conflicts,
                "decisions": dict(report.decisions),
            },
            "same_decisions": store_decisions(store) == parquet_decisions(Path(tmp) / "out"),
            "same_signals": store_signals(store) == parquet_signals(Path(tmp) / "out"),
            "dead_letters_only_ingest": _by_reason(ingest_dead - backfill_dead),
            "dead_letters_only_backfill": _by_reason(backfill_dead - ingest_dead),
        }
        store.close()
    print(json.dumps(out, indent=2))


def _by_reason(c: Counter) -> dict[str, int]:
    out: Counter[str] = Counter()
    for (source, _pos, reason), n in c.items():
        out[f"{source}: {reason.split('(', 1)[0].split(':', 1)[0][:70]}"] += n
    return dict(out.most_common())


if __name__ == "__main__":
    main()
