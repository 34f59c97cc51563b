"""PostgreSQL bulk path: the same pipeline (watch-list detector only) with row inserts and with COPY.

    python bench/stream_copy.py --events 200000 [--batch-size 50000]

A throwaway PostgreSQL cluster on 127.0.0.1 (tests/postgres.py), one fresh database per variant,
the generated stream of bench/gen_events.py. Prints, per variant, events/s end to end (parse,
detectors, policy, store) and the seconds spent inside the store's writes alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from gen_events import generate  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from cauterize.config import Config  # noqa: E402
from cauterize.detectors.registry import build_detectors  # noqa: E402
from cauterize.events import encode_event  # noqa: E402
from cauterize.ingest.sources import FileSource  # noqa: E402
from cauterize.pipeline import Pipeline  # noqa: E402
from cauterize.policy.registry import build_policy  # noqa: E402
from cauterize.store.copy_writer import CopyStore  # noqa: E402
from cauterize.store.store import Store  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402

WATCHLIST = {
    "hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}},
    "terms": {"ashen media office": {"label": "watchlist.propaganda", "weight": 0.5}},
}


def _timed_writes(store: Store) -> list[float]:
    spent: list[float] = []
    inner = store.write

    def write(batch):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        inner(batch)
        spent.append(time.perf_counter() - t0)

    store.write = write  # type: ignore[method-assign]
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch-size", type=int, default=50_000)
    ap.add_argument("--variants", default="rows,copy")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_server() as url:
        path = Path(tmp) / "events.jsonl"
        path.write_bytes(b"".join(encode_event(e) + b"\n" for e in generate(args.events, seed=1)))
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        for variant in args.variants.split(","):
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE bench_{variant}"))
            db_url = url.rsplit("/", 1)[0] + f"/bench_{variant}"
            store = CopyStore.open(db_url) if variant == "copy" else Store.open(db_url)
            spent = _timed_writes(store)
            cfg = Config(detectors={"watchlist": WATCHLIST, "evasion": {"enabled": False}})
            pipeline = Pipeline(
                store, build_detectors(cfg.detectors), build_policy(cfg.policy), batch_size=args.batch_size
            )
            t0 = time.perf_counter()
            summary = pipeline.run([FileSource(path)], "jsonl")
            elapsed = time.perf_counter() - t0
            counts = store.counts()
            store.close()
            assert counts["events"] == args.events, counts
            print(
                f"{variant:5s} events={summary.events_new:,} seconds={elapsed:.1f} "
                f"events/s={summary.events_new / elapsed:,.0f} store_write_s={sum(spent):.1f} "
                f"store_events/s={summary.events_new / max(sum(spent), 1e-9):,.0f}",
                flush=True,
            )
        admin.dispose()


if __name__ == "__main__":
    main()
