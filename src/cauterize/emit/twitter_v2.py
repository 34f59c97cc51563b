"""Canonical events back into Twitter API v2 shapes: twarc2 pages and compliance stream events.

The inverse of ``cauterize.ingest.twitter_v2`` and ``cauterize.ingest.twitter_compliance``,
for the simulator and for round-trip tests.

``encode_pages`` writes one twarc2 page (one JSON line) per ``page_size`` posts: the tweets in
``data``; in ``includes.users`` the authors, mentioned accounts and reference targets whose
profile is known, each as the latest profile built from the ``AccountCreated`` and
``ProfileChanged`` events seen so far in the stream; in ``includes.tweets`` the targets of
replies, quotes and retweets (the whole tweet if it went by earlier in the stream, else a
reference ``{"id", "author_id"}``); ``includes.media``; ``meta``; ``__twarc``. Accounts that never
appear on a page are written at the end as user-lookup pages (``data`` holding users).

``encode_compliance`` writes compliance stream events: enforcement (suspend, unsuspend, delete,
undelete, withhold; ``remove_post`` as ``drop``), ``PostDeleted`` as ``delete``, and
``ProfileChanged`` as ``user_protect``/``user_unprotect`` plus one
``user_profile_modification`` per stated handle, display name, bio or avatar.

What has no Twitter v2 form, and so goes to the ``on_skip(event, reason)`` callback instead of
the output: ``Follow``, ``Unfollow``, ``ReportFiled`` (Twitter publishes none of them in these
formats), enforcement and deletions in ``encode_pages`` (they belong to ``encode_compliance``),
posts and account creations in ``encode_compliance``, ``unwithhold``, and ``ProfileChanged``
events that state only follower counts or an avatar hash.

What does not survive a round trip (emit, then ingest): event ids (the adapters derive their
own: ``tweet:<id>``, ``user:<id>:created``, ``compliance:...``); sub-millisecond time;
``ProfileChanged`` events of a page stream (they come back as snapshots dated by the page);
``avatar_hash`` and ``lang`` of accounts; media hashes; audio and "other" media (no v2 type:
they come back as "other"); a missing media id (a media key is made up); enforcement reasons
other than withheld countries; the post of an account-level enforcement.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import msgspec

from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    MediaRef,
    PostCreated,
    PostDeleted,
    ProfileChanged,
)
from cauterize.ingest.twitter_v2 import format_time

SkipCallback = Callable[[Event, str], None]

_PROFILE_KEYS = ("handle", "display_name", "bio", "avatar_url", "protected", "followers_count", "following_count")
_MEDIA_TYPES = {"image": "photo", "video": "video", "gif": "animated_gif"}
_MEDIA_KEY_PREFIX = {"image": "3", "video": "7", "gif": "16"}
_REF_TYPES = (("reply_to", "replied_to"), ("quote_of", "quoted"), ("repost_of", "retweeted"))
_CACHED_POSTS = 50_000  # bounds memory on long simulated streams; older targets become references
_SEARCH_URL = "https://api.twitter.com/2/tweets/search/all"
_USERS_URL = "https://api.twitter.com/2/users"
_WITHHELD = re.compile(r"^withheld in: ([A-Z]{2}(?:, [A-Z]{2})*)")

_encoder = msgspec.json.Encoder()


def _ignore(event: Event, reason: str) -> None:
    pass


def _span(text: str, token: str, start: int = 0) -> tuple[int, int]:
    at = text.find(token, start)
    return (at, at + len(token)) if at >= 0 else (0, 0)


def _entities(post: PostCreated) -> dict[str, Any]:
    entities: dict[str, Any] = {}
    if post.hashtags:
        entities["hashtags"] = []
        for tag in post.hashtags:
            start, end = _span(post.text, "#" + tag)
            entities["hashtags"].append({"start": start, "end": end, "tag": tag})
    if post.mentions:
        entities["mentions"] = []
        for m in post.mentions:
            start, end = _span(post.text, "@" + m.handle)
            item: dict[str, Any] = {"start": start, "end": end, "username": m.handle}
            if m.account_id:
                item["id"] = m.account_id
            entities["mentions"].append(item)
    if post.urls:
        entities["urls"] = []
        for url in post.urls:
            start, end = _span(post.text, url)
            entities["urls"].append({"start": start, "end": end, "url": url, "expanded_url": url})
    return entities


def _media_key(post: PostCreated, index: int, media: MediaRef) -> str:
    return media.media_id or f"{_MEDIA_KEY_PREFIX.get(media.type, '3')}_{post.post_id}{index}"


def _media_object(key: str, media: MediaRef) -> dict[str, Any]:
    kind = _MEDIA_TYPES.get(media.type, media.type)
    item: dict[str, Any] = {"media_key": key, "type": kind}
    if media.url:
        item["url" if kind == "photo" else "preview_image_url"] = media.url
    return item


def tweet_object(post: PostCreated) -> dict[str, Any]:
    """One tweet as API v2 returns it with twarc2's default fields."""
    tweet: dict[str, Any] = {
        "id": post.post_id,
        "author_id": post.actor,
        "created_at": format_time(post.time),
        "text": post.text,
        "edit_history_tweet_ids": [post.post_id],
    }
    if post.lang:
        tweet["lang"] = post.lang
    entities = _entities(post)
    if entities:
        tweet["entities"] = entities
    if post.media:
        tweet["attachments"] = {"media_keys": [_media_key(post, i, m) for i, m in enumerate(post.media)]}
    refs = [(kind, getattr(post, slot)) for slot, kind in _REF_TYPES if getattr(post, slot) is not None]
    if refs:
        tweet["referenced_tweets"] = [{"type": kind, "id": ref.post_id} for kind, ref in refs]
    if post.reply_to is not None and post.reply_to.account_id:
        tweet["in_reply_to_user_id"] = post.reply_to.account_id
    return tweet


def user_object(uid: str, profile: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = {"id": uid}
    names = {"handle": "username", "display_name": "name", "bio": "description", "avatar_url": "profile_image_url"}
    for key, api_key in names.items():
        if profile.get(key) is not None:
            user[api_key] = profile[key]
    if profile.get("protected") is not None:
        user["protected"] = profile["protected"]
    if profile.get("created_at") is not None:
        user["created_at"] = format_time(profile["created_at"])
    metrics = {k: profile[k] for k in ("followers_count", "following_count") if profile.get(k) is not None}
    if metrics:
        user["public_metrics"] = metrics
    return user


class _PageWriter:
    """Stream state: profiles known so far, recent posts, accounts already written."""

    def __init__(self) -> None:
        self.profiles: dict[str, dict[str, Any]] = {}
        self.written_users: set[str] = set()
        #: post id -> (tweet object, its includes.media entries), for later reference targets
        self.posts: OrderedDict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = OrderedDict()

    def learn(self, event: AccountCreated | ProfileChanged) -> None:
        profile = self.profiles.setdefault(event.actor, {})
        if isinstance(event, AccountCreated):
            profile["created_at"] = event.time
        for key in _PROFILE_KEYS:
            value = getattr(event, key)
            if value is not None:
                profile[key] = value

    def remember(self, tweet: dict[str, Any], media: list[dict[str, Any]]) -> None:
        self.posts[tweet["id"]] = (tweet, media)
        self.posts.move_to_end(tweet["id"])
        if len(self.posts) > _CACHED_POSTS:
            self.posts.popitem(last=False)

    def page(self, posts: list[PostCreated]) -> bytes:
        data = [tweet_object(p) for p in posts]
        on_page = {t["id"] for t in data}
        accounts: dict[str, None] = {}
        ref_tweets: dict[str, dict[str, Any]] = {}
        media: list[dict[str, Any]] = []
        for post, tweet in zip(posts, data, strict=True):
            accounts[post.actor] = None
            accounts.update((m.account_id, None) for m in post.mentions if m.account_id)
            for slot, _ in _REF_TYPES:
                ref = getattr(post, slot)
                if ref is None or ref.post_id in on_page or ref.post_id in ref_tweets:
                    continue
                cached = self.posts.get(ref.post_id)
                target = cached[0] if cached else None
                if cached:
                    media.extend(cached[1])
                elif ref.account_id:
                    target = {"id": ref.post_id, "author_id": ref.account_id}
                if target is not None:
                    ref_tweets[ref.post_id] = target
                    accounts[target["author_id"]] = None
            keys = tweet.get("attachments", {}).get("media_keys", [])
            own_media = [_media_object(k, m) for k, m in zip(keys, post.media, strict=True)]
            media.extend(own_media)
            self.remember(tweet, own_media)
        users = [user_object(uid, self.profiles[uid]) for uid in accounts if uid in self.profiles]
        self.written_users.update(u["id"] for u in users)
        includes: dict[str, Any] = {}
        for key, value in (("users", users), ("tweets", list(ref_tweets.values())), ("media", media)):
            if value:
                includes[key] = value
        newest = max(posts, key=lambda p: p.time)
        oldest = min(posts, key=lambda p: p.time)
        page: dict[str, Any] = {
            "data": data,
            "includes": includes,
            "meta": {"result_count": len(data), "newest_id": newest.post_id, "oldest_id": oldest.post_id},
            "__twarc": {"url": _SEARCH_URL, "version": "cauterize", "retrieved_at": format_time(newest.time)},
        }
        return _encoder.encode(page)

    def user_pages(self, page_size: int) -> Iterator[bytes]:
        # A users-lookup page carries no time, so a reader can date a profile only by the user's
        # own created_at; profiles known only from changes (no creation seen) would be rejected.
        pending = [
            uid for uid, p in self.profiles.items() if uid not in self.written_users and p.get("created_at") is not None
        ]
        for start in range(0, len(pending), page_size):
            chunk = pending[start : start + page_size]
            users = [user_object(uid, self.profiles[uid]) for uid in chunk]
            twarc: dict[str, Any] = {"url": _USERS_URL, "version": "cauterize"}
            yield _encoder.encode({"data": users, "meta": {"result_count": len(users)}, "__twarc": twarc})


def encode_pages(events: Iterable[Event], page_size: int = 100, on_skip: SkipCallback | None = None) -> Iterator[bytes]:
    """twarc2-style search pages (one JSON line each, without the newline) from canonical events."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    skip = on_skip or _ignore
    writer = _PageWriter()
    pending: list[PostCreated] = []
    for event in events:
        if isinstance(event, AccountCreated | ProfileChanged):
            writer.learn(event)
        elif isinstance(event, PostCreated):
            pending.append(event)
            if len(pending) == page_size:
                yield writer.page(pending)
                pending = []
        else:
            skip(event, f"{event.kind} has no form in a Twitter v2 page")
    if pending:
        yield writer.page(pending)
    yield from writer.user_pages(page_size)


def _stream_line(etype: str, body: dict[str, Any], at: datetime) -> bytes:
    return _encoder.encode({"data": {etype: {**body, "event_at": format_time(at)}}})


def _countries(reason: str | None) -> list[str]:
    match = _WITHHELD.match(reason or "")
    return match.group(1).split(", ") if match else ["XX"]  # XX: Twitter's code for "everywhere"


_USER_ACTIONS = {
    "suspend": "user_suspend",
    "unsuspend": "user_unsuspend",
    "delete": "user_delete",
    "undelete": "user_undelete",
}
_PROFILE_FIELDS = (
    ("handle", "screen_name"),
    ("display_name", "name"),
    ("bio", "description"),
    ("avatar_url", "profile_image_url"),
)


def _enforcement_lines(event: EnforcementApplied) -> list[bytes]:
    user = {"user": {"id": event.actor}}
    if event.post_id is not None and event.action in ("withhold", "remove_post"):
        tweet = {"tweet": {"id": event.post_id, "author_id": event.actor}}
        if event.action == "remove_post":
            return [_stream_line("drop", tweet, event.time)]
        return [_stream_line("withheld", {**tweet, "withheld_in_countries": _countries(event.reason)}, event.time)]
    if event.action in _USER_ACTIONS:
        return [_stream_line(_USER_ACTIONS[event.action], user, event.time)]
    if event.action == "withhold":
        return [_stream_line("user_withheld", {**user, "withheld_in_countries": _countries(event.reason)}, event.time)]
    return []


def _profile_lines(event: ProfileChanged) -> list[bytes]:
    user = {"user": {"id": event.actor}}
    lines = []
    if event.protected is not None:
        lines.append(_stream_line("user_protect" if event.protected else "user_unprotect", user, event.time))
    for key, api_field in _PROFILE_FIELDS:
        value = getattr(event, key)
        if value is not None:
            body = {**user, "profile_field": api_field, "new_value": value}
            lines.append(_stream_line("user_profile_modification", body, event.time))
    return lines


def encode_compliance(events: Iterable[Event], on_skip: SkipCallback | None = None) -> Iterator[bytes]:
    """Compliance stream events (one JSON line each, without the newline) from canonical events."""
    skip = on_skip or _ignore
    for event in events:
        if isinstance(event, EnforcementApplied):
            lines = _enforcement_lines(event)
        elif isinstance(event, PostDeleted):
            body = {"tweet": {"id": event.post_id, "author_id": event.actor}}
            lines = [_stream_line("delete", body, event.time)]
        elif isinstance(event, ProfileChanged):
            lines = _profile_lines(event)
        else:
            lines = []
        if not lines:
            what = f"{event.kind} ({event.action})" if isinstance(event, EnforcementApplied) else event.kind
            skip(event, f"{what} has no form in a Twitter v2 compliance stream")
        yield from lines
