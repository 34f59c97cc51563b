"""The network census and coordination analysis over a backfilled archive, in batch.

Both read the store the backfill has just filled, with the same functions ``cauterize census``
and ``cauterize coordination`` call, so their figures are the single-process ones by
construction. What the engine adds:

* coordination: pairs of accounts that post the same item (a repost, a link, a hashtag) within
  the window are independent from one item to the next, so the items are dealt out to the
  workers by item (every post of an item to the same task), each task runs
  :func:`~cauterize.network.coordination.co_action_pairs` on its share, and the driver adds the
  pairs up (distinct items summed, latest co-action kept). An item's posts never straddle two
  tasks, so the sum is exactly the single-process count;
* census: the seed expansion is one personalised PageRank over the whole graph and does not cut
  into independent pieces; it runs on the driver (igraph, in C), after the engine has parsed and
  projected the archive into the store. Its cost is the graph's size, not the archive's.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from cauterize.backfill.engines.base import Engine
from cauterize.network.coordination import Pairs, co_action_pairs


def census_of(store: Any, settings: Any, platform: str, rounds: int | None = None) -> dict[str, Any]:
    from cauterize.network.service import analyse_store, run_census

    a = analyse_store(store, settings, platform, save=False)
    days, method = run_census(a, settings.bootstrap if rounds is None else rounds)
    return {
        "platform": platform,
        "method": method,
        "seeds": len(a.scores.seeds),
        "seed_summary": a.seed_summary(),
        "days": [asdict(d) for d in days],
    }


def _pairs_task(shard: tuple[np.ndarray, np.ndarray, np.ndarray], arg: tuple[float, int]) -> Pairs:
    item, t, acc = shard
    window, max_burst = arg
    return co_action_pairs(item, t, acc, window, max_burst)


def merge_pairs(parts: list[Pairs]) -> Pairs:
    """Pairs computed on disjoint sets of items, added up: distinct items summed, latest time kept."""
    parts = [p for p in parts if len(p)]
    trending = 0
    for p in parts:
        trending += p.trending
    if not parts:
        e = np.empty(0, np.int64)
        return Pairs(e, e.copy(), e.copy(), np.empty(0), trending)
    a = np.concatenate([p.a for p in parts])
    b = np.concatenate([p.b for p in parts])
    items = np.concatenate([p.items for p in parts])
    last = np.concatenate([p.last for p in parts])
    key = (a << 31) | b
    o = np.argsort(key, kind="stable")
    key, items, last = key[o], items[o], last[o]
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return Pairs(
        key[starts] >> 31,
        key[starts] & ((1 << 31) - 1),
        np.add.reduceat(items, starts),
        np.maximum.reduceat(last, starts),
        trending,
    )


def coordination_of(
    store: Any, platform: str, engine: Engine, window: float, max_burst: int, shards: int | None = None
) -> dict[str, tuple[Pairs, list[str], int]]:
    """Per kind: the pairs, the account keys their node ids index, and the posts read."""
    from sqlalchemy import select

    from cauterize.network.coordination_store import items_from_posts
    from cauterize.store import schema as s

    p = s.posts
    q = select(p.c.account_id, p.c.created_at, p.c.repost_of_post, p.c.urls, p.c.hashtags).where(
        p.c.platform == platform
    )
    with store.engine.connect() as conn:
        cols, keys = items_from_posts(conn.execution_options(yield_per=50_000).execute(q))
    n = shards or max(1, 4 * engine.workers)
    out = {}
    for kind, (item, t, acc) in cols.items():
        item_a, t_a, acc_a = np.asarray(item, np.int64), np.asarray(t, np.float64), np.asarray(acc, np.int64)
        which = item_a % n
        parts = [(item_a[which == k], t_a[which == k], acc_a[which == k]) for k in range(n)]
        pairs = merge_pairs(list(engine.map(_pairs_task, parts, (window, max_burst))))
        out[kind] = (pairs, keys, len(item_a))
    return out


def coordination_summary(
    results: dict[str, tuple[Pairs, list[str], int]], min_items: int, top: int = 15
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, (pairs, keys, posts) in results.items():
        strong = pairs.at_least(min_items)
        order = np.argsort(-strong.items, kind="stable")[:top] if len(strong) else []
        out[kind] = {
            "posts": posts,
            "pairs": len(pairs),
            "pairs_at_least_min_items": len(strong),
            "trending_items_left_out": pairs.trending,
            "top": [
                {"a": keys[int(strong.a[i])], "b": keys[int(strong.b[i])], "items": int(strong.items[i])} for i in order
            ],
        }
    return out
