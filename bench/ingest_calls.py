"""One world ingested in many calls, as a collector that runs ``cauterize ingest`` per file does.

    python bench/ingest_calls.py WORLD.jsonl --calls 20

The file is cut into ``--calls`` consecutive parts (a simulated world is in time order); each
part goes through a new store handle and a new default pipeline on the same store, as a new
``cauterize ingest`` process would (in this process, so module import and start-up are not
counted). Printed per call: CPU seconds, stored events replayed into the ban-evasion detector
before the part, and the decisions so far; at the end the totals and a digest of every decision
(platform, account, event, action, rule, evidence), so runs of two versions can be compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import tempfile
from pathlib import Path

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import BytesSource


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", type=Path)
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    lines = args.file.read_bytes().splitlines()
    size = -(-len(lines) // args.calls)
    parts = [lines[i : i + size] for i in range(0, len(lines), size)]
    print(f"load average {os.getloadavg()[0]:.1f}; {len(lines)} events in {len(parts)} calls")
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config(data_dir=Path(tmp))
        for i, part in enumerate(parts, 1):
            cpu0 = _cpu()
            store = open_store(cfg)
            summary = build_pipeline(cfg, store).run([BytesSource(b"\n".join(part) + b"\n", f"part{i}")], "jsonl")
            store.close()
            cpu = _cpu() - cpu0
            total += cpu
            replayed = getattr(summary, "replayed", None)
            shown = "-" if replayed is None else replayed
            print(f"call {i:3} events {summary.events_new:6} cpu_s {cpu:6.2f} replayed {shown}")
        store = open_store(cfg)
        rows = sorted(
            json.dumps(
                [d["platform"], d["account_id"], d["event_id"], d["action"], d["rule"], d["evidence"]],
                sort_keys=True,
                default=str,
            )
            for d in store.iter_decisions()
        )
        store.close()
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    print(f"total cpu_s {total:.1f}; decisions {len(rows)}; digest {digest}")


if __name__ == "__main__":
    main()
