"""Saving and loading the folded interaction graph (``network_edges``): the cost of a restart.

    nice -n 10 .venv/bin/python bench/network_store.py [--accounts 1000000] [--edges 10000000] \
        [--db /tmp/net-work/store-bench/cauterize.db]

Builds the synthetic graph of bench/network_scale.py, folds it, writes every row with
:func:`persist.save_edges` (what the first ``cauterize network``/``census`` after an ingest does)
into a fresh SQLite store, then reads it back with :func:`persist.load_graph` (what a later
command does before folding the new edges when it has no snapshot) and checks the round trip;
then the same through the binary snapshot (``<data_dir>/network/graph-<platform>.npz``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import time
from pathlib import Path

import numpy as np
from network_scale import synth  # type: ignore[import-not-found]

from cauterize.network import persist
from cauterize.network.graph import InteractionGraph
from cauterize.store.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--network", type=int, default=20_000)
    ap.add_argument("--db", default="/tmp/net-work/store-bench/cauterize.db")
    args = ap.parse_args()
    db = Path(args.db)
    if db.parent.exists():
        shutil.rmtree(db.parent)
    db.parent.mkdir(parents=True)
    out: dict = {"accounts": args.accounts, "edges": args.edges, "loadavg_start": os.getloadavg()}
    src, dst, kind, t = synth(args.accounts, args.edges, args.network, np.random.default_rng(1))
    g = InteractionGraph("bench")
    kinds = ("follow", "repost", "quote", "reply", "mention")
    names = [f"u{i}" for i in range(args.accounts)]
    for a, b, k, tt in zip(src.tolist(), dst.tolist(), kind.tolist(), t.tolist(), strict=True):
        g.add(names[a], names[b], kinds[k], tt)
    changed = g.compact()
    store = Store.open(f"sqlite:///{db}")
    t0 = time.perf_counter()
    persist.save_edges(store, g, changed)
    out["save_s"] = time.perf_counter() - t0
    out["rows"] = len(g.table)
    print(f"save {len(g.table):,} rows: {out['save_s']:.1f}s", flush=True)
    t0 = time.perf_counter()
    back, _ = persist.load_graph(store, "bench")
    out["load_s"] = time.perf_counter() - t0
    print(f"load: {out['load_s']:.1f}s", flush=True)
    same = sorted(
        zip((g.keys[i] for i in g.table.src), (g.keys[i] for i in g.table.dst), g.table.kind.tolist(), strict=True)
    )
    got = sorted(
        zip(
            (back.keys[i] for i in back.table.src),
            (back.keys[i] for i in back.table.dst),
            back.table.kind.tolist(),
            strict=True,
        )
    )
    out["round_trip_equal"] = same == got and np.allclose(np.sort(g.table.weight), np.sort(back.table.weight))
    persist._save_state(store, persist._state_key("bench"), {"last_edge_id": 0})
    snap = db.parent / "graph-bench.npz"
    t0 = time.perf_counter()
    persist.save_snapshot(g, 0, snap)
    out["snapshot_save_s"] = time.perf_counter() - t0
    out["snapshot_mib"] = snap.stat().st_size / 2**20
    t0 = time.perf_counter()
    fast, _ = persist.load_graph(store, "bench", snapshot=snap)
    out["snapshot_load_s"] = time.perf_counter() - t0
    out["snapshot_equal"] = fast.keys == g.keys and bool(np.array_equal(fast.table.weight, g.table.weight))
    print(f"snapshot: save {out['snapshot_save_s']:.1f}s, load {out['snapshot_load_s']:.1f}s", flush=True)
    out["db_mib"] = sum(f.stat().st_size for f in db.parent.iterdir()) / 2**20
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["loadavg_end"] = os.getloadavg()
    print(json.dumps(out, default=float))


if __name__ == "__main__":
    main()
