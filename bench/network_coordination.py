"""Co-repost network over 10,000,000 posts with a 60 s window, in batch and live.

    nice -n 10 .venv/bin/python bench/network_coordination.py [--posts 10000000] [--accounts 1000000] \
        [--live-posts 2000000] [--window 60] [--json out.json]

Synthetic posts over 7 days: ordinary reposts of heavy-tailed popular items (Zipf), plus planted
coordinated groups of 20 accounts that repost the same item within seconds, 30 times each.
Measures :func:`co_action_pairs` (batch) on all posts and :class:`CoActionTracker` (live) on the
first ``--live-posts`` of them in time order, checks the two agree on that prefix, and checks the
planted groups are found (pairs with at least 3 shared items).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

import numpy as np

from cauterize.network.coordination import CoActionTracker, co_action_pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=2_000_000)
    ap.add_argument("--groups", type=int, default=200)
    ap.add_argument("--live-posts", type=int, default=2_000_000)
    ap.add_argument("--window", type=float, default=60.0)
    ap.add_argument("--max-burst", type=int, default=50)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(2)
    out: dict = {k: v for k, v in vars(args).items() if k != "json"}
    out["loadavg_start"] = os.getloadavg()
    size, reps = 20, 30
    planted = args.groups * size * reps
    n_bg = args.posts - planted
    item = (rng.zipf(1.3, n_bg) - 1) % args.items
    t = rng.uniform(0, 7 * 86400, n_bg)
    acc = rng.integers(args.groups * size, args.accounts, n_bg)
    g_item, g_t, g_acc = [], [], []
    next_item = args.items
    for grp in range(args.groups):
        members = np.arange(grp * size, (grp + 1) * size)
        for _ in range(reps):
            start = rng.uniform(0, 7 * 86400)
            g_item.append(np.full(size, next_item))
            g_t.append(start + rng.uniform(0, 20, size))
            g_acc.append(members)
            next_item += 1
    item = np.concatenate([item, *g_item]).astype(np.int64)
    t = np.concatenate([t, *g_t])
    acc = np.concatenate([acc, *g_acc]).astype(np.int64)
    order = np.argsort(t, kind="stable")
    item, t, acc = item[order], t[order], acc[order]
    print(f"{len(item):,} posts, {len(np.unique(item)):,} items", flush=True)

    t0 = time.perf_counter()
    pairs = co_action_pairs(item, t, acc, args.window, args.max_burst)
    out["batch_s"] = time.perf_counter() - t0
    out["pairs"] = len(pairs)
    out["trending_items"] = pairs.trending
    strong = pairs.at_least(3)
    out["pairs_at_least_3"] = len(strong)
    in_group = (
        (strong.a < args.groups * size) & (strong.b < args.groups * size) & (strong.a // size == strong.b // size)
    )
    out["planted_pairs_found"] = int(in_group.sum())
    out["planted_pairs_total"] = args.groups * size * (size - 1) // 2
    out["false_pairs_at_least_3"] = int((~in_group).sum())
    print(
        f"batch: {out['batch_s']:.1f}s, {len(pairs):,} pairs, {len(strong):,} with >=3 items; planted found {out['planted_pairs_found']}/{out['planted_pairs_total']}, others {out['false_pairs_at_least_3']}",
        flush=True,
    )

    k = min(args.live_posts, len(item))
    tr = CoActionTracker(args.window, args.max_burst)
    it_l, t_l, a_l = item[:k].tolist(), t[:k].tolist(), acc[:k].tolist()
    obs = tr.observe
    t0 = time.perf_counter()
    for a, b, c in zip(it_l, t_l, a_l, strict=True):
        obs(a, c, b)
    out["live_s"] = time.perf_counter() - t0
    out["live_posts"] = k
    out["live_posts_per_s"] = k / out["live_s"]
    prefix = co_action_pairs(item[:k], t[:k], acc[:k], args.window, args.max_burst)
    out["live_equals_batch_on_prefix"] = prefix.as_dict() == tr.pairs().as_dict()
    print(
        f"live: {out['live_posts_per_s']:,.0f} posts/s over {k:,}; equals batch: {out['live_equals_batch_on_prefix']}",
        flush=True,
    )
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["loadavg_end"] = os.getloadavg()
    print(json.dumps(out, default=float))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=float)


if __name__ == "__main__":
    main()
