"""Twitter API v2 compliance data: the compliance streams and batch compliance job results.

**Stream events** (``GET /2/users/compliance/stream``, ``GET /2/tweets/compliance/stream``),
one per line, ``{"data": {"<type>": {...}}}``, shapes as in the X API v2 OpenAPI schemas:

================================  ===============================================================
user_suspend / user_unsuspend     ``EnforcementApplied(action="suspend" / "unsuspend")``
user_delete / user_undelete       ``EnforcementApplied(action="delete" / "undelete")``
user_withheld                     ``EnforcementApplied(action="withhold")``, the countries in reason
user_protect / user_unprotect     ``ProfileChanged(protected=True / False)``
user_profile_modification         ``ProfileChanged`` with the one field set (``screen_name`` ->
                                  handle, ``name`` -> display_name, ``description`` -> bio,
                                  ``profile_image_url`` -> avatar_url); other fields (location,
                                  url) have no canonical form and yield nothing
delete                            ``PostDeleted`` (the author removed the post); the extra delete
                                  sent per quote tweet (``quote_tweet_id``) replays the same event
withheld                          ``EnforcementApplied(action="withhold", post_id=...)``
drop                              ``EnforcementApplied(action="remove_post", post_id=...)``
undrop, tweet_edit, scrub_geo     nothing: no canonical event says "post visible again", an
                                  edit arrives as a new tweet on the tweet stream, and geo is
                                  not modelled
================================  ===============================================================

The post stream's documented type names are ``delete``, ``withheld``, ``drop``, ``undrop`` and
``tweet_edit``; ``tweet_delete``, ``tweet_withheld``, ``tweet_drop`` and ``tweet_undrop`` are
read as the same events because earlier notes of this project used those names. Any other type
is a ``RecordError`` naming it. Event ids are ``compliance:<type>:<id>:<event_at>``.

**Job results** (``twarc2 compliance-job download``): ``{"id", "action": "delete", "created_at",
"redacted_at"?, "reason"}``. A line does not say whether its id is a user or a tweet, and no
heuristic on the line is safe: both kinds of id are snowflakes and ``created_at`` is the object's
own creation time in both. So the kind comes from the ``kind`` option, or the format name
``twitter-compliance-users`` / ``twitter-compliance-tweets``; else (``--format twitter-compliance``
or ``auto``) from what the id is already known as: a post (``tweet_authors`` finds its author)
makes a tweets result, an account (``known_account``) a users result. A job is run on ids one
holds, so they are known; an id known as neither is a ``RecordError`` that says to name the kind.

* users: ``suspended`` -> suspend, ``deleted``/``deactivated`` -> delete, ``protected`` ->
  ``ProfileChanged(protected=True)``, ``scrub_geo`` -> nothing.
* tweets: ``deleted`` -> ``PostDeleted``; ``suspended``/``deactivated``/``protected`` are about
  the author and give the same account event as a users job would (same event id, so both
  dedupe). A result line does not name the author: it comes from ``tweet_authors`` (a mapping or
  a function, e.g. a store lookup); a tweet whose author is unknown is a ``RecordError``.
* time: ``redacted_at`` when given, else the ``observed_at`` option (when the job ran), else
  ``created_at``, which only bounds the action from below. Event ids never include
  ``observed_at``, so downloading the same result twice replays the same events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Literal

import msgspec

from cauterize.events import EnforcementApplied, Event, PostDeleted, ProfileChanged
from cauterize.ingest.base import Adapter, NotYetKnown, RecordError, Reject
from cauterize.ingest.twitter_v2 import PLATFORM, ItemError, describe_errors, format_time, parse_time

JobKind = Literal["users", "tweets"]

USER_ENFORCEMENT = {
    "user_suspend": "suspend",
    "user_unsuspend": "unsuspend",
    "user_delete": "delete",
    "user_undelete": "undelete",
}
USER_PROTECT = {"user_protect": True, "user_unprotect": False}
TWEET_TYPE_ALIASES = {
    "tweet_delete": "delete",
    "tweet_withheld": "withheld",
    "tweet_drop": "drop",
    "tweet_undrop": "undrop",
}
#: Known types that carry nothing the event model holds.
NO_CANONICAL_FORM = frozenset({"undrop", "tweet_edit", "scrub_geo"})
STREAM_TYPES = frozenset(
    {*USER_ENFORCEMENT, *USER_PROTECT, "user_withheld", "user_profile_modification", "delete", "withheld", "drop"}
    | NO_CANONICAL_FORM
    | set(TWEET_TYPE_ALIASES)
)
PROFILE_FIELDS = {
    "screen_name": "handle",
    "username": "handle",
    "name": "display_name",
    "description": "bio",
    "profile_image_url": "avatar_url",
}
JOB_REASONS = frozenset({"deleted", "suspended", "protected", "deactivated", "scrub_geo"})
_JOB_KEYS = frozenset({"id", "action", "created_at", "reason"})


def _require_str(obj: Any, key: str, where: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value:
        raise RecordError(f"missing {where}{key}" if value is None else f"{where}{key} is not a non-empty string")
    return value


def _time(obj: dict, key: str, where: str = "") -> datetime:
    if key not in obj:
        raise RecordError(f"missing {where}{key}")
    try:
        return parse_time(obj[key], where + key)
    except ItemError as exc:
        raise RecordError(str(exc)) from None


def countries_reason(countries: Any) -> str:
    codes = sorted(c for c in countries if isinstance(c, str)) if isinstance(countries, list) else []
    return "withheld in: " + ", ".join(codes) if codes else "withheld"


def _stream_event(etype: str, body: dict) -> list[Event]:
    etype = TWEET_TYPE_ALIASES.get(etype, etype)
    if etype in NO_CANONICAL_FORM:
        return []
    at = _time(body, "event_at", f"{etype}.")
    stamp = format_time(at)
    if etype.startswith("user_"):
        uid = _require_str(body.get("user"), "id", f"{etype}.user.")
        common: dict[str, Any] = {"platform": PLATFORM, "actor": uid, "time": at}
        event_id = f"compliance:{etype}:{uid}:{stamp}"
        if etype in USER_ENFORCEMENT:
            return [EnforcementApplied(event_id=event_id, action=USER_ENFORCEMENT[etype], **common)]  # type: ignore[arg-type]
        if etype in USER_PROTECT:
            return [ProfileChanged(event_id=event_id, protected=USER_PROTECT[etype], **common)]
        if etype == "user_withheld":
            reason = countries_reason(body.get("withheld_in_countries"))
            return [EnforcementApplied(event_id=event_id, action="withhold", reason=reason, **common)]
        # user_profile_modification
        name = _require_str(body, "profile_field", f"{etype}.")
        value = body.get("new_value")
        if not isinstance(value, str):
            raise RecordError(f"{etype}.new_value is not a string")
        target = PROFILE_FIELDS.get(name)
        if target is None:
            return []
        return [ProfileChanged(event_id=f"compliance:{etype}:{uid}:{name}:{stamp}", **{target: value}, **common)]
    tweet = body.get("tweet")
    post_id = _require_str(tweet, "id", f"{etype}.tweet.")
    author = _require_str(tweet, "author_id", f"{etype}.tweet.")
    common = {"platform": PLATFORM, "event_id": f"compliance:{etype}:{post_id}:{stamp}", "actor": author, "time": at}
    if etype == "delete":
        return [PostDeleted(post_id=post_id, **common)]
    if etype == "withheld":
        reason = countries_reason(body.get("withheld_in_countries"))
        return [EnforcementApplied(action="withhold", post_id=post_id, reason=reason, **common)]
    return [EnforcementApplied(action="remove_post", post_id=post_id, **common)]  # drop


def parse_stream_event(obj: dict) -> list[Event]:
    data = obj.get("data")
    if data is None and "errors" in obj:
        raise RecordError(describe_errors(obj["errors"]))
    if not isinstance(data, dict) or len(data) != 1:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise RecordError(f"expected one compliance event under 'data', got {keys}")
    etype, body = next(iter(data.items()))
    if etype not in STREAM_TYPES:
        raise RecordError(f"unknown compliance event type {etype!r}")
    if not isinstance(body, dict):
        raise RecordError(f"compliance event {etype!r} is {type(body).__name__}, not an object")
    return _stream_event(etype, body)


def is_job_result(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.keys() >= _JOB_KEYS and "data" not in obj


def _account_event(uid: str, reason: str, at: datetime, redacted: str | None) -> Event | None:
    event_id = f"compliance-job:user:{uid}:{reason}" + (f":{redacted}" if redacted else "")
    common: dict[str, Any] = {"platform": PLATFORM, "event_id": event_id, "actor": uid, "time": at}
    if reason == "suspended":
        return EnforcementApplied(action="suspend", reason=reason, **common)
    if reason in ("deleted", "deactivated"):
        return EnforcementApplied(action="delete", reason=reason, **common)
    if reason == "protected":
        return ProfileChanged(protected=True, **common)
    return None  # scrub_geo


#: Byte-level shapes for :meth:`TwitterCompliance.quick_check` (no decoding): a job result line,
#: and a stream event's ``{"data": {"<type>": {`` opening.
_JOB_LINE = re.compile(rb'"action"\s*:\s*"delete"')
_STREAM_OPENING = re.compile(rb'^\s*\{\s*"data"\s*:\s*\{\s*"([a-z_]+)"\s*:\s*\{')
_STREAM_TYPE_BYTES = frozenset(t.encode() for t in STREAM_TYPES)


def looks_like_compliance(data: bytes) -> bool:
    """Whether a line is shaped like a compliance job result or stream event (bytes only)."""
    opening = _STREAM_OPENING.match(data)
    if opening is not None:
        return opening.group(1) in _STREAM_TYPE_BYTES
    return _JOB_LINE.search(data) is not None and not data.lstrip().startswith(b'{"data"')


class TwitterCompliance(Adapter):
    name = "twitter-compliance"
    description = "Twitter API v2 compliance stream events and batch compliance job results"
    sniff_priority = 20

    def __init__(
        self,
        kind: JobKind | None = None,
        tweet_authors: Mapping[str, str] | Callable[[str], str | None] | None = None,
        observed_at: datetime | None = None,
        known_account: Callable[[str], bool] | None = None,
    ) -> None:
        if kind not in (None, "users", "tweets"):
            raise ValueError(f"kind must be 'users' or 'tweets', not {kind!r}")
        if observed_at is not None and observed_at.tzinfo is None:
            raise ValueError("observed_at must carry a time zone")
        self.kind = kind
        self.observed_at = observed_at
        if tweet_authors is None:
            self._author: Callable[[str], str | None] = lambda _: None
        elif isinstance(tweet_authors, Mapping):
            self._author = tweet_authors.get
        else:
            self._author = tweet_authors
        self._known_account = known_account

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        if is_job_result(obj):
            return True
        if not isinstance(obj, dict) or not isinstance(obj.get("data"), dict) or len(obj["data"]) != 1:
            return False
        return next(iter(obj["data"])) in STREAM_TYPES

    @classmethod
    def quick_check(cls, data: bytes) -> bool:
        return looks_like_compliance(data)

    def _job_kind(self, oid: str, at: datetime) -> JobKind:
        """A job result's kind: the one given, else what the id is known as (a post, an account)."""
        if self.kind is not None:
            return self.kind
        if self._known_account is None:
            raise RecordError(
                "a compliance job result does not say whether it is about users or tweets: "
                "use --format twitter-compliance-users or twitter-compliance-tweets"
            )
        if self._author(oid):
            return "tweets"
        if self._known_account(oid):
            return "users"
        raise NotYetKnown(
            f"compliance job result for id {oid}, neither a known account nor a known post: "
            "use --format twitter-compliance-users or twitter-compliance-tweets to say which",
            at,
        )

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
        if is_job_result(obj):
            return self._job_result(obj)
        return parse_stream_event(obj)

    def _job_result(self, obj: dict) -> list[Event]:
        oid = _require_str(obj, "id", "")
        if obj.get("action") != "delete":
            raise RecordError(f"unknown compliance job action {obj.get('action')!r}")
        reason = _require_str(obj, "reason", "")
        if reason not in JOB_REASONS:
            raise RecordError(f"unknown compliance job reason {reason!r}")
        redacted = format_time(_time(obj, "redacted_at")) if obj.get("redacted_at") is not None else None
        at = _time(obj, "redacted_at") if redacted else self.observed_at or _time(obj, "created_at")
        kind = self._job_kind(oid, at)
        if kind == "users":
            event = _account_event(oid, reason, at, redacted)
            return [event] if event else []
        if reason == "scrub_geo":
            return []
        author = self._author(oid)
        if not author:
            raise RecordError(
                f"author of tweet {oid} unknown: a tweets compliance job names the tweet, not its author, "
                "and the store does not hold that tweet; ingest the tweets (or the stream) first, or in the "
                "same run"
            )
        if reason == "deleted":
            event_id = f"compliance-job:tweet:{oid}:deleted" + (f":{redacted}" if redacted else "")
            return [PostDeleted(platform=PLATFORM, event_id=event_id, actor=author, time=at, post_id=oid)]
        event = _account_event(author, reason, at, redacted)
        return [event] if event else []


class TwitterComplianceUsers(TwitterCompliance):
    name = "twitter-compliance-users"
    description = "Twitter API v2 compliance job results for a users job (and compliance stream events)"

    def __init__(self, observed_at: datetime | None = None) -> None:
        super().__init__(kind="users", observed_at=observed_at)

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        return False  # the generic format claims these lines; this name is chosen explicitly


class TwitterComplianceTweets(TwitterCompliance):
    name = "twitter-compliance-tweets"
    description = "Twitter API v2 compliance job results for a tweets job (and compliance stream events)"

    def __init__(
        self,
        tweet_authors: Mapping[str, str] | Callable[[str], str | None] | None = None,
        observed_at: datetime | None = None,
    ) -> None:
        super().__init__(kind="tweets", tweet_authors=tweet_authors, observed_at=observed_at)

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        return False
