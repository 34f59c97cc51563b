"""Network mapping at scale: graph updates per second, seed expansion and communities on a
1,000,000-account / 10,000,000-edge graph, with memory.

    nice -n 10 .venv/bin/python bench/network_scale.py [--accounts 1000000] [--edges 10000000] \
        [--network 20000] [--events 1000000] [--json out.json]

The graph is synthetic: ordinary accounts interact with targets drawn from a heavy-tailed
popularity (Zipf-like), and a planted network of ``--network`` accounts reposts and mentions
itself densely (plus watchers that quote and reply to it). Stages and what they measure:

* ``add``: :meth:`InteractionGraph.add` per edge, from prepared Python strings (the stream path
  without event decoding); ``add_event``: the same through canonical ``PostCreated``/``Follow``
  events (decoded beforehand);
* ``compact``: folding all edges into the decayed table (numpy sort + reduce);
* ``expansion``: collapsing kinds, building the igraph graph and personalised PageRank from 5%
  of the network's accounts; ``protection``: direction measures; ``leiden``/``roles`` over the
  members and their contacts (the flagged neighbourhood);
* ``leiden_whole_graph``: Leiden over all 1M accounts, for reference (``--whole-leiden``).

Peak RSS is ``ru_maxrss``; current RSS is read from /proc after each stage.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, datetime

import numpy as np

from cauterize.events import Follow, Mention, PostCreated, PostRef
from cauterize.network import communities, expansion, protect, roles
from cauterize.network.analysis import analyse
from cauterize.network.graph import InteractionGraph, combine


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synth(n: int, m: int, net: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Edge arrays (src, dst, kind, t): background + planted network (ids 0..net-1) + watchers."""
    m_net = min(m // 5, net * 60)
    m_bg = m - m_net
    pop = rng.zipf(1.6, m_bg) % n  # heavy-tailed targets
    src = rng.integers(0, n, m_bg)
    kind = rng.choice(5, m_bg, p=[0.35, 0.25, 0.1, 0.2, 0.1])  # follow repost quote reply mention
    ns = rng.integers(0, net, m_net)
    nd = (ns + rng.integers(1, net, m_net)) % net
    nk = rng.choice(5, m_net, p=[0.3, 0.5, 0.0, 0.05, 0.15])
    src = np.concatenate([src, ns]).astype(np.int32)
    dst = np.concatenate([pop, nd]).astype(np.int32)
    kind = np.concatenate([kind, nk]).astype(np.int8)
    t = np.sort(rng.uniform(0, 7 * 86400, m)) + 1.77e9
    perm = rng.permutation(m)
    return src[perm], dst[perm], kind[perm], t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--network", type=int, default=20_000)
    ap.add_argument("--events", type=int, default=1_000_000, help="events for the add_event stage")
    ap.add_argument("--whole-leiden", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    out: dict = {
        "accounts": args.accounts,
        "edges": args.edges,
        "network": args.network,
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
    }
    src, dst, kind, t = synth(args.accounts, args.edges, args.network, rng)
    names = [f"u{i}" for i in range(args.accounts)]
    kinds = ("follow", "repost", "quote", "reply", "mention")
    print(f"synthesised {args.edges:,} edges; RSS {rss_mib():.0f} MiB", flush=True)

    # Stage 1: the stream path, one call per edge.
    g = InteractionGraph("bench", half_life_days=7.0)
    s_l, d_l, k_l, t_l = src.tolist(), dst.tolist(), kind.tolist(), t.tolist()
    add = g.add
    t0 = time.perf_counter()
    for a, b, k, tt in zip(s_l, d_l, k_l, t_l, strict=True):
        add(names[a], names[b], kinds[k], tt)
    out["add_s"] = time.perf_counter() - t0
    out["add_per_s"] = args.edges / out["add_s"]
    del s_l, d_l, k_l, t_l
    print(f"add: {out['add_s']:.1f}s = {out['add_per_s']:,.0f} edges/s; RSS {rss_mib():.0f} MiB", flush=True)

    t0 = time.perf_counter()
    g.compact()
    out["compact_s"] = time.perf_counter() - t0
    out["table_rows"] = len(g.table)
    out["rss_after_compact_mib"] = rss_mib()
    print(f"compact: {out['compact_s']:.1f}s, {len(g.table):,} rows; RSS {rss_mib():.0f} MiB", flush=True)

    # Stage 1b: through canonical events (decoding not counted).
    k_ev = min(args.events, args.edges)
    base = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
    evs = []
    for i in range(k_ev):
        a, b, k = names[int(src[i])], names[int(dst[i])], int(kind[i])
        when = datetime.fromtimestamp(base + i * 0.01, UTC)
        if k == 0:
            evs.append(Follow(platform="b", event_id=f"e{i}", actor=a, time=when, target=b))
        elif k == 4:
            evs.append(
                PostCreated(
                    platform="b",
                    event_id=f"e{i}",
                    actor=a,
                    time=when,
                    post_id=f"p{i}",
                    mentions=(Mention(handle=b, account_id=b),),
                )
            )
        else:
            ref = PostRef(post_id=f"q{i}", account_id=b)
            field = {1: "repost_of", 2: "quote_of", 3: "reply_to"}[k]
            evs.append(PostCreated(platform="b", event_id=f"e{i}", actor=a, time=when, post_id=f"p{i}", **{field: ref}))
    g2 = InteractionGraph("b")
    t0 = time.perf_counter()
    for e in evs:
        g2.add_event(e)
    out["add_event_s"] = time.perf_counter() - t0
    out["add_event_per_s"] = k_ev / out["add_event_s"]
    del evs, g2
    print(f"add_event: {out['add_event_per_s']:,.0f} events/s", flush=True)

    # Stage 2: the analysis, as `cauterize network update` runs it.
    seeds = rng.choice(args.network, max(1, args.network // 20), replace=False).tolist()
    seed_ids = [g.ids[names[s]] for s in seeds]
    w = g.weights_at()
    t0 = time.perf_counter()
    s2, d2, w2 = combine(g.n, g.table, w, expansion.PROMOTION_WEIGHTS)
    out["combine_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ig_graph = expansion.build_graph(g.n, s2, d2)
    out["build_igraph_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ppr = expansion.personalized_pagerank(ig_graph, w2, seed_ids)
    out["pagerank_s"] = time.perf_counter() - t0
    out["rss_after_pagerank_mib"] = rss_mib()
    print(
        f"combine {out['combine_s']:.1f}s build {out['build_igraph_s']:.1f}s pagerank {out['pagerank_s']:.1f}s; RSS {rss_mib():.0f} MiB",
        flush=True,
    )
    del ig_graph
    t0 = time.perf_counter()
    r = analyse(g, seed_ids)
    out["analyse_total_s"] = time.perf_counter() - t0
    out["analyse_timings"] = r.timings
    out["members"] = len(r.members)
    truth = np.zeros(g.n, bool)
    truth[[g.ids[names[i]] for i in range(args.network)]] = True
    mask = np.ones(g.n, bool)
    mask[seed_ids] = False
    from cauterize.evaluation.stats import roc_auc

    out["planted_auc"] = roc_auc(r.adjusted[mask & truth].tolist(), r.adjusted[mask & ~truth].tolist())
    out["rss_after_analyse_mib"] = rss_mib()
    print(
        f"analyse (expansion+protection+leiden+roles): {out['analyse_total_s']:.1f}s {r.timings}; members {len(r.members):,}; planted AUC {out['planted_auc']:.4f}; RSS {rss_mib():.0f} MiB",
        flush=True,
    )
    _ = (ppr, protect, roles, communities)
    if args.whole_leiden:
        t0 = time.perf_counter()
        comm = communities.leiden(g.n, s2, d2, w2)
        out["leiden_whole_graph_s"] = time.perf_counter() - t0
        out["leiden_whole_graph_communities"] = int(comm.max() + 1)
        print(
            f"leiden whole graph: {out['leiden_whole_graph_s']:.1f}s, {out['leiden_whole_graph_communities']:,} communities",
            flush=True,
        )
    out["peak_rss_mib"] = peak_mib()
    out["loadavg_end"] = os.getloadavg()
    print(json.dumps(out, default=float))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=float)


if __name__ == "__main__":
    main()
