"""Cross-platform detector: links a new account on one platform to a suspended account on another.

The work is done by :class:`cauterize.actors.engine.CrossPlatformEngine`; this module maps events
to it and links to signals (label ``crossplatform.link``; evidence: the parent and its platform,
the announcing posts, the matching hashes and shared links, each platform's status and the
action available on each; always ``review_only``), and the network's announcements that name no
parent to leads (label ``crossplatform.lead``: the announcers, the suspended accounts they
promoted, the candidate parents; review only). See docs/cross-platform.md.

A signal belongs to the platform of the account it is about, and a decision to the platform of
the event it was made on: a link found on an event of another platform (an announcement on the
old platform naming the new account) waits for the next event of the account's own platform
(at most ``max_pending`` links wait; the oldest are dropped, counted in ``dropped``).

Options (``[detectors.crossplatform]``, off by default): ``report_at`` (0.5), ``young_days``
(accounts first seen this recently are scored; 30), ``aliases`` (platform -> family, e.g.
``{ sim = "twitter" }`` for a platform name the table in ``actors/refs.py`` does not know),
``allowlist`` / ``allowlist_file`` (accounts never counted as promoters), ``max_accounts``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cauterize.actors.engine import CrossLink, CrossPlatformEngine
from cauterize.actors.lead import NetworkLead
from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import AccountCreated, EnforcementApplied, Event, Follow, PostCreated, ProfileChanged

_PROFILE = ("handle", "display_name", "bio", "avatar_hash", "bio_urls", "profile_fields", "lang")


def media_hashes(event: PostCreated) -> list[str]:
    """Exact-file hashes comparable across platforms (sha256 and md5 of the file; PDQ when given)."""
    out = []
    for m in event.media:
        for algo in ("sha256", "md5", "pdq"):
            h = m.hashes.get(algo)
            if h:
                out.append(f"{algo}:{h.lower()}")
    return out


class CrossPlatformDetector(Detector):
    name = "crossplatform"
    version = "xp-5"
    kinds = frozenset({"account_created", "profile_changed", "follow", "post_created", "enforcement"})
    cost_us = 10.0
    enabled_by_default = False
    history_kinds = kinds

    def __init__(
        self,
        report_at: float = 0.5,
        young_days: float = 30.0,
        aliases: dict[str, str] | None = None,
        allowlist: list[str] | None = None,
        allowlist_file: str | None = None,
        max_accounts: int = 1_000_000,
        max_pending: int = 10_000,
    ) -> None:
        allow = set(allowlist or ())
        if allowlist_file:
            allow |= {
                s
                for line in Path(allowlist_file).read_text(encoding="utf-8").splitlines()
                if (s := line.split("#", 1)[0].strip())
            }
        self.engine = CrossPlatformEngine(
            report_at=report_at, young_days=young_days, max_accounts=max_accounts, aliases=aliases, allowlist=allow
        )
        self.pending: deque[CrossLink | NetworkLead] = deque(maxlen=max_pending)
        self.dropped = 0

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        found = self.feed(self.engine, event)
        out: list[Signal] = []
        if self.pending:
            waiting, self.pending = self.pending, deque(maxlen=self.pending.maxlen)
            found = [*waiting, *found]
        for link in found:
            if link.platform == event.platform:
                out.append(self._signal(event, link))
            else:
                if len(self.pending) == self.pending.maxlen:
                    self.dropped += 1
                self.pending.append(link)
        return out

    def warm_up(self, event: Event, ctx: Context) -> None:
        self.feed(self.engine, event)

    @staticmethod
    def feed(engine: CrossPlatformEngine, event: Event) -> list[CrossLink | NetworkLead]:
        """Map one event to engine calls; the links it produced."""
        at = engine.clock(event.time)
        if isinstance(event, AccountCreated | ProfileChanged):
            fields: dict[str, Any] = {k: getattr(event, k) for k in _PROFILE}
            return engine.profile(event.platform, event.actor, at, event.event_id, **fields)
        if isinstance(event, PostCreated):
            targets = []
            for m in event.mentions:
                handle = m.handle.lstrip("@") if m.handle else ""
                if m.account_id:
                    if handle:
                        engine.learn_handle(event.platform, m.account_id, handle, at)
                    targets.append(m.account_id)
                elif handle and (found := engine.resolve(event.platform, handle)):
                    targets.append(found)  # Mastodon mentions name a handle, rarely an id
            if event.repost_of and event.repost_of.account_id:
                targets.append(event.repost_of.account_id)
            return engine.post(
                event.platform,
                event.actor,
                at,
                event.event_id,
                event.post_id,
                event.text,
                event.lang,
                event.urls,
                media_hashes(event),
                dict.fromkeys(targets),
            )
        if isinstance(event, Follow):
            return engine.interaction(event.platform, event.actor, event.target, at)
        if isinstance(event, EnforcementApplied):
            if event.action in ("suspend", "delete"):
                return engine.suspend(event.platform, event.actor, at, event.reason or event.action)
            if event.action in ("unsuspend", "undelete"):
                engine.unsuspend(event.platform, event.actor)
        return []

    def _signal(self, event: Event, link: CrossLink | NetworkLead) -> Signal:
        return Signal(
            detector=self.name,
            detector_version=self.version,
            label=link.label,
            score=round(link.probability, 6),
            platform=link.platform,
            account_id=link.account_id,
            event_id=event.event_id,
            post_id=event.post_id if isinstance(event, PostCreated) and event.actor == link.account_id else None,
            evidence=link.evidence(),
        )
