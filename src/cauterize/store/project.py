"""Projection: canonical events (and the signals/decisions about them) -> rows of the store's tables.

Pure: builds row dictionaries, touches no database. ``Batch.add`` is called once per *new*
event (the pipeline has already dropped event ids the store holds), so replaying an input
adds nothing here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from cauterize.detectors.base import Signal
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    PostCreated,
    PostDeleted,
    ProfileChanged,
    ReportFiled,
    Unfollow,
    encode_event,
)
from cauterize.policy.base import Decision

#: Enforcement actions that change an account's status, and the status they lead to.
STATUS_AFTER: dict[str, str] = {
    "suspend": "suspended",
    "unsuspend": "active",
    "delete": "deleted",
    "undelete": "active",
    "withhold": "withheld",
    "unwithhold": "active",
}

_PROFILE_FIELDS = (
    "handle",
    "display_name",
    "bio",
    "avatar_url",
    "avatar_hash",
    "protected",
    "followers_count",
    "following_count",
)


def fold_handle(handle: str) -> str:
    """The lookup form of a handle: ``@Ashen_Media`` and ``ashen_media`` are the same account name."""
    return unicodedata.normalize("NFKC", handle).lstrip("@").casefold()


def _refs(items: tuple[Any, ...]) -> list[Any] | None:
    return msgspec.to_builtins(items) if items else None


@dataclass
class Batch:
    """Rows for one transaction, grouped by the statement that writes them."""

    ingested_at: datetime
    run_id: int | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    #: (platform, account_id) -> [first_seen, last_seen, created_at]; one touch row per account per batch.
    touches: dict[tuple[str, str], list[datetime | None]] = field(default_factory=dict)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    handles: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    post_deletions: list[dict[str, Any]] = field(default_factory=list)
    post_removals: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)
    enforcements: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events)

    def _touch(self, platform: str, account_id: str, t: datetime, created: datetime | None = None) -> None:
        key = (platform, account_id)
        cur = self.touches.get(key)
        if cur is None:
            self.touches[key] = [t, t, created]
            return
        if t < cur[0]:  # type: ignore[operator]
            cur[0] = t
        if t > cur[1]:  # type: ignore[operator]
            cur[1] = t
        if created is not None:
            cur[2] = created

    def add(self, event: Event) -> None:
        p, actor, t = event.platform, event.actor, event.time
        self.events.append(
            {
                "platform": p,
                "event_id": event.event_id,
                "kind": event.kind,
                "actor": actor,
                "event_time": t,
                "ingested_at": self.ingested_at,
                "run_id": self.run_id,
                "payload": encode_event(event),
            }
        )
        self._touch(p, actor, t, t if isinstance(event, AccountCreated) else None)
        if isinstance(event, PostCreated):
            self._add_post(event)
        elif isinstance(event, AccountCreated | ProfileChanged):
            self._add_profile(event)
        elif isinstance(event, Follow | Unfollow):
            self._edge(event, event.target, event.kind)
            self._touch(p, event.target, t)
        elif isinstance(event, EnforcementApplied):
            self._add_enforcement(event)
        elif isinstance(event, PostDeleted):
            self.post_deletions.append({"b_platform": p, "b_post_id": event.post_id, "b_at": t})
        elif isinstance(event, ReportFiled):
            self.reports.append(
                {
                    "platform": p,
                    "reporter": actor,
                    "target": event.target,
                    "post_id": event.post_id,
                    "reason": event.reason,
                    "event_time": t,
                    "event_id": event.event_id,
                }
            )
            self._touch(p, event.target, t)

    def _edge(self, event: Event, dst: str, kind: str, post_id: str | None = None) -> None:
        self.edges.append(
            {
                "platform": event.platform,
                "src": event.actor,
                "dst": dst,
                "kind": kind,
                "event_time": event.time,
                "event_id": event.event_id,
                "post_id": post_id,
            }
        )

    def _add_post(self, e: PostCreated) -> None:
        self.posts.append(
            {
                "platform": e.platform,
                "post_id": e.post_id,
                "account_id": e.actor,
                "created_at": e.time,
                "text": e.text,
                "lang": e.lang,
                "hashtags": list(e.hashtags) or None,
                "mentions": _refs(e.mentions),
                "urls": list(e.urls) or None,
                "media": _refs(e.media),
                "reply_to_post": e.reply_to.post_id if e.reply_to else None,
                "reply_to_account": e.reply_to.account_id if e.reply_to else None,
                "quote_of_post": e.quote_of.post_id if e.quote_of else None,
                "quote_of_account": e.quote_of.account_id if e.quote_of else None,
                "repost_of_post": e.repost_of.post_id if e.repost_of else None,
                "repost_of_account": e.repost_of.account_id if e.repost_of else None,
                "event_id": e.event_id,
            }
        )
        # Interaction edges carry direction: the graph work needs "who amplifies whom".
        seen: set[tuple[str, str]] = set()
        for kind, ref in (("repost", e.repost_of), ("quote", e.quote_of), ("reply", e.reply_to)):
            if ref is not None and ref.account_id and (kind, ref.account_id) not in seen:
                seen.add((kind, ref.account_id))
                self._edge(e, ref.account_id, kind, e.post_id)
        for m in e.mentions:
            dst = m.account_id or f"@{fold_handle(m.handle)}"
            if ("mention", dst) not in seen:
                seen.add(("mention", dst))
                self._edge(e, dst, "mention", e.post_id)

    def _add_profile(self, e: AccountCreated | ProfileChanged) -> None:
        row: dict[str, Any] = {"b_platform": e.platform, "b_account_id": e.actor, "b_at": e.time}
        for name in _PROFILE_FIELDS:
            row[f"b_{name}"] = getattr(e, name, None)
        row["b_lang"] = getattr(e, "lang", None)
        self.profiles.append(row)
        if e.handle:
            self.handles.append(
                {
                    "platform": e.platform,
                    "account_id": e.actor,
                    "handle": e.handle,
                    "handle_folded": fold_handle(e.handle),
                    "seen_at": e.time,
                    "event_id": e.event_id,
                }
            )

    def _add_enforcement(self, e: EnforcementApplied) -> None:
        self.enforcements.append(
            {
                "platform": e.platform,
                "account_id": e.actor,
                "action": e.action,
                "post_id": e.post_id,
                "reason": e.reason,
                "event_time": e.time,
                "event_id": e.event_id,
            }
        )
        status = STATUS_AFTER.get(e.action)
        if status is not None:
            self.statuses.append(
                {"b_platform": e.platform, "b_account_id": e.actor, "b_status": status, "b_at": e.time}
            )
        elif e.action == "remove_post" and e.post_id:
            self.post_removals.append({"b_platform": e.platform, "b_post_id": e.post_id, "b_at": e.time})

    def add_signal(self, s: Signal, event_time: datetime) -> None:
        self.signals.append(
            {
                "platform": s.platform,
                "account_id": s.account_id,
                "event_id": s.event_id,
                "post_id": s.post_id,
                "detector": s.detector,
                "detector_version": s.detector_version,
                "label": s.label,
                "score": float(s.score),
                "evidence": dict(s.evidence),
                "event_time": event_time,
                "created_at": self.ingested_at,
            }
        )

    def add_decision(self, d: Decision, decided_at: datetime) -> None:
        self.decisions.append(
            {
                "platform": d.platform,
                "account_id": d.account_id,
                "event_id": d.event_id,
                "post_id": d.post_id,
                "action": d.action,
                "policy": d.policy,
                "policy_version": d.policy_version,
                "rule": d.rule,
                "reason": d.reason,
                "evidence": dict(d.evidence),
                "event_time": d.event_time,
                "decided_at": decided_at,
            }
        )
