"""Protection from collateral damage: who talks about or to the network without promoting it.

Journalists, researchers, monitoring groups, police and counter-messaging accounts are close to
the network by any proximity measure: they follow its new accounts, quote its posts, reply to
them and name them all day. What sets them apart is what their interactions do:

* *promotion* spreads the network: reposts, shout-outs of new accounts ("follow the new account
  @x"), and following in step (``burst_follows`` network accounts followed within
  ``burst_window_s``: a follow train). Following a new account soon after it appears is recorded
  (``follow_new`` in the evidence) but counts only ``follow_new_weight`` (0 by default): in the
  simulated worlds watchers follow replacements as soon as the network's refollowers do (a mean of
  2 h against 1.5 h), and a journalist who follows the group's new outlets to watch them must not
  become its promoter for it;
* *talk* is about or to it: quotes, replies, and mentions that are not shout-outs;
* the network promotes its own (reposts them, shouts them out) and rarely an observer.

Each account gets these measures, every edge weighted by how close its counterpart is to the
network (closeness in [0, 1]). An account whose interactions with the network are mostly talk
(promotion at most ``1 / (1 + talk_ratio)`` of them) and that the network does not promote is an
*observer*: its adjusted score is zero, whatever its proximity, and its evidence says why. No
allow-list is needed for that; an allow-listed account is protected on top. Proximity never acts
on its own anyway; protection also keeps these accounts out of review queues and the census.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from cauterize.network.graph import KIND_CODE, EdgeTable

#: Kinds that spread the network (``follow`` only when in step: see :func:`in_step_follows`).
PROMOTE = ("repost", "shoutout")
TALK = ("quote", "reply", "mention")
#: What the network does to its own: repost them, shout them out. Follows are left out: network
#: accounts follow journalists and researchers too, and a follow spreads nothing.
PROMOTED_BY = ("repost", "shoutout")
#: A follow in a follow train counts this much promotion (a repost or shout-out counts 1).
IN_STEP_FOLLOW = 0.5


@dataclass(slots=True)
class Direction:
    """Per-account sums over edges, each edge weighted by its counterpart's closeness in [0, 1]."""

    spread_out: np.ndarray
    talk_out: np.ndarray
    promoted_in: np.ndarray
    #: The same sums per kind (``quote``, ``reply``, ``mention``, ``repost``, ``shoutout``,
    #: ``follow_in_step`` as counted, ``follow_new`` unweighted), for the evidence.
    out_by_kind: dict[str, np.ndarray] | None = None

    def promotion_share(self) -> np.ndarray:
        total = self.spread_out + self.talk_out
        return np.divide(self.spread_out, total, out=np.zeros_like(total), where=total > 0)

    def kinds_of(self, i: int) -> dict[str, float]:
        if not self.out_by_kind:
            return {}
        return {k: round(float(v[i]), 4) for k, v in self.out_by_kind.items() if v[i] > 0}


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


def follow_promotion(
    table: EdgeTable,
    created: np.ndarray,
    close: np.ndarray,
    follow_new_hours: float = 24.0,
    burst_follows: int = 5,
    burst_window_s: float = 3600.0,
    network_min: float = 0.3,
    follow_new_weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per edge row: how much promotion a follow carries, and whether it followed a new account.

    *In step*: the follower followed at least ``burst_follows`` accounts with closeness >=
    ``network_min`` within ``burst_window_s`` (:data:`IN_STEP_FOLLOW` each). *New*: the follow
    came within ``follow_new_hours`` of the target's creation (when the platform said when that
    was); it carries ``follow_new_weight``.
    """
    fol = table.kind == KIND_CODE["follow"]
    age = table.first - created[table.dst]
    with np.errstate(invalid="ignore"):
        new = fol & (age >= 0) & (age <= follow_new_hours * 3600.0)
    net = np.flatnonzero(fol & (close[table.dst] >= network_min))
    together = np.zeros(len(table), bool)
    k = burst_follows - 1
    if k >= 0 and len(net) > k:
        order = net[np.lexsort((table.first[net], table.src[net]))]
        src, t = table.src[order], table.first[order]
        # Follow j and the k-th after it, same follower, within the window: all k+1 are in step.
        hit = (src[k:] == src[: len(src) - k]) & (t[k:] - t[: len(t) - k] <= burst_window_s)
        mark = np.zeros(len(order), bool)
        for j in range(k + 1):
            mark[j : len(order) - k + j] |= hit
        together[order[mark]] = True
    weight = np.where(together, IN_STEP_FOLLOW, np.where(new, follow_new_weight, 0.0))
    return weight, new


def direction(
    n: int,
    table: EdgeTable,
    weights: np.ndarray,
    close: np.ndarray,
    follows: tuple[np.ndarray, np.ndarray] | None = None,
    promote: tuple[str, ...] = PROMOTE,
    talk: tuple[str, ...] = TALK,
    promoted_by: tuple[str, ...] = PROMOTED_BY,
) -> Direction:
    w_out = weights * close[table.dst]
    w_in = weights * close[table.src]
    by_kind: dict[str, np.ndarray] = {}
    for k in (*talk, *promote):
        sel = table.kind == KIND_CODE[k]
        by_kind[k] = np.bincount(table.src[sel], w_out[sel], n)
    counted = ()
    if follows is not None:
        fw, new = follows
        if fw.any():
            by_kind["follow_in_step"] = np.bincount(table.src, w_out * fw, n)
            counted = ("follow_in_step",)
        if new.any():
            by_kind["follow_new"] = np.bincount(table.src[new], w_out[new], n)
    zero = np.zeros(n)
    prom = np.isin(table.kind, [KIND_CODE[k] for k in promoted_by])
    return Direction(
        spread_out=sum((by_kind[k] for k in (*promote, *counted)), zero.copy()),
        talk_out=sum((by_kind[k] for k in talk), zero.copy()),
        promoted_in=np.bincount(table.dst[prom], w_in[prom], n),
        out_by_kind=by_kind,
    )


def watcher_like(d: Direction, talk_ratio: float = 2.0, promoted_max: float = 0.5) -> np.ndarray:
    """An observer: talks about or to the network ``talk_ratio`` times more than it promotes it
    (promotion at most ``1 / (1 + talk_ratio)`` of its interactions), and is barely promoted by it."""
    return (d.talk_out > 0) & (d.talk_out >= talk_ratio * d.spread_out) & (d.promoted_in <= promoted_max)


def protection(
    d: Direction,
    allow: np.ndarray,
    followers: np.ndarray | None = None,
    broad_audience: int = 5000,
    talk_ratio: float = 2.0,
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
            r.append(
                "observer: talks about or to the network (quotes, replies, mentions) far more than it "
                "promotes it (reposts, shout-outs, follows in step), and is not promoted by it"
            )
        if broad[i]:
            r.append("broad audience of its own, not promoted by the network")
    return protected, reasons
