"""Communities over the flagged neighbourhood: igraph's built-in Leiden (modularity)."""

from __future__ import annotations

import numpy as np


def leiden(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weights: np.ndarray,
    nodes: np.ndarray | None = None,
    resolution: float = 1.0,
    iterations: int = 2,
    seed: int = 0,
) -> np.ndarray:
    """Community id per node (-1 outside ``nodes``); the graph is taken as undirected.

    ``nodes`` restricts the partition to a neighbourhood (the flagged accounts and their
    contacts); communities are numbered by size, largest first, so id 0 is the main network.
    """
    member = np.ones(n, bool) if nodes is None else np.zeros(n, bool)
    if nodes is not None:
        member[nodes] = True
    keep = member[src] & member[dst]
    local = np.full(n, -1, np.int64)
    idx = np.flatnonzero(member)
    local[idx] = np.arange(len(idx))
    import igraph as ig  # here, not at import: igraph pulls in its plotting stack (0.35 s a start)

    g = ig.Graph(n=len(idx), edges=np.column_stack([local[src[keep]], local[dst[keep]]]), directed=False)
    import random

    # igraph draws from a Python RNG object; a private one keeps the result reproducible
    # without reseeding the process-wide ``random``.
    ig.set_random_number_generator(random.Random(seed))
    part = g.community_leiden(
        objective_function="modularity", weights=weights[keep].tolist(), resolution=resolution, n_iterations=iterations
    )
    membership = np.asarray(part.membership, np.int64)
    sizes = np.bincount(membership)
    order = np.argsort(-sizes, kind="stable")
    renum = np.empty_like(order)
    renum[order] = np.arange(len(order))
    out = np.full(n, -1, np.int64)
    out[idx] = renum[membership]
    return out
