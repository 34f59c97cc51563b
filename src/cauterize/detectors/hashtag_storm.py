"""Hashtag storms: a hashtag whose use jumps, carried mostly by accounts already flagged.

Coordinated pushes show up as a tag that goes from a trickle to a flood within minutes, with
most of the flood from accounts that other detectors (or moderators) have already flagged. A
jump alone is not enough (news makes tags jump) and flagged accounts using a tag is not
enough (they use ordinary tags too); the detector wants both.

Per tag it counts uses in time buckets (``bucket_minutes``); the rate is the uses in the last
``window_minutes``, the baseline the mean per window over the preceding ``baseline_hours`` (over
the part of them the tag has been seen in)
(plus ``baseline_floor`` so a brand-new tag needs real volume). A storm is rate >=
``min_uses`` and rate >= ``jump`` x baseline, with at least ``min_flagged_share`` of the
window's distinct accounts flagged. Each post in a storm from a flagged account gets a
``storm.hashtag`` signal naming the tag, the counts and the share; one signal per tag per
account per window.

An account counts as flagged when the context says so (``ctx.has_signals(platform, id)`` if the
pipeline offers it), its stored status is not ``active``, or :meth:`mark_flagged` was called.

State is in memory and per process: the buckets, the distinct-account sets of the current
window and the flagged set. Two worker processes each see half the storm; a restart starts
from the history the pipeline replays (``history_kinds``). It is bounded: at most
``max_tags`` tags (the least recently used go first), buckets older than the baseline are
dropped, and the flagged set holds at most ``max_flagged`` accounts.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.detectors.watchlist import fold
from cauterize.events import Event, PostCreated


@dataclass(slots=True)
class _Tag:
    #: (bucket number, uses, uses by flagged accounts), oldest first.
    buckets: deque[list[int]] = field(default_factory=deque)
    #: bucket number -> distinct accounts and flagged accounts seen in it (window buckets only).
    accounts: dict[int, tuple[set[str], set[str]]] = field(default_factory=dict)
    reported: dict[str, int] = field(default_factory=dict)
    #: First bucket this tag was seen in: the baseline averages over the time actually observed.
    first: int | None = None


class HashtagStormDetector(Detector):
    name = "hashtag_storm"
    version = "1"
    kinds = frozenset({"post_created"})
    cost_us = 8.0
    enabled_by_default = False
    history_kinds = frozenset({"post_created"})

    def __init__(
        self,
        bucket_minutes: float = 5,
        window_minutes: float = 30,
        baseline_hours: float = 24,
        jump: float = 5.0,
        min_uses: int = 20,
        min_flagged_share: float = 0.5,
        baseline_floor: float = 2.0,
        flagged_statuses: Iterable[str] = ("suspended", "flagged", "withheld", "deleted"),
        max_tags: int = 50_000,
        max_flagged: int = 1_000_000,
    ) -> None:
        if window_minutes < bucket_minutes or baseline_hours * 60 < window_minutes:
            raise ValueError("need bucket_minutes <= window_minutes <= baseline_hours * 60")
        self.bucket_s = bucket_minutes * 60
        self.window_buckets = max(1, round(window_minutes / bucket_minutes))
        self.baseline_buckets = max(self.window_buckets, round(baseline_hours * 60 / bucket_minutes))
        self.jump = jump
        self.min_uses = min_uses
        self.min_flagged_share = min_flagged_share
        self.baseline_floor = baseline_floor
        self.flagged_statuses = frozenset(flagged_statuses)
        self.max_tags = max_tags
        self.max_flagged = max_flagged
        self._tags: OrderedDict[str, _Tag] = OrderedDict()
        self._flagged: OrderedDict[tuple[str, str], None] = OrderedDict()

    def mark_flagged(self, platform: str, account_id: str) -> None:
        key = (platform, account_id)
        self._flagged[key] = None
        self._flagged.move_to_end(key)
        while len(self._flagged) > self.max_flagged:
            self._flagged.popitem(last=False)

    def is_flagged(self, platform: str, account_id: str, ctx: Context | None) -> bool:
        if (platform, account_id) in self._flagged:
            return True
        if ctx is None:
            return False
        has_signals = getattr(ctx, "has_signals", None)
        if has_signals is not None and has_signals(platform, account_id):
            return True
        acct = ctx.account(platform, account_id)
        return acct is not None and getattr(acct, "status", "active") in self.flagged_statuses

    def state_size(self) -> dict[str, int]:
        return {
            "tags": len(self._tags),
            "buckets": sum(len(t.buckets) for t in self._tags.values()),
            "flagged": len(self._flagged),
        }

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        if not isinstance(event, PostCreated) or not event.hashtags:
            return ()
        bucket = int(event.time.timestamp() // self.bucket_s)
        flagged = self.is_flagged(event.platform, event.actor, ctx)
        out = []
        for raw in dict.fromkeys(fold(t.lstrip("#")) for t in event.hashtags):
            if not raw:
                continue
            tag = self._tag(f"{event.platform}\x00{raw}")
            self._count(tag, bucket, event.actor, flagged)
            if flagged:
                storm = self._storm(tag, bucket)
                if storm is not None and tag.reported.get(event.actor, -(10**12)) <= bucket - self.window_buckets:
                    tag.reported[event.actor] = bucket
                    out.append(self._signal(event, raw, storm))
        return out

    def _tag(self, key: str) -> _Tag:
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = _Tag()
            while len(self._tags) > self.max_tags:
                self._tags.popitem(last=False)
        else:
            self._tags.move_to_end(key)
        return tag

    def _count(self, tag: _Tag, bucket: int, actor: str, flagged: bool) -> None:
        if tag.buckets and tag.buckets[-1][0] == bucket:
            row = tag.buckets[-1]
        elif tag.buckets and tag.buckets[-1][0] > bucket:
            # Late event: count it where it belongs if that bucket is still held.
            row = next((b for b in tag.buckets if b[0] == bucket), None)  # type: ignore[assignment]
            if row is None:
                return
        else:
            row = [bucket, 0, 0]
            tag.buckets.append(row)
        row[1] += 1
        row[2] += flagged
        if tag.first is None or bucket < tag.first:
            tag.first = bucket
        accts, flagged_accts = tag.accounts.setdefault(bucket, (set(), set()))
        accts.add(actor)
        if flagged:
            flagged_accts.add(actor)
        newest = tag.buckets[-1][0]
        while tag.buckets and tag.buckets[0][0] <= newest - self.baseline_buckets - self.window_buckets:
            tag.buckets.popleft()
        for b in [b for b in tag.accounts if b <= newest - self.window_buckets]:
            del tag.accounts[b]
        for a in [a for a, b in tag.reported.items() if b <= newest - self.window_buckets]:
            del tag.reported[a]

    def _storm(self, tag: _Tag, bucket: int) -> dict[str, Any] | None:
        lo = bucket - self.window_buckets
        base_lo = lo - self.baseline_buckets
        rate = sum(b[1] for b in tag.buckets if lo < b[0] <= bucket)
        if rate < self.min_uses:
            return None
        base_total = sum(b[1] for b in tag.buckets if base_lo < b[0] <= lo)
        # Averaged over the part of the baseline period the tag has been observed, so that a tag
        # seen for an hour is not compared against a day's worth of zeros.
        observed = min(self.baseline_buckets, lo - (tag.first if tag.first is not None else lo) + 1)
        baseline = base_total / (observed / self.window_buckets) if observed > 0 else 0.0
        if rate < self.jump * (baseline + self.baseline_floor):
            return None
        accts: set[str] = set()
        flagged: set[str] = set()
        for b, (a, f) in tag.accounts.items():
            if lo < b <= bucket:
                accts |= a
                flagged |= f
        share = len(flagged) / len(accts) if accts else 0.0
        if share < self.min_flagged_share:
            return None
        return {
            "uses_in_window": rate,
            "baseline_per_window": round(baseline, 3),
            "accounts_in_window": len(accts),
            "flagged_accounts_in_window": len(flagged),
            "flagged_share": round(share, 3),
        }

    def _signal(self, event: PostCreated, tag: str, storm: dict[str, Any]) -> Signal:
        ratio = storm["uses_in_window"] / (storm["baseline_per_window"] + self.baseline_floor)
        score = min(0.9, 0.3 + 0.3 * storm["flagged_share"] + 0.05 * min(ratio / self.jump, 6.0))
        return Signal(
            detector=self.name,
            detector_version=self.version,
            label="storm.hashtag",
            score=round(score, 4),
            platform=event.platform,
            account_id=event.actor,
            event_id=event.event_id,
            post_id=event.post_id,
            evidence={"hashtag": tag, "window_minutes": self.window_buckets * self.bucket_s / 60, **storm},
        )
