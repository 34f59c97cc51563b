"""Ban-evasion detector: links a new (or renamed) account to the suspended account it replaces.

The work is done by :class:`cauterize.evasion.engine.EvasionEngine`; this module only maps events
to it and links to signals. Label ``evasion.link``; evidence names the parent account, the
probability, each feature and its contribution, the independent lines of evidence, the trigger
and the runners-up. Label ``evasion.network_return``: a new account the network promotes right
after suspensions, with the candidate parents (review only). See docs/evasion.md.

Options (``[detectors.evasion]``): ``lookback_days`` (accounts that appeared or were renamed
this recently are scored again when a suspension arrives; 14), ``appearance`` (``auto``: an
account's first sighting is its appearance on platforms that never sent ``account_created``;
``creation``: only creation events; ``first_seen``: always).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.evasion import state
from cauterize.evasion.engine import EvasionEngine, Finding
from cauterize.evasion.handles import ascii_fold
from cauterize.evasion.model import LinkModel
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    PostCreated,
    ProfileChanged,
)

_PROFILE = ("handle", "display_name", "bio", "avatar_hash", "protected")


class EvasionDetector(Detector):
    name = "evasion"
    kinds = frozenset({"account_created", "profile_changed", "follow", "post_created", "enforcement"})
    cost_us = 8.0
    enabled_by_default = True
    history_kinds = kinds

    def __init__(
        self,
        model: str | None = None,
        report_at: float = 0.2,
        young_hours: float = 72.0,
        allowlist: list[str] | None = None,
        allowlist_file: str | None = None,
        max_profiles: int = 2_000_000,
        lookback_days: float = 14.0,
        appearance: str = "auto",
    ) -> None:
        allow = set(allowlist or ())
        if allowlist_file:
            allow |= {
                line.split("#", 1)[0].strip()
                for line in Path(allowlist_file).read_text(encoding="utf-8").splitlines()
                if line.split("#", 1)[0].strip()
            }
        link_model = LinkModel.load(model)
        self.version = link_model.version  # type: ignore[misc]
        self.engine = EvasionEngine(
            link_model,
            report_at=report_at,
            young_hours=young_hours,
            allowlist=allow,
            max_profiles=max_profiles,
            lookback_days=lookback_days,
            appearance=appearance,
        )

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        return [self._signal(event, link) for link in self.feed(self.engine, event)]

    def warm_up(self, event: Event, ctx: Context) -> None:
        self.feed(self.engine, event)

    # -- saved state (the pipeline's snapshots; see cauterize.evasion.state) --------------------

    def state_key(self) -> str:
        return state.state_key(self.engine)

    def dump_state(self) -> bytes:
        return state.dump(self.engine)

    def load_state(self, data: bytes) -> None:
        state.load(self.engine, data)

    @staticmethod
    def feed(engine: EvasionEngine, event: Event) -> list[Finding]:
        """Map one event to engine calls; the links and leads it produced (one per account re-scored)."""
        links: list[Finding | None] = []
        at = engine.clock(event.time)
        # Most frequent kinds first (the types are disjoint).
        if isinstance(event, PostCreated):
            links.append(engine.seen(event.actor, event.platform, at))
            engine.posted_lang(event.actor, event.lang)
            if event.hashtags:
                engine.tags.touch(event.actor, Counter).update(event.hashtags)
            targets = []
            for m in event.mentions:
                handle = m.handle.lstrip("@") if m.handle else ""
                target = m.account_id or (engine.handles.get(ascii_fold(handle)) if handle else None)
                if m.account_id and handle:
                    engine.learn_handle(m.account_id, handle)
                targets.append(target)
            if event.repost_of and event.repost_of.account_id:
                targets.append(event.repost_of.account_id)
            for target in dict.fromkeys(t for t in targets if t):
                links.append(engine.interaction(event.actor, target, at))
            links.append(engine.posted(event.actor, at, event.hashtags))
        elif isinstance(event, Follow):
            links.append(engine.seen(event.actor, event.platform, at))
            links.append(engine.interaction(event.actor, event.target, at))
        elif isinstance(event, AccountCreated | ProfileChanged):
            fields: dict[str, Any] = {k: getattr(event, k) for k in _PROFILE}
            if event.lang:
                fields["lang"] = event.lang
            if event.handle:
                engine.handles.put(ascii_fold(event.handle), event.actor)
            if isinstance(event, AccountCreated):
                engine.creation_platforms.add(event.platform)
                links.append(engine.account_created(event.actor, at, **fields))
            elif engine.first_seen_counts(event.platform) and not engine.has_appeared(event.actor):
                links.append(engine.appeared(event.actor, at, **fields))
            else:
                links.append(engine.profile_changed(event.actor, at, **fields))
        elif isinstance(event, EnforcementApplied):
            if event.action in ("suspend", "delete"):
                tags = engine.tags.get(event.actor)
                links.extend(engine.suspended(event.actor, event.platform, at, event.reason or event.action, tags))
            elif event.action in ("unsuspend", "undelete"):
                engine.unsuspended(event.actor)
        return [lk for lk in links if lk is not None]

    def _signal(self, event: Event, link: Finding) -> Signal:
        return Signal(
            detector=self.name,
            detector_version=self.version,
            label=link.label,
            score=round(link.probability, 6),
            platform=event.platform,
            account_id=link.account_id,
            event_id=event.event_id,
            post_id=event.post_id if isinstance(event, PostCreated) else None,
            evidence=link.evidence(),
        )
