"""Coordinated behaviour: accounts that act on the same item within seconds, again and again.

An *item* is a reposted post (co-repost), a URL (co-link) or a hashtag (co-hashtag). Two
accounts *co-act* on an item when both post it within ``window`` seconds of each other; the
weight of a pair is the number of distinct items they co-acted on. Pairs with weight at least
``min_items`` form the coordination network (as in the coordinated-link-sharing literature and
QUT's coordination-network-toolkit).

An item posted by more than ``max_burst`` accounts within one window is *trending* (a storm
hashtag, a viral post that everyone shares): it is left out entirely, which keeps the cost
linear instead of quadratic in the burst and removes the least informative co-actions.

Two implementations with the same result (tests check they agree):

* :func:`co_action_pairs`, batch, vectorised with numpy: sort by (item, time), then compare
  each post with the one ``k`` places later for k = 1, 2, ..., keeping only the posts that still
  have a partner within the window;
* :class:`CoActionTracker`, live: per item, the posts of the last window; each new post pairs
  with those. Items idle for ``forget_after`` seconds are forgotten (their co-actions stay counted).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import numpy as np


def normalise_url(url: str) -> str:
    """Scheme and ``www.`` dropped, host lower-cased, trailing slash and fragment removed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


@dataclass(slots=True)
class Pairs:
    """Coordination edges: ``a < b`` (node ids), distinct items, time of the latest co-action."""

    a: np.ndarray
    b: np.ndarray
    items: np.ndarray
    last: np.ndarray
    trending: int = 0

    def __len__(self) -> int:
        return len(self.a)

    def as_dict(self) -> dict[tuple[int, int], int]:
        return {(int(x), int(y)): int(c) for x, y, c in zip(self.a, self.b, self.items, strict=True)}

    def at_least(self, min_items: int) -> Pairs:
        keep = self.items >= min_items
        return Pairs(self.a[keep], self.b[keep], self.items[keep], self.last[keep], self.trending)


def co_action_pairs(
    item: np.ndarray, t: np.ndarray, account: np.ndarray, window: float = 60.0, max_burst: int = 50
) -> Pairs:
    """Batch: every pair of accounts that posted the same item within ``window`` seconds.

    Account ids must be below 2**31 (they are node numbers, not platform ids)."""
    item = np.asarray(item, np.int64)
    t = np.asarray(t, np.float64)
    account = np.asarray(account, np.int64)
    order = np.lexsort((t, item))
    item, t, account = item[order], t[order], account[order]
    trending = 0
    if max_burst and len(item) > max_burst:
        k = max_burst
        hot = (item[k:] == item[:-k]) & (t[k:] - t[:-k] <= window)
        if hot.any():
            bad = np.unique(item[k:][hot])
            trending = len(bad)
            keep = ~np.isin(item, bad)
            item, t, account = item[keep], t[keep], account[keep]
    a_parts, b_parts, i_parts, t_parts = [], [], [], []
    # Positions whose post k places later is still the same item within the window; a position
    # that fails at k fails at every larger k (sorted by time within an item), so it is dropped
    # and the work is proportional to the pairs found, not to posts times the largest burst.
    n = len(item)
    idx = np.arange(n - 1, dtype=np.int64)
    k = 1
    while len(idx):
        idx = idx[idx + k < n]
        j = idx + k
        close = (item[j] == item[idx]) & (t[j] - t[idx] <= window)
        idx, j = idx[close], j[close]
        if not len(idx):
            break
        m = account[j] != account[idx]
        x, y = account[idx[m]], account[j[m]]
        a_parts.append(np.minimum(x, y))
        b_parts.append(np.maximum(x, y))
        i_parts.append(item[j[m]])
        t_parts.append(t[j[m]])
        k += 1
    if not a_parts:
        e = np.empty(0, np.int64)
        return Pairs(e, e.copy(), e.copy(), np.empty(0), trending)
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    it, tt = np.concatenate(i_parts), np.concatenate(t_parts)
    # Distinct (a, b, item), then count items per (a, b); (a, b) packed in one int64 key.
    key = (a << 31) | b
    o = np.lexsort((it, key))
    key, it, tt = key[o], it[o], tt[o]
    new_pair = np.concatenate([[True], key[1:] != key[:-1]])
    distinct = new_pair | np.concatenate([[True], it[1:] != it[:-1]])
    starts = np.flatnonzero(new_pair)
    items = np.add.reduceat(distinct.astype(np.int64), starts)
    last = np.maximum.reduceat(tt, starts)
    return Pairs(key[starts] >> 31, key[starts] & ((1 << 31) - 1), items, last, trending)


@dataclass(slots=True)
class _Item:
    posts: deque = field(default_factory=deque)  # (time, account)
    pairs: set = field(default_factory=set)  # pair keys counted for this item
    last: float = 0.0


class CoActionTracker:
    """Live co-action counting for one item kind; feed posts in time order."""

    def __init__(self, window: float = 60.0, max_burst: int = 50, forget_after: float = 86400.0):
        self.window = window
        self.max_burst = max_burst
        self.forget_after = forget_after
        self.items: dict[object, _Item] = {}
        self.trending: set[object] = set()
        self.counts: dict[tuple[int, int], int] = {}
        self.last: dict[tuple[int, int], float] = {}
        self._seen = 0

    def observe(self, item: object, account: int, t: float) -> list[tuple[int, int]]:
        """Add one post; returns the pairs whose count went up."""
        if item in self.trending:
            return []
        st = self.items.get(item)
        if st is None:
            st = self.items[item] = _Item()
        posts = st.posts
        while posts and t - posts[0][0] > self.window:
            posts.popleft()
        posts.append((t, account))
        st.last = t
        if self.max_burst and len(posts) > self.max_burst:
            self._retract(item, st)
            return []
        grown = []
        for _, other in posts:
            if other == account:
                continue
            key = (other, account) if other < account else (account, other)
            if key in st.pairs:
                continue
            st.pairs.add(key)
            self.counts[key] = self.counts.get(key, 0) + 1
            self.last[key] = t
            grown.append(key)
        self._seen += 1
        if self._seen % 100_000 == 0:
            self.forget(t)
        return grown

    def _retract(self, item: object, st: _Item) -> None:
        for key in st.pairs:
            c = self.counts[key] - 1
            if c:
                self.counts[key] = c
            else:
                del self.counts[key]
                del self.last[key]
        self.trending.add(item)
        del self.items[item]

    def forget(self, now: float) -> None:
        idle = [k for k, st in self.items.items() if now - st.last > self.forget_after]
        for k in idle:
            del self.items[k]

    def pairs(self) -> Pairs:
        if not self.counts:
            e = np.empty(0, np.int64)
            return Pairs(e, e.copy(), e.copy(), np.empty(0), len(self.trending))
        keys = np.array(list(self.counts), np.int64)
        return Pairs(
            keys[:, 0],
            keys[:, 1],
            np.fromiter(self.counts.values(), np.int64, len(self.counts)),
            np.fromiter(self.last.values(), np.float64, len(self.last)),
            len(self.trending),
        )


def groups(n: int, pairs: Pairs) -> np.ndarray:
    """Connected components of the coordination network (-1 for accounts in no pair)."""
    import igraph as ig

    out = np.full(n, -1, np.int64)
    if not len(pairs):
        return out
    nodes = np.unique(np.concatenate([pairs.a, pairs.b]))
    local = np.searchsorted(nodes, np.column_stack([pairs.a, pairs.b]))
    g = ig.Graph(n=len(nodes), edges=local, directed=False)
    out[nodes] = np.asarray(g.connected_components().membership, np.int64)
    return out
