"""Seed expansion: how close every account is to a set of confirmed accounts.

Personalised PageRank (igraph's PRPACK) over the promotion graph, restarting at the seeds: the
stationary probability of a walk that follows promotion edges (reposts, shout-outs, follows;
quotes, replies and other mentions not at all) and jumps back to a seed with probability ``1 - damping``. The walk
runs over edges in both directions (a member promotes the network and is promoted by it); the
direction is used afterwards, by :mod:`cauterize.network.protect`, to tell a member from a
watcher.

The cost is one PRPACK solve, linear in edges; it is recomputed on a schedule
(``cauterize network update``), and measured at 10 million edges in docs/benchmarks-network.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import igraph as ig

#: Membership propagates along promotion only: reposts and shout-outs of new accounts spread the
#: network's content and accounts; a follow is weak (audiences and watchers follow too, and with a
#: larger weight the followers of suspended accounts crowd in). Quotes, replies and other mentions
#: are how journalists, researchers and counter-messaging talk about or to the network: they carry
#: no membership (they stay in the graph for display and for the observers' evidence).
PROMOTION_WEIGHTS: dict[str, float] = {
    "repost": 1.0,
    "shoutout": 1.0,
    "follow": 0.03,
    "quote": 0.0,
    "reply": 0.0,
    "mention": 0.0,
}
#: The weights before talk and promotion were told apart (every mention counted as half a
#: promotion, quotes and replies a little); kept as the standing baseline of the evaluation.
ALL_INTERACTIONS_WEIGHTS: dict[str, float] = {
    "repost": 1.0,
    "shoutout": 0.5,
    "mention": 0.5,
    "follow": 0.03,
    "quote": 0.05,
    "reply": 0.05,
}


def build_graph(n: int, src: np.ndarray, dst: np.ndarray, directed: bool = True) -> ig.Graph:
    """An igraph graph from edge arrays (no attributes; weights are passed to each algorithm)."""
    edges = np.column_stack([src, dst]).astype(np.int64)
    import igraph as ig  # here, not at import: igraph pulls in its plotting stack (0.35 s a start)

    return ig.Graph(n=n, edges=edges, directed=directed)


def personalized_pagerank(
    g: ig.Graph,
    weights: np.ndarray,
    seeds: Sequence[int],
    damping: float = 0.85,
    seed_weights: Sequence[float] | None = None,
) -> np.ndarray:
    """PPR from ``seeds`` over ``g`` treated as undirected; zeros when there are no seeds."""
    if len(seeds) == 0 or g.vcount() == 0:
        return np.zeros(g.vcount())
    reset = np.zeros(g.vcount())
    reset[np.asarray(seeds, dtype=np.int64)] = 1.0 if seed_weights is None else np.asarray(seed_weights)
    scores = g.personalized_pagerank(
        directed=False, damping=damping, reset=reset.tolist(), weights=weights.tolist(), implementation="prpack"
    )
    return np.asarray(scores)


def strength(n: int, src: np.ndarray, dst: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted degree, both directions (the walk is undirected)."""
    return np.bincount(src, weights, n) + np.bincount(dst, weights, n)
