"""One pass of network analysis over an interaction graph: pure, no I/O.

seeds -> personalised PageRank (proximity) -> protection (direction, allow-list) ->
membership (a break in the scores) -> communities (Leiden) and roles over the members.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cauterize.network import communities, expansion, protect, roles
from cauterize.network.graph import InteractionGraph, combine


@dataclass(slots=True)
class NetworkParams:
    damping: float = 0.85
    kind_weights: dict[str, float] = field(default_factory=lambda: dict(expansion.PROMOTION_WEIGHTS))
    #: An observer talks about the network at least this many times more than it promotes it
    #: (promotion at most a third of its interactions). 2 was chosen on the talk-heavy copy of the
    #: small world, seed 1 (3 left watchers who keep naming new accounts in the top decile; 2 left
    #: none at the same AUC); the cost measured on real network accounts is in docs/network.md.
    talk_ratio: float = 2.0
    promoted_max: float = 0.5
    broad_audience: int = 5000
    #: Members: adjusted closeness (score per degree over the median seed's) at least this.
    member_closeness: float = 0.3
    #: Communities are computed over the members and their direct contacts, capped at this many.
    neighbourhood_max: int = 200_000
    communities: bool = True
    leiden_resolution: float = 1.0
    #: A follow of a network account is promotion when it is one of ``burst_follows`` within
    #: ``burst_window_s`` (a follow train); one within ``follow_new_hours`` of the target's
    #: creation counts ``follow_new_weight`` (see protect.py for why that is 0 by default).
    burst_follows: int = 5
    burst_window_s: float = 3600.0
    follow_new_hours: float = 24.0
    follow_new_weight: float = 0.0
    #: Which kinds promote the network, which talk about it, and which (done by the network to an
    #: account) promote that account; the defaults are in :mod:`cauterize.network.protect`.
    promote_kinds: tuple[str, ...] = protect.PROMOTE
    talk_kinds: tuple[str, ...] = protect.TALK
    promoted_by_kinds: tuple[str, ...] = protect.PROMOTED_BY
    #: Count follows (trains, new accounts) in the protection rule at all.
    in_step: bool = True

    @classmethod
    def all_interactions(cls, **kw: Any) -> NetworkParams:
        """The analysis as it was before talk and promotion were told apart: every mention half a
        promotion, quotes and replies a little, the walk over all of them (the baseline)."""
        return cls(
            kind_weights=dict(expansion.ALL_INTERACTIONS_WEIGHTS),
            promote_kinds=("repost", "mention", "shoutout"),
            talk_kinds=("quote", "reply"),
            promoted_by_kinds=("repost", "mention", "shoutout", "follow"),
            in_step=False,
            talk_ratio=3.0,
            **kw,
        )


@dataclass(slots=True)
class NetworkScores:
    keys: list[str]
    seeds: np.ndarray
    score: np.ndarray
    closeness: np.ndarray
    adjusted: np.ndarray
    protected: np.ndarray
    reasons: list[list[str]]
    direction: protect.Direction
    members: np.ndarray
    community: np.ndarray
    roles: dict[int, str]
    role_features: roles.RoleFeatures | None
    timings: dict[str, float]
    #: The promotion graph and its weights, kept for reruns (bootstrap) and neighbourhoods.
    promotion: Any = None
    promotion_weights: np.ndarray | None = None
    #: The promotion graph's edge endpoints (in the igraph graph's edge order).
    promotion_src: np.ndarray | None = None
    promotion_dst: np.ndarray | None = None
    member_closeness: float = 0.3
    #: Weighted degree + 1 in the promotion graph (closeness is PageRank per unit of it).
    norm: np.ndarray | None = None
    is_seed: np.ndarray | None = None
    #: Protected by behaviour alone (talks about the network, does not promote it).
    observer: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.is_seed is None:
            self.is_seed = np.zeros(len(self.score), bool)
            self.is_seed[self.seeds] = True

    def rank(self) -> np.ndarray:
        """1 = closest (by adjusted score); ties share the order they come in."""
        order = np.argsort(-self.adjusted, kind="stable")
        r = np.empty(len(order), np.int64)
        r[order] = np.arange(1, len(order) + 1)
        return r

    def evidence(self, i: int) -> dict[str, Any]:
        ev: dict[str, Any] = {
            "proximity": float(self.score[i]),
            "closeness": float(self.closeness[i]),
            "seed": bool(self.is_seed[i]),
            "spreads_network": round(float(self.direction.spread_out[i]), 4),
            "talks_to_network": round(float(self.direction.talk_out[i]), 4),
            "promoted_by_network": round(float(self.direction.promoted_in[i]), 4),
        }
        share = self.direction.promotion_share()[i]
        if self.direction.spread_out[i] or self.direction.talk_out[i]:
            ev["promotion_share"] = round(float(share), 4)
            ev["interactions_with_network"] = self.direction.kinds_of(i)
        if self.observer is not None and self.observer[i]:
            ev["observer"] = True
        if self.reasons[i]:
            ev["protected_because"] = self.reasons[i]
        if self.community[i] >= 0:
            ev["community"] = int(self.community[i])
        if i in self.roles and self.role_features is not None:
            ev["role"] = self.roles[i]
            ev["role_evidence"] = roles.role_evidence(self.role_features, i)
        return ev


def analyse(
    graph: InteractionGraph,
    seeds: list[int],
    allow: np.ndarray | None = None,
    followers: np.ndarray | None = None,
    params: NetworkParams | None = None,
    now: float | None = None,
) -> NetworkScores:
    p = params or NetworkParams()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    weights = graph.weights_at(now)
    n = graph.n
    table = graph.table
    src, dst, w = combine(n, table, weights, p.kind_weights)
    timings["combine_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    g = expansion.build_graph(n, src, dst)
    score = expansion.personalized_pagerank(g, w, seeds, p.damping)
    timings["pagerank_s"] = time.perf_counter() - t0
    seeds_arr = np.asarray(seeds, np.int64)
    norm = expansion.strength(n, src, dst, w) + 1.0
    close = protect.closeness(score, seeds_arr, p.damping, norm=norm)
    follows = None
    if p.in_step:
        follows = protect.follow_promotion(
            table,
            graph.new_accounts_created(),
            close,
            p.follow_new_hours,
            p.burst_follows,
            p.burst_window_s,
            p.member_closeness,
            p.follow_new_weight,
        )
    d = protect.direction(n, table, weights, close, follows, p.promote_kinds, p.talk_kinds, p.promoted_by_kinds)
    allow = np.zeros(n, bool) if allow is None else allow
    protected, reasons = protect.protection(d, allow, followers, p.broad_audience, p.talk_ratio, p.promoted_max)
    observer = protect.watcher_like(d, p.talk_ratio, p.promoted_max) & ~allow
    protected[seeds_arr] &= allow[seeds_arr]  # a confirmed account is never shielded by behaviour
    adjusted = np.where(protected, 0.0, close)
    members = np.union1d(np.flatnonzero(adjusted >= p.member_closeness), seeds_arr[~protected[seeds_arr]])
    community = np.full(n, -1, np.int64)
    role_map: dict[int, str] = {}
    feats = None
    if p.communities and len(members):
        t0 = time.perf_counter()
        hood = _neighbourhood(n, src, dst, members, p.neighbourhood_max, adjusted)
        community = communities.leiden(n, src, dst, w, hood, p.leiden_resolution)
        timings["leiden_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        feats = roles.role_features(n, table, members, np.frombuffer(graph.first_seen, np.float64))
        role_map = roles.assign_roles(feats, members)
        timings["roles_s"] = time.perf_counter() - t0
    return NetworkScores(
        keys=graph.keys,
        seeds=seeds_arr,
        score=score,
        closeness=close,
        adjusted=adjusted,
        protected=protected,
        reasons=reasons,
        direction=d,
        members=members,
        community=community,
        roles=role_map,
        role_features=feats,
        timings=timings,
        promotion=g,
        promotion_weights=w,
        promotion_src=src,
        promotion_dst=dst,
        member_closeness=p.member_closeness,
        norm=norm,
        observer=observer,
    )


def member_mask(r: NetworkScores) -> np.ndarray:
    m = np.zeros(len(r.score), bool)
    m[r.members] = True
    m[r.seeds] = True
    return m


@dataclass(slots=True)
class BootRound:
    """One rerun from seeds drawn with replacement."""

    #: Members of this round (every confirmed seed included).
    member: np.ndarray
    #: Seeds left out of the draw (out of bag), and how many of them this round's threshold found.
    held_out: int
    found: int


def bootstrap_rounds(
    r: NetworkScores, rounds: int = 20, damping: float = 0.85, rng_seed: int = 0, edges: bool = True
) -> list[BootRound]:
    """``rounds`` reruns with seeds drawn with replacement and, with ``edges``, every promotion
    edge's weight multiplied by a Poisson(1) draw (protection held fixed).

    Redrawing the interactions is what measures how much a membership rests on: an account that
    is a member through one shout-out drops out of a third of the reruns, one with dozens of
    reposts never does. Each rerun also tells how many of the seeds it left out (out of bag) its
    threshold finds again: the threshold's recall on confirmed accounts it did not start from."""
    rng = np.random.default_rng(rng_seed)
    out: list[BootRound] = []
    if len(r.seeds) == 0 or r.promotion is None or r.promotion_weights is None:
        return out
    n = len(r.score)
    resample = edges and r.promotion_src is not None and r.promotion_dst is not None
    for _ in range(rounds):
        pick = rng.choice(r.seeds, size=len(r.seeds), replace=True)
        uniq, times = np.unique(pick, return_counts=True)
        w, norm = r.promotion_weights, r.norm
        if resample:
            w = w * rng.poisson(1.0, len(w))
            norm = expansion.strength(n, r.promotion_src, r.promotion_dst, w) + 1.0  # type: ignore[arg-type]
        score = expansion.personalized_pagerank(r.promotion, w, uniq.tolist(), damping, times)
        close = protect.closeness(score, uniq, damping, times.astype(float), norm)
        m = (close >= r.member_closeness) & ~r.protected
        oob = np.setdiff1d(r.seeds, uniq)
        found = int(m[oob].sum())
        m[r.seeds] = True
        out.append(BootRound(m, len(oob), found))
    return out


def bootstrap_members(r: NetworkScores, rounds: int = 20, damping: float = 0.85, rng_seed: int = 0) -> list[np.ndarray]:
    """Member masks from ``rounds`` reruns with seeds drawn with replacement (protection held fixed)."""
    return [b.member for b in bootstrap_rounds(r, rounds, damping, rng_seed)]


def _neighbourhood(
    n: int, src: np.ndarray, dst: np.ndarray, members: np.ndarray, cap: int, adjusted: np.ndarray
) -> np.ndarray:
    inside = np.zeros(n, bool)
    inside[members] = True
    touch = inside[src] | inside[dst]
    hood = np.zeros(n, bool)
    hood[src[touch]] = True
    hood[dst[touch]] = True
    idx = np.flatnonzero(hood)
    if len(idx) > cap:
        idx = idx[np.argsort(-adjusted[idx], kind="stable")[:cap]]
    return np.sort(idx)
