"""Network proximity, live: accounts the stream draws into a confirmed network.

The detector keeps an :class:`~cauterize.network.graph.InteractionGraph` from the stream
(reposts, shout-outs, quotes, replies, mentions, follows) and the set of confirmed accounts
(platform enforcement that ``seed_reasons`` accepts: see :mod:`cauterize.network.seeds`). Every ``every_hours`` of event time it reruns the seed
expansion with protection (:func:`cauterize.network.analysis.analyse`) and reports a
``network.proximity`` signal for each account that has newly become a member (closeness at least
``member_closeness``), or whose closeness has doubled since it was last reported.

Proximity alone must never cause an action: the signal's score is capped at ``max_score``
(0.6, below the default ``strong-signal`` threshold, so the default rules can at most queue the
account for review), protected accounts (allow-listed, or watcher-like by direction) never get
a signal, and the evidence says why the account was reported and that it is a lead for review.

Off by default (enable with ``[detectors.network_proximity]``). The cost per event is an append;
each rerun is one PageRank over the graph, bounded by the schedule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import EnforcementApplied, Event

#: A proximity signal can never score higher than this (action thresholds start above it).
SCORE_CEILING = 0.6


class NetworkProximityDetector(Detector):
    name = "network_proximity"
    version = "1"
    kinds = frozenset({"post_created", "follow", "unfollow", "enforcement", "account_created"})
    cost_us = 3.0
    enabled_by_default = False
    history_kinds = kinds

    def __init__(
        self,
        every_hours: float = 6.0,
        member_closeness: float = 0.3,
        max_score: float = 0.55,
        seed_reasons: str | Iterable[str] | None = None,
        allowlist: Iterable[str] = (),
        half_life_days: float = 7.0,
        max_signals_per_run: int = 1000,
    ) -> None:
        from cauterize.network.analysis import NetworkParams
        from cauterize.network.graph import InteractionGraph

        if not 0 < max_score <= SCORE_CEILING:
            raise ValueError(f"max_score must be in (0, {SCORE_CEILING}]: proximity alone only ever queues for review")
        self.every_s = every_hours * 3600.0
        self.max_score = max_score
        from cauterize.network.seeds import SeedRule

        self.seed_rule = SeedRule.parse(
            seed_reasons if seed_reasons is None or isinstance(seed_reasons, str) else list(seed_reasons)
        )
        self.allowlist = frozenset(allowlist)
        self.max_signals = max_signals_per_run
        self.params = NetworkParams(member_closeness=member_closeness, communities=False)
        self._half_life = half_life_days
        self._graphs: dict[str, InteractionGraph] = {}
        self._seeds: dict[str, dict[str, str]] = {}
        self._reported: dict[tuple[str, str], float] = {}
        self._last_run: dict[str, float] = {}
        self.runs = 0

    def _graph(self, platform: str) -> Any:
        from cauterize.network.graph import InteractionGraph

        g = self._graphs.get(platform)
        if g is None:
            g = self._graphs[platform] = InteractionGraph(platform, self._half_life)
            self._seeds[platform] = {}
        return g

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        g = self._graph(event.platform)
        if isinstance(event, EnforcementApplied):
            why = self.seed_rule.why(event.action, event.reason)
            if why is not None:
                self._seeds[event.platform].setdefault(event.actor, why)
            g.node(event.actor, event.time.timestamp())
        else:
            g.add_event(event)
        t = event.time.timestamp()
        last = self._last_run.get(event.platform)
        if last is None:
            self._last_run[event.platform] = t
            return ()
        if t - last < self.every_s or not self._seeds[event.platform]:
            return ()
        self._last_run[event.platform] = t
        return self._run(g, event)

    def warm_up(self, event: Event, ctx: Context) -> None:
        # Replayed history: fold it in and mark what would have been reported, without reporting.
        for s in self.detect(event, ctx):
            self._reported[(s.platform, s.account_id)] = float(s.evidence["closeness"])

    def _run(self, g: Any, event: Event) -> list[Signal]:
        from cauterize.network.analysis import analyse

        self.runs += 1
        seeds = sorted(g.ids[k] for k in self._seeds[event.platform] if k in g.ids and k not in self.allowlist)
        allow = np.zeros(g.n, bool)
        for k in self.allowlist:
            if k in g.ids:
                allow[g.ids[k]] = True
        r = analyse(g, seeds, allow=allow, params=self.params)
        seed_set = set(seeds)
        cand = [i for i in r.members.tolist() if i not in seed_set]
        cand.sort(key=lambda i: -r.adjusted[i])
        out: list[Signal] = []
        when = datetime.fromtimestamp(g.now, UTC).isoformat() if g.now else None
        for i in cand:
            key = (event.platform, g.keys[i])
            close = float(r.adjusted[i])
            before = self._reported.get(key)
            if before is not None and close < 2 * before:
                continue
            self._reported[key] = close
            ev = r.evidence(i)
            ev["confirmed_seeds"] = len(seeds)
            ev["seed_rule"] = self.seed_rule.describe()
            ev["graph_as_of"] = when
            ev["review_only"] = "proximity to a confirmed network is a lead for review, never an action on its own"
            out.append(
                Signal(
                    detector=self.name,
                    detector_version=self.version,
                    label="network.proximity",
                    score=min(self.max_score, close),
                    platform=event.platform,
                    account_id=g.keys[i],
                    event_id=event.event_id,
                    evidence=ev,
                )
            )
            if len(out) >= self.max_signals:
                break
        return out
