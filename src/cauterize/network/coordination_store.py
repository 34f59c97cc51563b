"""Coordination over the stored posts: items per kind read from ``posts``, pairs computed in batch."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import select

from cauterize.network.coordination import Pairs, co_action_pairs, normalise_url
from cauterize.store import schema as s

KINDS = ("co_repost", "co_link", "co_hashtag")


def items_from_posts(rows: Any) -> tuple[dict[str, tuple[list[int], list[float], list[int]]], list[str]]:
    """Rows ``(account_id, created_at, repost_of_post, urls, hashtags)`` -> per kind (item, time, account)."""
    accounts: dict[str, int] = {}
    keys: list[str] = []
    item_ids: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    out: dict[str, tuple[list[int], list[float], list[int]]] = {k: ([], [], []) for k in KINDS}

    def add(kind: str, item: str, t: float, a: int) -> None:
        ids = item_ids[kind]
        i = ids.get(item)
        if i is None:
            i = ids[item] = len(ids)
        col = out[kind]
        col[0].append(i)
        col[1].append(t)
        col[2].append(a)

    for account, created, repost_of, urls, hashtags in rows:
        a = accounts.get(account)
        if a is None:
            a = accounts[account] = len(keys)
            keys.append(account)
        t = created.timestamp()
        if repost_of:
            add("co_repost", repost_of, t, a)
        for u in set(urls or ()):
            add("co_link", normalise_url(u), t, a)
        for h in {h.lower() for h in hashtags or ()}:
            add("co_hashtag", h, t, a)
    return out, keys


def coordination_from_store(
    store: Any, platform: str, window: float, max_burst: int
) -> dict[str, tuple[Pairs, list[str], float, int]]:
    p = s.posts
    q = select(p.c.account_id, p.c.created_at, p.c.repost_of_post, p.c.urls, p.c.hashtags).where(
        p.c.platform == platform
    )
    with store.engine.connect() as conn:
        cols, keys = items_from_posts(conn.execution_options(yield_per=50_000).execute(q))
    out = {}
    for kind, (item, t, acc) in cols.items():
        t0 = time.perf_counter()
        pairs = co_action_pairs(np.asarray(item), np.asarray(t), np.asarray(acc), window, max_burst)
        out[kind] = (pairs, keys, time.perf_counter() - t0, len(item))
    return out
