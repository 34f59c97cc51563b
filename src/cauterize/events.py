"""The canonical event model: what every adapter produces and every detector reads.

This module is a leaf: it imports nothing else from cauterize, so adapters, detectors,
the store and the simulator can all depend on it without dragging each other in.

Accounts are keyed by ``(platform, account id)``: handles change, ids do not. Every event
carries the platform, a platform-unique event id (replaying an event id is a no-op), the
actor account id and the event time (timezone-aware UTC).

Events are ``msgspec`` structs, tagged by ``kind``. Decoding a canonical JSONL line validates
types and fails with a message that names the offending field, which is what ends up in
the dead-letter table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

SCHEMA_VERSION = 1

#: Times must carry a timezone: a naive time from an adapter is a bug, not a guess to make.
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

# Every struct here is ``gc=False``: events are frozen trees of strings, numbers, times and
# other such structs, so they cannot be part of a reference cycle, and leaving a batch's
# hundred thousand of them out of the cycle collector's scans was worth 10% of ingest time
# (bench/ingest_throughput.py). Do not give an event a field that could refer back to it.


class MediaRef(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A photo, video, GIF or audio attached to a post."""

    media_id: str | None = None
    type: Literal["image", "video", "gif", "audio", "other"] = "other"
    url: str | None = None
    #: Hashes known for the file, keyed by algorithm ("sha256", "md5", "pdq", "vpdq", ...).
    hashes: dict[str, str] = {}


class Mention(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A mention of another account. The id is unknown on some platforms until resolved."""

    handle: str
    account_id: str | None = None


class PostRef(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """A reference to another post: the target of a reply, quote or repost."""

    post_id: str
    account_id: str | None = None


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind", omit_defaults=True, gc=False):
    """Fields common to every event."""

    platform: NonEmpty
    event_id: NonEmpty
    actor: NonEmpty
    time: AwareDatetime
    v: int = SCHEMA_VERSION

    @property
    def kind(self) -> str:
        return self.__struct_config__.tag  # type: ignore[return-value]

    @property
    def account_key(self) -> tuple[str, str]:
        return (self.platform, self.actor)


#: What the store's columns hold on every database: a language tag (BCP 47 tags in use are far
#: shorter) and a count that fits a 32-bit column. Checked here, once, so SQLite and PostgreSQL
#: refuse the same values (SQLite would store anything; PostgreSQL would fail a whole batch).
MAX_LANG = 16
MAX_COUNT = 2**31 - 1


def _check_profile(e: AccountCreated | ProfileChanged) -> None:
    for name in ("followers_count", "following_count"):
        n = getattr(e, name)
        if n is not None and not 0 <= n <= MAX_COUNT:
            raise ValueError(f"{name} {n} is outside 0..{MAX_COUNT}")
    _check_lang(e.lang)


def _check_lang(lang: str | None) -> None:
    if lang is not None and len(lang) > MAX_LANG:
        raise ValueError(f"lang {lang[:40]!r} is longer than {MAX_LANG} characters: not a language tag")


class AccountCreated(Event, frozen=True, tag="account_created"):
    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    avatar_hash: str | None = None
    protected: bool = False
    lang: str | None = None
    followers_count: int | None = None
    following_count: int | None = None
    #: Identity signals a replacement often carries over (see docs/events.md): free-text place,
    #: the profile's link, links in the bio, profile name/value fields (Mastodon), the pinned post,
    #: the header image, and the platform's verified and bot flags.
    location: str | None = None
    url: str | None = None
    bio_urls: tuple[str, ...] = ()
    profile_fields: dict[str, str] = {}
    pinned_post_id: str | None = None
    header_url: str | None = None
    header_hash: str | None = None
    verified: bool | None = None
    bot: bool | None = None

    def __post_init__(self) -> None:
        _check_profile(self)


class ProfileChanged(Event, frozen=True, tag="profile_changed"):
    """A profile change or a profile snapshot; ``None`` means "not stated", not "cleared"."""

    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    avatar_hash: str | None = None
    protected: bool | None = None
    followers_count: int | None = None
    following_count: int | None = None
    #: The account's language when the platform states it or its posts show it.
    lang: str | None = None
    location: str | None = None
    url: str | None = None
    bio_urls: tuple[str, ...] = ()
    profile_fields: dict[str, str] = {}
    pinned_post_id: str | None = None
    header_url: str | None = None
    header_hash: str | None = None
    verified: bool | None = None
    bot: bool | None = None

    def __post_init__(self) -> None:
        _check_profile(self)


class PostCreated(Event, frozen=True, tag="post_created"):
    """A post, reply, quote or repost (a repost has ``repost_of`` and usually no text of its own)."""

    post_id: NonEmpty
    text: str = ""
    lang: str | None = None
    media: tuple[MediaRef, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    urls: tuple[str, ...] = ()
    reply_to: PostRef | None = None
    quote_of: PostRef | None = None
    repost_of: PostRef | None = None
    #: Countries where the platform withholds this post (a post's status, not the account's).
    withheld_in: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.lang is not None and len(self.lang) > MAX_LANG:
            _check_lang(self.lang)


class PostDeleted(Event, frozen=True, tag="post_deleted"):
    """The author removed a post (a platform removal is an :class:`EnforcementApplied`)."""

    post_id: NonEmpty


class Follow(Event, frozen=True, tag="follow"):
    target: NonEmpty


class Unfollow(Event, frozen=True, tag="unfollow"):
    target: NonEmpty


class ReportFiled(Event, frozen=True, tag="report_filed"):
    """A user report: ``actor`` is the reporter, ``target`` the reported account."""

    target: NonEmpty
    post_id: str | None = None
    reason: str | None = None


EnforcementAction = Literal["suspend", "unsuspend", "delete", "undelete", "withhold", "unwithhold", "remove_post"]


class EnforcementApplied(Event, frozen=True, tag="enforcement"):
    """The platform acted on ``actor`` (the account acted upon), e.g. a suspension."""

    action: EnforcementAction
    post_id: str | None = None
    reason: str | None = None


AnyEvent = (
    AccountCreated | ProfileChanged | PostCreated | PostDeleted | Follow | Unfollow | ReportFiled | EnforcementApplied
)

EVENT_TYPES: tuple[type[Event], ...] = (
    AccountCreated,
    ProfileChanged,
    PostCreated,
    PostDeleted,
    Follow,
    Unfollow,
    ReportFiled,
    EnforcementApplied,
)
EVENT_KINDS: frozenset[str] = frozenset(t.__struct_config__.tag for t in EVENT_TYPES)  # type: ignore[misc]

# Each event type's kind as a plain class attribute, shadowing the property above: the hot
# path reads it several times per event, and the property's lookup costs three times as much.
for _t in EVENT_TYPES:
    _t.kind = _t.__struct_config__.tag  # type: ignore[misc, assignment]
del _t

_decoder = msgspec.json.Decoder(AnyEvent)
_encoder = msgspec.json.Encoder()


def decode_event(data: bytes | str) -> AnyEvent:
    """Decode one canonical JSON event; raises ``msgspec.ValidationError``/``DecodeError``."""
    return _decoder.decode(data)


def encode_event(event: Event) -> bytes:
    return _encoder.encode(event)


def to_builtins(event: Event) -> dict:
    return msgspec.to_builtins(event)


def json_schema() -> dict:
    """The JSON Schema of one canonical JSONL line (published in docs/event-schema.json)."""
    return msgspec.json.schema(AnyEvent)


if __name__ == "__main__":  # python -m cauterize.events > docs/event-schema.json
    import json
    import sys

    json.dump(json_schema(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
