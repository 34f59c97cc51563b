"""The naive ban-evasion rule, computed from the same events as the pipeline: the standing baseline.

A new account whose folded handle is within normalised edit distance ``MAX_DISTANCE`` (0.2) of a
suspended account's handle is flagged; its parent is the closest such handle (ties: the latest
suspension). The rule runs as a live system would: an account is checked when it appears (its
creation, or its first sighting on a platform that sends no creation events), when a young
account changes its handle, and, for accounts that appeared within ``LOOKBACK`` before a
suspension arrives, when the suspension arrives. Folding: case, script (``anyascii``) and a
leading ``@``; a domain handle (``name.bsky.social``) is compared by its first label.

cauterize must beat this rule on every world: ``cauterize eval --events`` prints both.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from cauterize.evaluation.decisions import DecisionRecord, SignalRecord
from cauterize.evasion.handles import ascii_fold
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    PostCreated,
    ProfileChanged,
    decode_event,
)

MAX_DISTANCE = 0.2
LOOKBACK = timedelta(days=14)
RULE = "naive-edit-distance"
_KINDS = (b'"account_created"', b'"profile_changed"', b'"enforcement"', b'"post_created"', b'"follow"')


def fold(handle: str) -> str:
    folded = ascii_fold(handle.strip().lstrip("@"))
    return folded.split(".", 1)[0] if "." in folded else folded


def _events(path: str | Path) -> Iterator[Event]:
    with Path(path).open("rb") as fp:
        for line in fp:
            if not any(k in line for k in _KINDS):
                continue
            try:
                yield decode_event(line)
            except (msgspec.ValidationError, msgspec.DecodeError):
                continue


class NaiveRule:
    def __init__(self) -> None:
        self.handle: dict[tuple[str, str], str] = {}
        self.appeared: dict[tuple[str, str], datetime] = {}
        self.creation_platforms: set[str] = set()
        #: (platform, folded handle, account, suspended at), in arrival order.
        self.suspended: list[tuple[str, str, str, datetime]] = []
        self._folded: list[str] = []
        self.recent: deque[tuple[datetime, tuple[str, str]]] = deque()
        self.flags: dict[tuple[str, str], tuple[datetime, str, float]] = {}

    def _closest(self, key: tuple[str, str], handle: str) -> tuple[str, float] | None:
        folded = fold(handle)
        best: tuple[float, int, str] | None = None
        hits = process.extract(
            folded, self._folded, scorer=Levenshtein.normalized_distance, score_cutoff=MAX_DISTANCE, limit=None
        )
        for other, d, i in hits:
            platform, _, acct, _ = self.suspended[i]
            if platform != key[0] or acct == key[1] or not other:
                continue
            if best is None or (d, -i) < (best[0], -best[1]):
                best = (d, i, acct)
        return (best[2], best[0]) if best else None

    def _check(self, key: tuple[str, str], at: datetime) -> None:
        if key in self.flags or key not in self.handle:
            return
        found = self._closest(key, self.handle[key])
        if found:
            self.flags[key] = (at, found[0], found[1])

    def _appear(self, key: tuple[str, str], at: datetime) -> None:
        if key in self.appeared:
            return
        self.appeared[key] = at
        self.recent.append((at, key))
        self._check(key, at)

    def feed(self, ev: Event) -> None:
        key = (ev.platform, ev.actor)
        at = ev.time
        if isinstance(ev, AccountCreated):
            self.creation_platforms.add(ev.platform)
            if ev.handle:
                self.handle[key] = ev.handle
            self._appear(key, at)
        elif isinstance(ev, ProfileChanged):
            renamed = bool(ev.handle) and self.handle.get(key) != ev.handle
            if ev.handle:
                self.handle[key] = ev.handle
            if key not in self.appeared and ev.platform not in self.creation_platforms:
                self._appear(key, at)
            elif renamed and key in self.appeared and at - self.appeared[key] <= LOOKBACK:
                self._check(key, at)
        elif isinstance(ev, PostCreated | Follow):
            if isinstance(ev, PostCreated):
                for m in ev.mentions:
                    if m.account_id and m.handle and (ev.platform, m.account_id) not in self.handle:
                        self.handle[(ev.platform, m.account_id)] = m.handle.lstrip("@")
            if key not in self.appeared and ev.platform not in self.creation_platforms:
                self._appear(key, at)
        elif isinstance(ev, EnforcementApplied) and ev.action in ("suspend", "delete"):
            handle = self.handle.get(key)
            folded = fold(handle) if handle else ""
            self.suspended.append((ev.platform, folded, ev.actor, at))
            self._folded.append(folded)
            while self.recent and self.recent[0][0] < at - LOOKBACK:
                self.recent.popleft()
            for _, other in self.recent:
                if other != key and other[0] == ev.platform:
                    self._check(other, at)

    def decisions(self) -> list[DecisionRecord]:
        out = []
        for (platform, acct), (at, parent, d) in sorted(self.flags.items(), key=lambda kv: (kv[1][0], kv[0])):
            signal = SignalRecord(
                detector="naive",
                label="evasion.naive",
                score=round(1.0 - d, 4),
                platform=platform,
                account_id=acct,
                evidence={"parent_account_id": parent, "rank": 1, "edit_distance": round(d, 4)},
            )
            out.append(DecisionRecord(platform, acct, "flag_for_review", at, rule=RULE, signals=(signal,)))
        return out


def naive_decisions(events_path: str | Path) -> list[DecisionRecord]:
    """The naive rule's flags over a canonical JSONL stream, as decision records."""
    rule = NaiveRule()
    for ev in _events(events_path):
        rule.feed(ev)
    return rule.decisions()
