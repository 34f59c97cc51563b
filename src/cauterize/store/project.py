"""Projection: canonical events (and the signals/decisions about them) -> rows of the store's tables.

Pure: builds rows, touches no database. ``Batch.add`` is called once per *new* event (the
pipeline has already dropped event ids the store holds), so replaying an input adds nothing here.

Rows are tuples in the column order named by the ``*_COLUMNS`` constants below, with times and
JSON already in the form the database driver takes (the store hands the batch its encoders).
Building dictionaries and converting them value by value afterwards cost ingest more than
SQLite's own inserts (bench/ingest_throughput.py); one conversion of an event's time, reused by
every row the event makes, does not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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


def _same(v: Any) -> Any:
    return v


def _json(v: Any) -> str:
    return msgspec.json.encode(v).decode()


# Column order of each kind of row. Guarded updates name their parameters ``b_*``.
EVENT_COLUMNS = ("platform", "event_id", "kind", "actor", "event_time", "ingested_at", "run_id", "payload")
PAYLOAD = EVENT_COLUMNS.index("payload")
TOUCH_COLUMNS = ("platform", "account_id", "status", "first_seen", "last_seen", "created_at")
PROFILE_COLUMNS = ("b_platform", "b_account_id", "b_at", *(f"b_{n}" for n in _PROFILE_FIELDS), "b_lang")
STATUS_COLUMNS = ("b_platform", "b_account_id", "b_status", "b_at")
#: Sort key of the guarded updates: a batch holding two versions of an account must end on the newer.
GUARD_TIME = {"profiles": PROFILE_COLUMNS.index("b_at"), "statuses": STATUS_COLUMNS.index("b_at")}
POST_MARK_COLUMNS = ("b_platform", "b_post_id", "b_at")
HANDLE_COLUMNS = ("platform", "account_id", "handle", "handle_folded", "seen_at", "event_id")
POST_COLUMNS = (
    "platform",
    "post_id",
    "account_id",
    "created_at",
    "text",
    "lang",
    "hashtags",
    "mentions",
    "urls",
    "media",
    "reply_to_post",
    "reply_to_account",
    "quote_of_post",
    "quote_of_account",
    "repost_of_post",
    "repost_of_account",
    "event_id",
)
EDGE_COLUMNS = ("platform", "src", "dst", "kind", "event_time", "event_id", "post_id")
REPORT_COLUMNS = ("platform", "reporter", "target", "post_id", "reason", "event_time", "event_id")
ENFORCEMENT_COLUMNS = ("platform", "account_id", "action", "post_id", "reason", "event_time", "event_id")
SIGNAL_COLUMNS = (
    "platform",
    "account_id",
    "event_id",
    "post_id",
    "detector",
    "detector_version",
    "label",
    "score",
    "evidence",
    "event_time",
    "created_at",
)
DECISION_COLUMNS = (
    "platform",
    "account_id",
    "event_id",
    "post_id",
    "action",
    "policy",
    "policy_version",
    "rule",
    "reason",
    "evidence",
    "event_time",
    "decided_at",
)

Row = tuple[Any, ...]


@dataclass
class Batch:
    """Rows for one transaction, grouped by the statement that writes them."""

    ingested_at: datetime
    run_id: int | None = None
    #: How the database takes a time and a JSON value; the store supplies its dialect's.
    encode_time: Callable[[datetime], Any] = _same
    encode_json: Callable[[Any], Any] = _json
    events: list[Row] = field(default_factory=list)
    #: (platform, account_id) -> [first_seen, last_seen, created_at], encoded; one row per account per batch.
    touches: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    profiles: list[Row] = field(default_factory=list)
    statuses: list[Row] = field(default_factory=list)
    handles: list[Row] = field(default_factory=list)
    posts: list[Row] = field(default_factory=list)
    post_deletions: list[Row] = field(default_factory=list)
    post_removals: list[Row] = field(default_factory=list)
    edges: list[Row] = field(default_factory=list)
    reports: list[Row] = field(default_factory=list)
    enforcements: list[Row] = field(default_factory=list)
    signals: list[Row] = field(default_factory=list)
    decisions: list[Row] = field(default_factory=list)
    #: The last event's time, encoded, for the signals and decisions about it.
    _time: tuple[datetime | None, Any] = (None, None)

    def __post_init__(self) -> None:
        self._ingested = self.encode_time(self.ingested_at)

    def __len__(self) -> int:
        return len(self.events)

    def _t(self, t: datetime) -> Any:
        # Encoded times compare like the datetimes they encode (fixed-width UTC text on SQLite),
        # so the touch rows below take min/max over encoded values directly.
        if self._time[0] is not t:
            self._time = (t, self.encode_time(t))
        return self._time[1]

    def _touch(self, platform: str, account_id: str, t: Any, created: Any = None) -> None:
        key = (platform, account_id)
        cur = self.touches.get(key)
        if cur is None:
            self.touches[key] = [t, t, created]
            return
        if t < cur[0]:
            cur[0] = t
        if t > cur[1]:
            cur[1] = t
        if created is not None:
            cur[2] = created

    def touch_rows(self) -> list[Row]:
        return [(k[0], k[1], "active", v[0], v[1], v[2]) for k, v in self.touches.items()]

    def add(self, event: Event) -> None:
        p, actor = event.platform, event.actor
        t = self._t(event.time)
        self.events.append((p, event.event_id, event.kind, actor, t, self._ingested, self.run_id, encode_event(event)))
        self._touch(p, actor, t, t if type(event) is AccountCreated else None)
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, t)

    def _add_edge(self, e: Follow | Unfollow, t: Any) -> None:
        self.edges.append((e.platform, e.actor, e.target, e.kind, t, e.event_id, None))
        self._touch(e.platform, e.target, t)

    def _add_report(self, e: ReportFiled, t: Any) -> None:
        self.reports.append((e.platform, e.actor, e.target, e.post_id, e.reason, t, e.event_id))
        self._touch(e.platform, e.target, t)

    def _add_deletion(self, e: PostDeleted, t: Any) -> None:
        self.post_deletions.append((e.platform, e.post_id, t))

    def _add_post(self, e: PostCreated, t: Any) -> None:
        j = self.encode_json
        reply, quote, repost = e.reply_to, e.quote_of, e.repost_of
        self.posts.append(
            (
                e.platform,
                e.post_id,
                e.actor,
                t,
                e.text,
                e.lang,
                j(list(e.hashtags)) if e.hashtags else None,
                j(_refs(e.mentions)) if e.mentions else None,
                j(list(e.urls)) if e.urls else None,
                j(_refs(e.media)) if e.media else None,
                reply.post_id if reply else None,
                reply.account_id if reply else None,
                quote.post_id if quote else None,
                quote.account_id if quote else None,
                repost.post_id if repost else None,
                repost.account_id if repost else None,
                e.event_id,
            )
        )
        if reply is None and quote is None and repost is None and not e.mentions:
            return
        # Interaction edges carry direction: the graph work needs "who amplifies whom".
        p, src, eid, pid = e.platform, e.actor, e.event_id, e.post_id
        seen: set[tuple[str, str]] = set()
        for kind, ref in (("repost", repost), ("quote", quote), ("reply", reply)):
            if ref is not None and ref.account_id and (kind, ref.account_id) not in seen:
                seen.add((kind, ref.account_id))
                self.edges.append((p, src, ref.account_id, kind, t, eid, pid))
        for m in e.mentions:
            dst = m.account_id or f"@{fold_handle(m.handle)}"
            if ("mention", dst) not in seen:
                seen.add(("mention", dst))
                self.edges.append((p, src, dst, "mention", t, eid, pid))

    def _add_profile(self, e: AccountCreated | ProfileChanged, t: Any) -> None:
        fields = tuple(getattr(e, name, None) for name in _PROFILE_FIELDS)
        self.profiles.append((e.platform, e.actor, t, *fields, getattr(e, "lang", None)))
        if e.handle:
            self.handles.append((e.platform, e.actor, e.handle, fold_handle(e.handle), t, e.event_id))

    def _add_enforcement(self, e: EnforcementApplied, t: Any) -> None:
        self.enforcements.append((e.platform, e.actor, e.action, e.post_id, e.reason, t, e.event_id))
        # A withheld post is the post's status, not its author's (a tweet withheld in one country).
        status = None if e.post_id and e.action in ("withhold", "unwithhold") else STATUS_AFTER.get(e.action)
        if status is not None:
            self.statuses.append((e.platform, e.actor, status, t))
        elif e.action == "remove_post" and e.post_id:
            self.post_removals.append((e.platform, e.post_id, t))

    def add_signal(self, s: Signal, event_time: datetime) -> None:
        self.signals.append(
            (
                s.platform,
                s.account_id,
                s.event_id,
                s.post_id,
                s.detector,
                s.detector_version,
                s.label,
                float(s.score),
                self.encode_json(dict(s.evidence)),
                self._t(event_time),
                self._ingested,
            )
        )

    def add_decision(self, d: Decision, decided_at: datetime) -> None:
        self.decisions.append(
            (
                d.platform,
                d.account_id,
                d.event_id,
                d.post_id,
                d.action,
                d.policy,
                d.policy_version,
                d.rule,
                d.reason,
                self.encode_json(dict(d.evidence)),
                self._t(d.event_time),
                self._ingested if decided_at is self.ingested_at else self.encode_time(decided_at),
            )
        )


#: What each kind of event adds beyond its ``events`` row and the touch of its actor. Keyed by
#: exact type: one dict lookup per event instead of a chain of isinstance tests.
_HANDLERS: dict[type, Callable[[Batch, Any, Any], None]] = {
    PostCreated: Batch._add_post,
    AccountCreated: Batch._add_profile,
    ProfileChanged: Batch._add_profile,
    Follow: Batch._add_edge,
    Unfollow: Batch._add_edge,
    EnforcementApplied: Batch._add_enforcement,
    PostDeleted: Batch._add_deletion,
    ReportFiled: Batch._add_report,
}
