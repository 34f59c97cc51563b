"""The interaction graph, maintained from the stream with time-decayed edge weights.

Nodes are account ids of one platform, numbered in order of first sight. Every interaction
(repost, quote, reply, mention, shout-out) adds 1 to its directed edge ``actor -> target``; the
weight decays by half every ``half_life_days``. A follow is a state, not an interaction: its
weight is 1 while it stands (follows minus unfollows, clipped to [0, 1]) and does not decay.

Each kind keeps its own edge, because the kinds say different things (docs/network.md):
reposts and *shout-outs* (a mention of an account that appeared less than ``shoutout_hours``
before the post: "follow the new account @x") promote the network; quotes, replies and other
mentions talk about it or to it, which is what journalists, researchers and counter-messaging
do. An account's appearance is its creation when the platform says when that was (X, the
simulator), else its first sighting (Jetstream and Mastodon streams send no creation events);
a first sighting counts only when it came strictly before the mention, so an account that a
journalist's mention is the first to name is not new to anyone. An account that "appeared"
within ``onboarding_hours`` of the first interaction the graph saw is taken as one that existed
before the feed began: collectors and simulators report what they find when they start as
creations or first sightings.

Adding an edge is an append to flat arrays (no lookups besides the node id), so the stream
path stays cheap; :meth:`InteractionGraph.compact` folds the appended edges into the aggregated
table with numpy (sort, reduce) and returns which aggregated rows changed, which is what
:mod:`cauterize.network.persist` writes back.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cauterize.events import AccountCreated, Event, Follow, PostCreated, Unfollow

KINDS: tuple[str, ...] = ("follow", "repost", "quote", "reply", "mention", "shoutout")
KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
FOLLOW = KIND_CODE["follow"]
_NAN = float("nan")
_NODE_BITS = 29  # up to 536 million accounts per platform
_DST_SHIFT = 3
_SRC_MUL = np.int64(1 << (_NODE_BITS + _DST_SHIFT))


@dataclass(slots=True)
class EdgeTable:
    """Aggregated edges, one row per (src, dst, kind); times are seconds since the epoch."""

    src: np.ndarray  # int32
    dst: np.ndarray  # int32
    kind: np.ndarray  # int8
    weight: np.ndarray  # float64, as of ``as_of``
    count: np.ndarray  # int64 interactions seen (follows: follows seen)
    first: np.ndarray  # float64
    last: np.ndarray  # float64
    as_of: np.ndarray  # float64

    @classmethod
    def empty(cls) -> EdgeTable:
        f, i = np.empty(0, np.float64), np.empty(0, np.int32)
        return cls(i, i.copy(), np.empty(0, np.int8), f, np.empty(0, np.int64), f.copy(), f.copy(), f.copy())

    def __len__(self) -> int:
        return len(self.src)

    def keys(self) -> np.ndarray:
        return self.src.astype(np.int64) * _SRC_MUL + (self.dst.astype(np.int64) << _DST_SHIFT) + self.kind

    def take(self, idx: np.ndarray) -> EdgeTable:
        return EdgeTable(*(getattr(self, f)[idx] for f in self.__slots__))  # type: ignore[attr-defined]


def decay_factor(elapsed_s: np.ndarray | float, half_life_s: float) -> np.ndarray | float:
    return np.exp2(-np.maximum(elapsed_s, 0.0) / half_life_s)


class InteractionGraph:
    """Directed multi-kind interaction graph of one platform."""

    def __init__(
        self,
        platform: str = "",
        half_life_days: float = 7.0,
        shoutout_hours: float = 24.0,
        onboarding_hours: float = 2.0,
    ):
        self.platform = platform
        self.half_life_s = half_life_days * 86400.0
        self.shoutout_s = shoutout_hours * 3600.0
        self.onboarding_s = onboarding_hours * 3600.0
        #: Time of the earliest interaction seen (the feed's start).
        self.start = float("inf")
        self.ids: dict[str, int] = {}
        self.keys: list[str] = []
        #: First time each node was seen (as actor or target), seconds since the epoch.
        self.first_seen = array("d")
        #: When the platform says each account was created (NaN: not told).
        self.created = array("d")
        self.table = EdgeTable.empty()
        self._src = array("i")
        self._dst = array("i")
        self._kind = array("b")
        self._t = array("d")
        self._w = array("f")
        #: Newest event time folded in.
        self.now = 0.0

    # -- the stream path ---------------------------------------------------------------------

    def node(self, key: str, t: float = 0.0) -> int:
        i = self.ids.get(key)
        if i is None:
            i = self.ids[key] = len(self.keys)
            self.keys.append(key)
            self.first_seen.append(t)
            self.created.append(_NAN)
        return i

    def set_created(self, i: int, t: float) -> None:
        self.created[i] = t

    def mention_kind(self, dst: str, t: float) -> str:
        """``shoutout`` for a mention of an account that appeared shortly before ``t``, else ``mention``.

        Appeared: created, when the platform said so; otherwise first seen (Jetstream and Mastodon
        send no creation events), and then only strictly before this mention, so that an account
        whose first sighting is a journalist's mention of it does not count as new."""
        i = self.ids.get(dst)
        if i is None:
            return "mention"
        created = self.created[i]
        known = created == created  # not NaN
        appeared = created if known else self.first_seen[i]
        if not appeared >= self.start + self.onboarding_s:
            return "mention"
        age = t - appeared
        return "shoutout" if (age >= 0.0 if known else age > 0.0) and age <= self.shoutout_s else "mention"

    def new_accounts_created(self) -> np.ndarray:
        """When each node appeared (created, else first seen), where that was during the feed (NaN otherwise)."""
        c = np.frombuffer(self.created, np.float64).copy()
        unknown = np.isnan(c)
        c[unknown] = np.frombuffer(self.first_seen, np.float64)[unknown]
        c[~(c >= self.note_start() + self.onboarding_s)] = np.nan
        return c

    def note_start(self) -> float:
        """The feed's start: the earliest interaction appended or folded."""
        if len(self.table):
            self.start = min(self.start, float(self.table.first.min()))
        return self.start

    def add(self, src: str, dst: str, kind: str, t: float, w: float = 1.0) -> int:
        """One interaction (``kind`` one of :data:`KINDS`, or ``unfollow``) at epoch seconds ``t``;
        returns 1, or 0 for an account interacting with itself (not an edge)."""
        if src == dst:
            return 0
        if kind == "unfollow":
            kind, w = "follow", -w
        ids = self.ids
        s = ids.get(src)
        if s is None:
            s = self.node(src, t)
        d = ids.get(dst)
        if d is None:
            d = self.node(dst, t)
        self._src.append(s)
        self._dst.append(d)
        self._kind.append(KIND_CODE[kind])
        self._t.append(t)
        self._w.append(w)
        if t > self.now:
            self.now = t
        if t < self.start:
            self.start = t
        return 1

    def add_event(self, ev: Event) -> int:
        """Fold one canonical event in; returns how many edges it added."""
        t = ev.time.timestamp()
        actor = ev.actor
        if isinstance(ev, PostCreated):
            n = 0
            if ev.repost_of is not None and ev.repost_of.account_id:
                n += self.add(actor, ev.repost_of.account_id, "repost", t)
            if ev.quote_of is not None and ev.quote_of.account_id:
                n += self.add(actor, ev.quote_of.account_id, "quote", t)
            if ev.reply_to is not None and ev.reply_to.account_id:
                n += self.add(actor, ev.reply_to.account_id, "reply", t)
            # A reply or quote names its target's author; that mention says nothing more.
            talked = {r.account_id for r in (ev.reply_to, ev.quote_of) if r is not None}
            for m in ev.mentions:
                if m.account_id and m.account_id not in talked:
                    n += self.add(actor, m.account_id, self.mention_kind(m.account_id, t), t)
            if n == 0:
                self.node(actor, t)
            return n
        if isinstance(ev, Follow):
            return self.add(actor, ev.target, "follow", t)
        if isinstance(ev, Unfollow):
            return self.add(actor, ev.target, "unfollow", t)
        i = self.node(actor, t)
        if isinstance(ev, AccountCreated):
            self.set_created(i, t)
        return 0

    @property
    def pending(self) -> int:
        return len(self._src)

    # -- folding -------------------------------------------------------------------------------

    def compact(self) -> np.ndarray:
        """Fold pending edges into the table; returns the indices of table rows that changed."""
        if not self._src:
            return np.empty(0, np.int64)
        p_src = np.frombuffer(self._src, np.int32).copy()
        p_dst = np.frombuffer(self._dst, np.int32).copy()
        p_kind = np.frombuffer(self._kind, np.int8).copy()
        p_t = np.frombuffer(self._t, np.float64).copy()
        p_w = np.frombuffer(self._w, np.float32).astype(np.float64)
        for buf in (self._src, self._dst, self._kind, self._t, self._w):
            del buf[:]
        now = max(self.now, float(p_t.max()))
        old = self.table
        n_old = len(old)
        # Bring everything to ``now``: old rows decay from their as_of, new ones from their time.
        follow_old = old.kind == FOLLOW
        w_old = np.where(follow_old, old.weight, old.weight * decay_factor(now - old.as_of, self.half_life_s))
        follow_new = p_kind == FOLLOW
        w_new = np.where(follow_new, p_w, p_w * decay_factor(now - p_t, self.half_life_s))
        keys = np.concatenate(
            [old.keys(), p_src.astype(np.int64) * _SRC_MUL + (p_dst.astype(np.int64) << _DST_SHIFT) + p_kind]
        )
        # Stable order within one key keeps follow/unfollow sequences in time order.
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        starts = np.flatnonzero(np.concatenate([[True], sk[1:] != sk[:-1]]))
        weight = np.concatenate([w_old, w_new])[order]
        count = np.concatenate([old.count, np.where(p_w > 0, 1, 0).astype(np.int64)])[order]
        first = np.concatenate([old.first, p_t])[order]
        last = np.concatenate([old.last, p_t])[order]
        is_new = np.concatenate([np.zeros(n_old, bool), np.ones(len(p_t), bool)])[order]
        agg_w = np.add.reduceat(weight, starts)
        ukeys = sk[starts]
        kind = (ukeys & 7).astype(np.int8)
        fol = kind == FOLLOW
        agg_w[fol] = np.clip(agg_w[fol], 0.0, 1.0)
        table = EdgeTable(
            src=(ukeys // _SRC_MUL).astype(np.int32),
            dst=((ukeys % _SRC_MUL) >> _DST_SHIFT).astype(np.int32),
            kind=kind,
            weight=agg_w,
            count=np.add.reduceat(count, starts),
            first=np.minimum.reduceat(first, starts),
            last=np.maximum.reduceat(last, starts),
            as_of=np.full(len(starts), now),
        )
        changed = np.flatnonzero(np.logical_or.reduceat(is_new, starts))
        # Unchanged rows keep their own as_of and weight, so only changed rows need writing back.
        unchanged = np.flatnonzero(~np.logical_or.reduceat(is_new, starts))
        if len(unchanged):
            src_idx = order[starts[unchanged]]  # each unchanged group holds exactly one old row
            table.weight[unchanged] = old.weight[src_idx]
            table.as_of[unchanged] = old.as_of[src_idx]
        self.table = table
        self.now = now
        return changed

    def load(self, keys: Iterable[str], table: EdgeTable, first_seen: Iterable[float] | None = None) -> None:
        """Restore nodes and edges read back from the store (node ids must index ``keys``)."""
        for i, k in enumerate(keys):
            self.ids[k] = i
            self.keys.append(k)
        self.first_seen = array("d", first_seen if first_seen is not None else [0.0] * len(self.keys))
        self.created = array("d", [_NAN] * len(self.keys))
        self.table = table
        if len(table):
            self.now = max(self.now, float(table.last.max()))
        self.note_start()

    # -- views -----------------------------------------------------------------------------------

    def weights_at(self, now: float | None = None) -> np.ndarray:
        """Every aggregated edge's weight decayed to ``now`` (default: the newest event)."""
        self.compact()
        t = self.table
        now = self.now if now is None else now
        return np.where(t.kind == FOLLOW, t.weight, t.weight * decay_factor(now - t.as_of, self.half_life_s))

    @property
    def n(self) -> int:
        return len(self.keys)


def combine(
    n: int, table: EdgeTable, weights: np.ndarray, kind_weights: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collapse kinds into one weighted directed edge per (src, dst): ``sum(kind weight * weight)``."""
    kw = np.zeros(len(KINDS))
    for k, v in kind_weights.items():
        kw[KIND_CODE[k]] = v
    w = weights * kw[table.kind]
    keep = w > 0
    src, dst, w = table.src[keep].astype(np.int64), table.dst[keep].astype(np.int64), w[keep]
    key = src * n + dst
    uk, inv = np.unique(key, return_inverse=True)
    return (uk // n).astype(np.int32), (uk % n).astype(np.int32), np.bincount(inv, weights=w)


__all__ = ["KINDS", "EdgeTable", "InteractionGraph", "combine", "decay_factor"]
