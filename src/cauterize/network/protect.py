"""Protection from collateral damage: who interacts with the network without being part of it.

Journalists, researchers, monitoring groups, police and counter-messaging accounts are close to
the network by any proximity measure: they follow its new accounts, quote its posts and reply to
them all day. What sets them apart is direction:

* the network does not promote them (no reposts, shout-outs or follows from its accounts);
* they talk *to* it (quotes, replies) rather than spread it (reposts, shout-outs);
* they often have a broad audience of their own.

Each account gets these three measures, weighted by how close its counterparts are to the
network (their proximity score), and an account that talks to the network far more than it
spreads it and is not promoted by it is protected: its adjusted score is zero, whatever its
proximity. An allow-listed account is always protected. Proximity never acts on its own anyway;
protection also keeps these accounts out of review queues and out of the census.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cauterize.network.graph import KIND_CODE, EdgeTable

SPREAD = ("repost", "mention")
TALK = ("quote", "reply")
PROMOTED_BY = ("repost", "mention", "follow")


@dataclass(slots=True)
class Direction:
    """Per-account sums over edges, each edge weighted by its counterpart's closeness in [0, 1]."""

    spread_out: np.ndarray
    talk_out: np.ndarray
    promoted_in: np.ndarray


def closeness(
    score: np.ndarray,
    seeds: Iterable[int],
    damping: float = 0.85,
    seed_weights: np.ndarray | None = None,
    norm: np.ndarray | None = None,
) -> np.ndarray:
    """PageRank per unit of weighted degree, over the median seed's, clipped to [0, 1].

    On an undirected walk a hub catches mass in proportion to its degree, so a popular bystander
    next to the network would outscore a small member; dividing by ``norm`` (weighted degree + 1)
    removes that. A seed's PageRank is its share of the restart mass, ``(1 - damping) / len(seeds)``
    (or its ``seed_weights`` share), plus what flows in from its neighbours; only the second part
    is comparable with a non-seed's score, so the reference is the median seed's inflow. That keeps
    the scale steady whether 7 or 700 accounts are confirmed.
    """
    seeds = np.asarray(list(seeds), dtype=np.int64)
    if len(seeds) == 0:
        return np.zeros_like(score)
    norm = np.ones_like(score) if norm is None else norm
    share = np.full(len(seeds), 1.0 / len(seeds)) if seed_weights is None else seed_weights / seed_weights.sum()
    inflow = (score[seeds] - (1.0 - damping) * share) / norm[seeds]
    ref = float(np.median(inflow))
    if ref <= 0:
        ref = float(np.median(score[seeds] / norm[seeds]))
    if ref <= 0:
        return np.zeros_like(score)
    return np.clip(score / norm / ref, 0.0, 1.0)


def direction(n: int, table: EdgeTable, weights: np.ndarray, close: np.ndarray) -> Direction:
    def kinds(names: tuple[str, ...]) -> np.ndarray:
        return np.isin(table.kind, [KIND_CODE[k] for k in names])

    w_out = weights * close[table.dst]
    w_in = weights * close[table.src]
    spread, talk, prom = kinds(SPREAD), kinds(TALK), kinds(PROMOTED_BY)
    return Direction(
        spread_out=np.bincount(table.src[spread], w_out[spread], n),
        talk_out=np.bincount(table.src[talk], w_out[talk], n),
        promoted_in=np.bincount(table.dst[prom], w_in[prom], n),
    )


def watcher_like(d: Direction, talk_ratio: float = 3.0, promoted_max: float = 0.5) -> np.ndarray:
    """Talks to the network ``talk_ratio`` times more than it spreads it, and is barely promoted."""
    return (d.talk_out > 0) & (d.talk_out >= talk_ratio * d.spread_out) & (d.promoted_in <= promoted_max)


def protection(
    d: Direction,
    allow: np.ndarray,
    followers: np.ndarray | None = None,
    broad_audience: int = 5000,
    talk_ratio: float = 3.0,
    promoted_max: float = 0.5,
) -> tuple[np.ndarray, list[list[str]]]:
    """Which accounts are protected, and why (reasons per account, empty when not protected).

    A broad audience alone does not protect (official accounts have one); it protects an account
    the network does not promote and that does not spread it.
    """
    watch = watcher_like(d, talk_ratio, promoted_max)
    broad = np.zeros(len(allow), bool)
    if followers is not None:
        broad = (followers >= broad_audience) & (d.promoted_in <= promoted_max) & (d.spread_out == 0)
    protected = allow | watch | broad
    reasons: list[list[str]] = [[] for _ in range(len(allow))]
    for i in np.flatnonzero(protected):
        r = reasons[i]
        if allow[i]:
            r.append("allow-listed")
        if watch[i]:
            r.append("talks to the network (quotes/replies) without spreading it, and is not promoted by it")
        if broad[i]:
            r.append("broad audience of its own, not promoted by the network")
    return protected, reasons
