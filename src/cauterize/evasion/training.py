"""Collecting labelled pairs for the link model from a stream whose lineage is known.

The engine follows the stream as it would in production; at every moment it would score an
account, each candidate it ranks becomes a row, labelled 1 when the candidate is the account's
true parent. Replaying the detector's own triggers (creation, promotion, first post, going
public) means the model learns from the evidence as it stands at those moments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cauterize.evasion.engine import EvasionEngine, Finding
from cauterize.evasion.features import evidence_lines
from cauterize.evasion.model import LinkModel
from cauterize.events import AccountCreated, EnforcementApplied, Event, Follow, PostCreated, ProfileChanged

#: The review threshold of the shipped configuration (``cauterize.toml``): training reports links
#: from it, so that what depends on earlier links is what production would see.
REPORT_AT = 0.2


@dataclass
class Pairs:
    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    triggers: Counter[str] = field(default_factory=Counter)
    #: Network-promoted newcomers (``returns.py``) without a reportable link: [others, replacements].
    returns: list[int] = field(default_factory=lambda: [0, 0])


class _Collecting(EvasionEngine):
    def __init__(  # type: ignore[no-untyped-def]
        self, parents: Mapping[str, str], pairs: Pairs, max_per_moment: int, report_at: float = REPORT_AT, **kw
    ):
        # Links are reported as production would (``report_at``), so that what depends on earlier
        # links (lineage, ``superseded``, ``already_replaced``) is what production would see.
        super().__init__(report_at=report_at, **kw)
        self._parents = parents
        self._pairs = pairs
        self._max = max_per_moment
        self._linked: set[str] = set()
        self._returned: set[str] = set()
        self._report_at = report_at

    def _score(self, acct: str, at: datetime, trigger: str) -> Finding | None:
        obs = self.observe(acct, at)
        if obs is not None and len(self.index):
            true_parent = self._parents.get(acct)
            ranked = self.rank(obs)
            for _p, fp, feats in ranked[: self._max]:
                self._pairs.rows.append(feats)
                self._pairs.labels.append(int(fp.account_id == true_parent))
                self._pairs.triggers[trigger] += 1
            if ranked and ranked[0][0] >= self._report_at and evidence_lines(ranked[0][2]):
                self._linked.add(acct)
            # Counted as production would report it: once, and only when no link came first.
            if acct not in self._linked and acct not in self._returned and self.network_returns(acct):
                self._returned.add(acct)
                self._pairs.returns[int(acct in self._parents)] += 1
        return super()._score(acct, at, trigger)


def feed(engine: EvasionEngine, event: Event) -> None:
    """The detector's mapping of events to engine calls, without signals (for training)."""
    from cauterize.detectors.evasion import EvasionDetector

    EvasionDetector.feed(engine, event)


def collect_pairs(
    events: Iterable[Event],
    parents: Mapping[str, str],
    *,
    model: LinkModel | None = None,
    allowlist: Iterable[str] = (),
    max_per_moment: int = 20,
) -> Pairs:
    pairs = Pairs()
    engine = _Collecting(parents, pairs, max_per_moment, model=model, allowlist=allowlist)
    for event in events:
        if isinstance(event, AccountCreated | ProfileChanged | Follow | PostCreated | EnforcementApplied):
            feed(engine, event)
    return pairs
