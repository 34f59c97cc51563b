"""Wiring the network analysis to a store and a config: what the CLI commands call."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cauterize.network import persist, seeds
from cauterize.network.analysis import NetworkParams, NetworkScores, analyse, bootstrap_rounds, member_mask
from cauterize.network.census import METHOD, CensusDay, Rerun, census, days_between, rerun_recalls
from cauterize.network.graph import InteractionGraph


@dataclass(slots=True)
class NetworkSettings:
    """``[network]`` in cauterize.toml; every key optional."""

    half_life_days: float = 7.0
    #: A mention of an account created less than this before the post is a shout-out (promotion).
    #: Applied when edges are folded: changing it later does not reclassify folded edges.
    shoutout_hours: float = 24.0
    #: Accounts "created" in the feed's first hours existed before it (a collector's first snapshot).
    onboarding_hours: float = 2.0
    #: Accounts the platform suspended are confirmed seeds (off: only ``seeds``/``seeds_file``).
    seeds_from_enforcement: bool = True
    #: Which enforcement confirms an account: "any-suspension" or a list of reasons (empty: none).
    #: The default: violent-extremism reasons plus a platform's bare suspension (see seeds.py).
    seed_reasons: str | list[str] = field(default_factory=lambda: list(seeds.DEFAULT_SEED_REASONS))
    seeds: list[str] = field(default_factory=list)
    seeds_file: str | None = None
    allowlist: list[str] = field(default_factory=list)
    allowlist_file: str | None = None
    params: NetworkParams = field(default_factory=NetworkParams)
    bootstrap: int = 20
    coordination_window: float = 60.0
    coordination_min_items: int = 3
    coordination_max_burst: int = 50
    #: Where a binary copy of the folded graph is kept for fast restarts (the CLI: <data_dir>/network).
    cache_dir: str | None = None

    @classmethod
    def from_config(cls, raw: dict[str, Any]) -> NetworkSettings:
        raw = dict(raw)
        p = NetworkParams()
        for k in list(raw):
            if hasattr(p, k):
                setattr(p, k, raw.pop(k))
        out = cls(params=p)
        for k, v in raw.items():
            if not hasattr(out, k):
                raise ValueError(f"[network]: unknown key {k!r}")
            setattr(out, k, v)
        seeds.SeedRule.parse(out.seed_reasons)  # refuse a bad value at start-up, not mid-run
        return out


@dataclass(slots=True)
class Analysis:
    graph: InteractionGraph
    scores: NetworkScores
    facts: dict[str, np.ndarray]
    update: persist.UpdateStats
    seconds: float
    #: Which accounts are seeds and why (only those in the graph were used).
    seed_choice: seeds.SeedChoice | None = None

    def seeds_used(self) -> list[str]:
        return [self.graph.keys[i] for i in self.scores.seeds.tolist()]

    def seed_summary(self) -> str:
        if self.seed_choice is None:
            return f"{len(self.scores.seeds)} seeds"
        return self.seed_choice.describe(self.seeds_used())


def analyse_store(store: Any, settings: NetworkSettings, platform: str, save: bool = True) -> Analysis:
    t0 = time.perf_counter()
    snapshot = None
    if settings.cache_dir:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in platform)
        snapshot = Path(settings.cache_dir) / f"graph-{safe}.npz"
    graph, stats = persist.update_graph(
        store,
        platform,
        settings.half_life_days,
        snapshot=snapshot,
        shoutout_hours=settings.shoutout_hours,
        onboarding_hours=settings.onboarding_hours,
    )
    rows = persist.enforcement_rows(store, platform) if settings.seeds_from_enforcement else []
    allowed = persist.read_list(settings.allowlist, settings.allowlist_file)
    choice = seeds.choose(
        rows,
        seeds.SeedRule.parse(settings.seed_reasons),
        persist.read_list(settings.seeds, settings.seeds_file),
        allowed,
    )
    seed_idx = sorted(graph.ids[k] for k in choice.why if k in graph.ids)
    allow = np.zeros(graph.n, bool)
    for k in allowed:
        if k in graph.ids:
            allow[graph.ids[k]] = True
    facts = persist.account_facts(store, graph)
    scores = analyse(graph, seed_idx, allow, facts["followers"], settings.params)
    if save:
        persist.save_scores(store, platform, score_rows(graph, scores, choice.why))
    return Analysis(graph, scores, facts, stats, time.perf_counter() - t0, choice)


def score_rows(
    graph: InteractionGraph, r: NetworkScores, seed_why: dict[str, str] | None = None, limit: int = 200_000
) -> list[dict[str, Any]]:
    """Rows for ``network_scores``: seeds, members, protected accounts near the network, and the
    closest others, up to ``limit``."""
    rank = r.rank()
    near = (r.closeness >= r.member_closeness * 0.5) | (rank <= limit // 2)
    near[r.seeds] = True
    idx = np.flatnonzero(near)
    idx = idx[np.argsort(rank[idx])][:limit]
    now = datetime.now(UTC)
    seeds = set(r.seeds.tolist())
    return [
        {
            "platform": graph.platform,
            "account_id": graph.keys[i],
            "score": float(r.score[i]),
            "adjusted": float(r.adjusted[i]),
            "rank": int(rank[i]),
            "seed": i in seeds,
            "protected": bool(r.protected[i]),
            "community": int(r.community[i]) if r.community[i] >= 0 else None,
            "role": r.roles.get(i),
            "evidence": _with_seed_reason(r.evidence(i), graph.keys[i], seed_why),
            "computed_at": now,
        }
        for i in idx.tolist()
    ]


def _with_seed_reason(ev: dict[str, Any], key: str, seed_why: dict[str, str] | None) -> dict[str, Any]:
    if seed_why and key in seed_why:
        ev["seed_because"] = seed_why[key]
    return ev


def run_census(a: Analysis, rounds: int, rng_seed: int = 0) -> tuple[list[CensusDay], str]:
    r, f = a.scores, a.facts
    created = np.where(np.isnan(f["created"]), np.frombuffer(a.graph.first_seen, np.float64), f["created"])
    boot = bootstrap_rounds(r, rounds, rng_seed=rng_seed) if rounds else []
    recalls, pooled = rerun_recalls(
        [b.held_out for b in boot], [b.found for b in boot], len(r.seeds), np.random.default_rng(rng_seed + 1)
    )
    reruns = [Rerun(b.member, rc) for b, rc in zip(boot, recalls, strict=True)]
    member = member_mask(r)
    start = float(np.nanmin(created)) if len(created) else a.graph.now
    days = days_between(start, a.graph.now)
    held = sum(b.held_out for b in boot)
    recall = f"{pooled:.3f} from {held} held-out seeds" if pooled is not None else "not measured: no seed held out"
    method = METHOD.format(thr=r.member_closeness, b=len(boot), recall=recall)
    is_seed = np.zeros(len(member), bool)
    is_seed[r.seeds] = True
    out = census(member, created, f["suspended"], f["followers"], days, reruns, is_seed, pooled, now=a.graph.now)
    return out, method


def neighbourhood(
    graph: InteractionGraph, center: int, limit: int = 40, kinds: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """The accounts ``center`` interacts with, strongest first: one row per counterpart with the
    weight of each kind in each direction."""
    t = graph.table
    w = graph.weights_at()
    from cauterize.network.graph import KINDS

    rows: dict[int, dict[str, Any]] = {}
    # "→kind": the center did it to them; "←kind": they did it to the center.
    for direction, mine, other in (("→", t.src, t.dst), ("←", t.dst, t.src)):
        sel = np.flatnonzero(mine == center)
        for e in sel.tolist():
            kind = KINDS[int(t.kind[e])]
            if kinds and kind not in kinds:
                continue
            j = int(other[e])
            row = rows.setdefault(j, {"node": j, "account_id": graph.keys[j], "total": 0.0, "kinds": {}})
            row["kinds"][f"{direction}{kind}"] = round(float(w[e]), 3)
            row["total"] += float(w[e])
    return sorted(rows.values(), key=lambda r: -r["total"])[:limit]
