"""Twitter API v2 responses as twarc2 writes them: one response page per line.

A page carries tweets in ``data`` (a list; a single object on filtered-stream lines) or users
(user lookups), with expansions under ``includes`` (``users``, ``tweets``, ``media``), plus
``meta``, ``errors`` and twarc's ``__twarc`` block. ``twarc2 flatten`` output (one tweet per
line with ``author``, ``in_reply_to_user`` and full referenced tweets folded in) is read too:
it is folded back into a page first, so both shapes go through one mapping.

Mapping (platform ``twitter``):

* every tweet, from ``data`` and from ``includes.tweets``, becomes one ``PostCreated`` with
  event id ``tweet:<id>``. An edited tweet is a new tweet id on Twitter (its
  ``edit_history_tweet_ids`` lists every version), so each version is its own post and its own
  event; a version seen again on a later page replays the same event id and dedupes.
  A retweet keeps its "RT @x: ..." text. ``lang`` is kept on every post: an account's language
  is derived from its posts (Twitter v2 states none for users).
* reply, quote and retweet come from ``referenced_tweets`` whether or not the target is in
  ``includes.tweets``: the post id is always known; the target's author comes from the included
  tweet, else ``in_reply_to_user_id`` (replies), the ``twitter.com/<handle>/status/<id>`` link a
  quote carries (quotes), or the leading "RT @handle:" (retweets), resolved to an id through the
  page's users and mentions. A handle that no id resolves is written ``@<folded handle>``, the
  same placeholder the store gives a mention without an id, so the edges meet on one node.
  Mentions carry ``entities.mentions[].id`` where the API gives it.
* ``withheld`` on a tweet is recorded on the post (``PostCreated.withheld_in``, the countries): a
  post's status, never the account's.
* every user, from ``includes.users`` or from user-lookup ``data``, becomes an
  ``AccountCreated`` (``user:<id>:created``, at the account's ``created_at``) and a
  ``ProfileChanged`` snapshot ``user:<id>:profile:<hash>``, the hash covering the identity fields
  (handle, display name, bio, avatar, protected, location, url, bio links, pinned post,
  verified). Identity signals: ``profile_image_url`` -> ``avatar_url`` and ``avatar_hash`` (see
  :func:`avatar_key`), ``description`` -> bio, ``location``, ``url`` -> ``url`` (the expanded link
  of ``entities.url`` when given), ``entities.description.urls`` -> ``bio_urls``,
  ``pinned_tweet_id`` -> ``pinned_post_id``, ``protected``, ``verified`` (or ``verified_type``
  other than "none"). Follower counts are left out of the hash on
  purpose: they drift on every page and would turn each sighting into a new event. The
  snapshot is dated by the newest tweet in the page's ``data``, else ``__twarc.retrieved_at``,
  else the newest expanded tweet, else the account's creation time. A known gap: a profile
  changed A -> B -> A replays A's event id, so the return to A is not a new event.
* ``withheld`` on a user becomes ``EnforcementApplied(action="withhold")``, the countries in its
  reason ("withheld in: DE, FR"), event id ``user:<id>:withheld:DE,FR``, dated like the profile
  snapshot.
* an ``errors`` entry saying "User has been suspended: [handle]" (the API reports a mentioned or
  requested user it will not return) becomes ``EnforcementApplied(action="suspend",
  reason="suspended")``, event id ``user:<actor>:suspended`` (one per account: every page that
  mentions the account reports it again, and a replay must not add events), dated by
  ``__twarc.retrieved_at`` (when the API said so), else like the profile snapshot. The actor is
  the resource id when it is an id; a username resolves through the page's users and mentions,
  else it becomes ``@<folded handle>`` (the store's placeholder for an account known by handle
  only) and a ``ProfileChanged`` (``user:@<handle>:handle``) gives that account its handle, so a
  replacement can be linked to it by name. This works on error-only lines too; an error-only
  line with no suspension in it stays a ``RecordError``.

Rejects and errors: a data tweet without ``id``/``author_id``/``created_at`` is a ``Reject``
(``where="data[i]"``) and the rest of the page is kept. An ``includes.tweets`` entry that has
``id`` and ``author_id`` but no ``created_at`` is read as a reference only (it names the author
of a reply, quote or retweet target) and makes no post. A line holding only ``errors`` (none of
them a suspension) is a ``RecordError`` naming the API's title and detail; a page with data and partial errors (a
referenced tweet not found, a mentioned user suspended) keeps its data. Tweet-count and list
pages carry no account or post and yield nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import msgspec

from cauterize.events import (
    EVENT_KINDS,
    AccountCreated,
    EnforcementApplied,
    Event,
    MediaRef,
    Mention,
    PostCreated,
    PostRef,
    ProfileChanged,
)
from cauterize.ingest.base import Adapter, RecordError, Reject

PLATFORM = "twitter"

MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "gif"}
# Media keys start with the media category; used when a key has no includes.media entry.
_MEDIA_KEY_PREFIXES = {"3": "image", "7": "video", "13": "video", "16": "gif"}
_REF_FIELDS = {"replied_to": "reply_to", "quoted": "quote_of", "retweeted": "repost_of"}
_MAX_ERRORS_NAMED = 3
_SUSPENDED = re.compile(r"User has been suspended: \[([^\]]+)\]")
#: ``profile_images/<upload id>/<name>_<size>.<ext>``: the size suffix is Twitter's rendition.
_TWIMG_AVATAR = re.compile(
    r"^https?://pbs\.twimg\.com/profile_images/(\d+)/([^/?#]+?)(?:_(?:normal|bigger|mini|reasonably_small|\d+x\d+))?(?:\.\w+)?(?:[?#].*)?$"
)
_DEFAULT_AVATAR = "/sticky/default_profile_images/"
_STATUS_LINK = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w{1,15})/status(?:es)?/(\d+)")
_RT_PREFIX = re.compile(r"^RT @(\w{1,15}):")


class ItemError(ValueError):
    """One item of a record is unusable; turned into a ``Reject`` by the caller."""


def parse_time(value: Any, name: str) -> datetime:
    """An ISO 8601 time with a zone (Twitter writes ``...Z`` or ``+00:00``) as aware UTC."""
    if not isinstance(value, str):
        raise ItemError(f"{name} is {type(value).__name__}, not a time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ItemError(f"{name} {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise ItemError(f"{name} {value!r} has no time zone")
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """Twitter's own time format (millisecond precision, ``Z``)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _id(obj: dict, key: str) -> str:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise ItemError(f"missing {key}" if value is None else f"{key} is not a non-empty string")
    return value


def _key(obj: dict) -> str | None:
    """The id for de-duplication; ``None`` for an id ``_id`` would refuse."""
    try:
        return _id(obj, "id")
    except ItemError:
        return None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def avatar_key(url: str | None) -> str | None:
    """A stable key of the uploaded avatar: ``twimg:<upload id>/<name>``, the same for every size.

    Not a perceptual hash: it names one upload, so the same picture uploaded again by a new
    account gets a new key. Where the image bytes are supplied a PDQ hash of them could stand in
    its place. The default avatar is no avatar (``None``): it would tie every account that has
    none. A URL of another shape keys as itself (``url:<url>``).
    """
    if not url:
        return None
    if _DEFAULT_AVATAR in url:
        return None
    match = _TWIMG_AVATAR.match(url)
    if match:
        return f"twimg:{match.group(1)}/{match.group(2)}"
    return f"url:{url}"


def handle_placeholder(handle: str) -> str:
    """``@<folded handle>``: how the store names an account known only by its handle.

    Must match ``cauterize.store.project.fold_handle`` (not imported: adapters know no store).
    """
    return "@" + unicodedata.normalize("NFKC", handle).lstrip("@").casefold()


def _expanded(urls: Any) -> list[str]:
    out = []
    for u in _dicts(urls):
        link = _opt_str(u.get("expanded_url")) or _opt_str(u.get("url"))
        if link:
            out.append(link)
    return out


def describe_errors(errors: Any) -> str:
    """The API's own words for a failed request, for the dead-letter reason."""
    items = _dicts(errors)
    parts = []
    for err in items[:_MAX_ERRORS_NAMED]:
        words = [w for w in (err.get("title"), err.get("detail") or err.get("message")) if isinstance(w, str) and w]
        parts.append(": ".join(words) or "untitled error")
    more = f" (and {len(items) - _MAX_ERRORS_NAMED} more)" if len(items) > _MAX_ERRORS_NAMED else ""
    return "Twitter API error: " + ("; ".join(parts) or "no detail given") + more


def _encode(obj: Any) -> bytes:
    return msgspec.json.encode(obj)


# --- item classification ---------------------------------------------------------------------


def _is_user(item: dict) -> bool:
    return "username" in item


def _is_tweet(item: dict) -> bool:
    return any(k in item for k in ("text", "author_id", "edit_history_tweet_ids", "referenced_tweets"))


def _is_other_resource(item: dict) -> bool:
    """Tweet counts and lists: valid twarc2 output with nothing for the event model."""
    return ("tweet_count" in item and "start" in item) or "member_count" in item or "owner_id" in item


def is_flat_tweet(obj: dict) -> bool:
    """A ``twarc2 flatten`` line: the tweet itself at the top, no ``data``/``includes``."""
    return "data" not in obj and "includes" not in obj and "id" in obj and _is_tweet(obj)


def unflatten(tweet: dict) -> dict:
    """Fold a flattened tweet back into a page so one mapping serves both shapes."""
    users: dict[str, dict] = {}
    tweets: dict[str, dict] = {}
    media: list[dict] = []

    def keep_user(user: Any) -> None:
        if isinstance(user, dict) and isinstance(user.get("id"), str) and "username" in user:
            users.setdefault(user["id"], {k: v for k, v in user.items() if k not in ("start", "end")})

    def visit(t: dict) -> dict:
        keep_user(t.get("author"))
        keep_user(t.get("in_reply_to_user"))
        t = {k: v for k, v in t.items() if k not in ("author", "in_reply_to_user", "__twarc")}
        entities = t.get("entities")
        if isinstance(entities, dict):
            for mention in _dicts(entities.get("mentions")):
                if "created_at" in mention or "name" in mention:  # flatten merges the user into the mention
                    keep_user(mention)
        attachments = t.get("attachments")
        if isinstance(attachments, dict):
            media.extend(_dicts(attachments.get("media")))
        refs = []
        for ref in _dicts(t.get("referenced_tweets")):
            refs.append({"type": ref.get("type"), "id": ref.get("id")})
            if _is_tweet(ref) and isinstance(ref.get("id"), str) and ref["id"] not in tweets:
                target = {k: v for k, v in ref.items() if k != "type"}
                tweets[ref["id"]] = target  # reserve first: referenced chains can loop back
                tweets[ref["id"]] = visit(target)
        if refs:
            t["referenced_tweets"] = refs
        return t

    top = visit(tweet)
    return {
        "data": [top],
        "includes": {"users": list(users.values()), "tweets": list(tweets.values()), "media": media},
        "__twarc": tweet.get("__twarc"),
    }


# --- the page ---------------------------------------------------------------------------------


@dataclass
class _Page:
    """Lookups across one page: what expansions resolve against."""

    tweets: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)  # lower-cased username -> user id
    mention_ids: dict[str, str] = field(default_factory=dict)  # lower-cased username -> id a mention gave
    media: dict[str, dict] = field(default_factory=dict)
    snapshot_time: datetime | None = None


def _media_ref(key: str, page: _Page) -> MediaRef:
    item = page.media.get(key)
    if item is None:
        return MediaRef(media_id=key, type=_MEDIA_KEY_PREFIXES.get(key.split("_", 1)[0], "other"))  # type: ignore[arg-type]
    url = _opt_str(item.get("url")) or _opt_str(item.get("preview_image_url"))
    return MediaRef(media_id=key, type=MEDIA_TYPES.get(item.get("type"), "other"), url=url)  # type: ignore[arg-type]


def _by_handle(handle: str, mentions: tuple[Mention, ...], page: _Page) -> str:
    """An account id for a handle: the page's users, then the post's mentions, else a placeholder."""
    found = page.handles.get(handle.lower())
    if found:
        return found
    for mention in mentions:
        if mention.account_id and mention.handle.lower() == handle.lower():
            return mention.account_id
    return handle_placeholder(handle)


def _retweeted_author(text: str, mentions: tuple[Mention, ...], page: _Page) -> str | None:
    """The author of a retweet's target, read from its "RT @handle:" prefix."""
    match = _RT_PREFIX.match(text)
    return _by_handle(match.group(1), mentions, page) if match else None


def _quoted_author(target_id: str, urls: list[str], mentions: tuple[Mention, ...], page: _Page) -> str | None:
    """The author of a quoted tweet, from the ``twitter.com/<handle>/status/<id>`` link a quote carries."""
    for link in urls:
        match = _STATUS_LINK.match(link)
        if match and match.group(2) == target_id:
            return _by_handle(match.group(1), mentions, page)
    return None


def _post(tweet: dict, page: _Page) -> PostCreated:
    post_id = _id(tweet, "id")
    author = _id(tweet, "author_id")
    if "created_at" not in tweet:
        raise ItemError("missing created_at")
    time = parse_time(tweet["created_at"], "created_at")
    text = _opt_str(tweet.get("text")) or ""
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        # Long posts: the full text and its entities live in note_tweet; "text" is cut short.
        text = note["text"]
        if isinstance(note.get("entities"), dict):
            entities = note["entities"]

    hashtags = tuple(h["tag"] for h in _dicts(entities.get("hashtags")) if isinstance(h.get("tag"), str))
    mentions = []
    for m in _dicts(entities.get("mentions")):
        handle = m.get("username")
        if not isinstance(handle, str) or not handle:
            continue
        account = _opt_str(m.get("id")) or page.handles.get(handle.lower())
        mentions.append(Mention(handle=handle, account_id=account))
    urls = _expanded([u for u in _dicts(entities.get("urls")) if "media_key" not in u])  # own media: in media
    attachments = tweet.get("attachments") if isinstance(tweet.get("attachments"), dict) else {}
    keys = attachments.get("media_keys") if isinstance(attachments.get("media_keys"), list) else []
    media = tuple(_media_ref(k, page) for k in keys if isinstance(k, str))

    refs: dict[str, PostRef] = {}
    for ref in _dicts(tweet.get("referenced_tweets")):
        slot = _REF_FIELDS.get(ref.get("type"))  # type: ignore[arg-type]
        target_id = _opt_str(ref.get("id"))
        if slot is None or not target_id or slot in refs:
            continue
        target = page.tweets.get(target_id)
        account = _opt_str(target.get("author_id")) if target else None
        if account is None:
            if slot == "reply_to":
                account = _opt_str(tweet.get("in_reply_to_user_id"))
            elif slot == "repost_of":
                account = _retweeted_author(_opt_str(tweet.get("text")) or text, tuple(mentions), page)
            else:
                account = _quoted_author(target_id, urls, tuple(mentions), page)
        refs[slot] = PostRef(post_id=target_id, account_id=account)

    return PostCreated(
        platform=PLATFORM,
        event_id=f"tweet:{post_id}",
        actor=author,
        time=time,
        post_id=post_id,
        text=text,
        lang=_opt_str(tweet.get("lang")),
        media=media,
        hashtags=hashtags,
        mentions=tuple(mentions),
        urls=tuple(urls),
        withheld_in=_withheld_countries(tweet.get("withheld")),
        **refs,
    )


def _withheld_countries(withheld: Any) -> tuple[str, ...]:
    if not isinstance(withheld, dict):
        return ()
    return tuple(sorted({c for c in withheld.get("country_codes") or () if isinstance(c, str)}))


def _withheld(withheld: dict) -> tuple[str, str]:
    """(reason, id suffix): the same countries give the same event, more countries a new one."""
    countries = sorted(c for c in withheld.get("country_codes") or [] if isinstance(c, str))
    reason = "withheld in: " + ", ".join(countries) if countries else "withheld"
    copyright = withheld.get("copyright") is True
    return (reason + " (copyright)" if copyright else reason), ",".join(countries) + (":copyright" if copyright else "")


#: The fields a profile snapshot's event id covers, in order. The first five were the whole
#: list before the identity signals were added; snapshots that state none of the others keep
#: their old ids, so replaying old data adds nothing for them.
_HASHED = ("handle", "display_name", "bio", "avatar_url", "protected")
_HASHED_SINCE_IDENTITY = ("location", "url", "bio_urls", "pinned_post_id", "verified")


def profile_hash(fields: dict[str, Any]) -> str:
    """Short and stable across runs and machines: a hash of the identity fields only."""
    values = [fields.get(k) for k in _HASHED]
    extra = [fields.get(k) or None for k in _HASHED_SINCE_IDENTITY]
    if any(v is not None for v in extra):
        values += extra
    return hashlib.sha256(_encode(values)).hexdigest()[:12]


def _verified(user: dict) -> bool | None:
    if isinstance(user.get("verified"), bool):
        return user["verified"]
    kind = user.get("verified_type")
    return kind != "none" if isinstance(kind, str) else None


def _user_events(user: dict, page: _Page) -> list[Event]:
    uid = _id(user, "id")
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), dict) else {}
    protected = user.get("protected") if isinstance(user.get("protected"), bool) else None
    entities = user.get("entities") if isinstance(user.get("entities"), dict) else {}
    url_entity = entities.get("url") if isinstance(entities.get("url"), dict) else {}
    bio_entity = entities.get("description") if isinstance(entities.get("description"), dict) else {}
    avatar = _opt_str(user.get("profile_image_url"))
    fields: dict[str, Any] = {
        "handle": _opt_str(user.get("username")),
        "display_name": _opt_str(user.get("name")),
        "bio": _opt_str(user.get("description")),
        "avatar_url": avatar,
        "protected": protected,
        "location": _opt_str(user.get("location")) or None,
        # the expanded link, not the t.co wrapper: two accounts' t.co links never match
        "url": next(iter(_expanded(url_entity.get("urls"))), None) or _opt_str(user.get("url")) or None,
        "bio_urls": tuple(_expanded(bio_entity.get("urls"))),
        "pinned_post_id": _opt_str(user.get("pinned_tweet_id")),
        "verified": _verified(user),
    }
    identity = {**fields, "avatar_hash": avatar_key(avatar)}
    counts = {
        "followers_count": _opt_int(metrics.get("followers_count")),
        "following_count": _opt_int(metrics.get("following_count")),
    }
    created = parse_time(user["created_at"], "created_at") if "created_at" in user else None
    snapshot_time = page.snapshot_time or created
    if snapshot_time is None:
        raise ItemError("user has no created_at and the page no time to date its profile by")
    events: list[Event] = []
    if created is not None:
        events.append(
            AccountCreated(
                platform=PLATFORM,
                event_id=f"user:{uid}:created",
                actor=uid,
                time=created,
                **{**identity, "protected": bool(protected)},
                **counts,
            )
        )
    events.append(
        ProfileChanged(
            platform=PLATFORM,
            event_id=f"user:{uid}:profile:{profile_hash(fields)}",
            actor=uid,
            time=snapshot_time,
            **identity,
            **counts,
        )
    )
    withheld = user.get("withheld")
    if isinstance(withheld, dict):
        reason, suffix = _withheld(withheld)
        events.append(
            EnforcementApplied(
                platform=PLATFORM,
                event_id=f"user:{uid}:withheld:{suffix}",
                actor=uid,
                time=snapshot_time,
                action="withhold",
                reason=reason,
            )
        )
    return events


def _reject(reason: str, where: str, item: Any) -> Reject:
    return Reject(reason=reason, where=where, raw=_encode(item))


def _newest(tweets: Iterable[dict]) -> datetime | None:
    newest = None
    for t in tweets:
        try:
            time = parse_time(t.get("created_at"), "created_at")
        except ItemError:
            continue
        newest = time if newest is None or time > newest else newest
    return newest


def _page_time(tweets: list[tuple[str, dict, bool]], twarc: Any) -> datetime | None:
    """When the page's profiles were true: its newest tweet, else when twarc fetched it.

    Expansions come last: on a user lookup they are pinned tweets, possibly years old, while
    ``retrieved_at`` is when the profiles were read.
    """
    newest = _newest(t for _, t, from_includes in tweets if not from_includes)
    if newest is None:
        newest = _retrieved_at(twarc)
    return newest or _newest(t for _, t, _ in tweets)


def _retrieved_at(twarc: Any) -> datetime | None:
    if isinstance(twarc, dict) and "retrieved_at" in twarc:
        with contextlib.suppress(ItemError):
            return parse_time(twarc["retrieved_at"], "__twarc.retrieved_at")
    return None


def _suspended_actor(err: dict, handle: str, page: _Page) -> str:
    """The suspended account's id: the resource id when it is one, else the handle resolved."""
    resource = _opt_str(err.get("resource_id")) or _opt_str(err.get("value")) or handle
    parameter = _opt_str(err.get("parameter")) or ""
    if resource.isdigit() and not parameter.endswith(("username", "usernames")):
        return resource
    found = page.handles.get(handle.lower()) or page.mention_ids.get(handle.lower())
    return found or handle_placeholder(handle)


def suspensions(errors: Any, page: _Page, time: datetime | None) -> list[Event]:
    """Events for the "User has been suspended: [handle]" entries of a page's ``errors``."""
    out: list[Event] = []
    seen: set[str] = set()
    for err in _dicts(errors):
        detail = err.get("detail") or err.get("message")
        match = _SUSPENDED.search(detail) if isinstance(detail, str) else None
        if match is None or err.get("resource_type", "user") != "user":
            continue
        if time is None:
            raise RecordError(f"a suspension is reported ({detail}) but the line has no time to date it by")
        handle = match.group(1).lstrip("@")
        actor = _suspended_actor(err, handle, page)
        if actor in seen:
            continue
        seen.add(actor)
        if actor.startswith("@"):
            # Known only by handle: state it, so that a replacement can be matched to it by name.
            out.append(
                ProfileChanged(
                    platform=PLATFORM, event_id=f"user:{actor}:handle", actor=actor, time=time, handle=handle
                )
            )
        out.append(
            EnforcementApplied(
                platform=PLATFORM,
                event_id=f"user:{actor}:suspended",
                actor=actor,
                time=time,
                action="suspend",
                reason="suspended",
            )
        )
    return out


def parse_page(page: dict) -> list[Event | Reject]:
    data = page.get("data")
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    if data is None and not includes:
        if "errors" in page:
            found = suspensions(page["errors"], _Page(), _retrieved_at(page.get("__twarc")))
            if found:
                return list(found)
            raise RecordError(describe_errors(page["errors"]))
        if isinstance(page.get("title"), str) and "type" in page:  # a bare API problem object
            raise RecordError(describe_errors([page]))
        if not any(k in page for k in ("meta", "__twarc", "matching_rules")):
            raise RecordError("not a Twitter API v2 page: no data, includes, meta or errors")
        return []  # e.g. a search page with no results: only meta
    if isinstance(data, dict):
        data_items: list[Any] = [data]
    elif isinstance(data, list):
        data_items = data
    elif data is None:
        data_items = []
    else:
        raise RecordError(f"'data' is {type(data).__name__}, neither a list nor an object")

    out: list[Event | Reject] = []
    tweets: list[tuple[str, dict, bool]] = []  # (where, tweet, from includes)
    users: list[tuple[str, dict]] = []
    for i, item in enumerate(data_items):
        where = f"data[{i}]"
        if not isinstance(item, dict):
            out.append(_reject(f"item is {type(item).__name__}, not an object", where, item))
        elif _is_user(item):
            users.append((where, item))
        elif _is_tweet(item):
            tweets.append((where, item, False))
        elif not _is_other_resource(item):
            out.append(_reject("neither a tweet nor a user", where, item))
    for kind in ("tweets", "users"):
        value = includes.get(kind)
        for i, item in enumerate(value if isinstance(value, list) else []):
            where = f"includes.{kind}[{i}]"
            if not isinstance(item, dict):
                out.append(_reject(f"item is {type(item).__name__}, not an object", where, item))
            elif kind == "tweets":
                tweets.append((where, item, True))
            else:
                users.append((where, item))

    page_index = _Page()
    for _, t, _ in tweets:
        if isinstance(t.get("id"), str):
            page_index.tweets.setdefault(t["id"], t)
    for _, u in users:
        if isinstance(u.get("id"), str):
            page_index.users.setdefault(u["id"], u)
            if isinstance(u.get("username"), str):
                page_index.handles.setdefault(u["username"].lower(), u["id"])
    for m in _dicts(includes.get("media")):
        if isinstance(m.get("media_key"), str):
            page_index.media.setdefault(m["media_key"], m)
    for _, t, _ in tweets:
        entities = t.get("entities")
        for m in _dicts(entities.get("mentions")) if isinstance(entities, dict) else ():
            if isinstance(m.get("username"), str) and isinstance(m.get("id"), str):
                page_index.mention_ids.setdefault(m["username"].lower(), m["id"])
    page_index.snapshot_time = _page_time(tweets, page.get("__twarc"))

    seen_users: set[str] = set()
    for where, user in users:
        uid = _key(user)
        if uid in seen_users:
            continue
        try:
            out.extend(_user_events(user, page_index))
        except ItemError as exc:
            out.append(_reject(str(exc), where, user))
            continue
        seen_users.add(uid)  # type: ignore[arg-type]  # _user_events succeeded, so the id is a string

    seen_tweets: set[str] = set()
    for where, tweet, from_includes in tweets:
        tid = _key(tweet)
        if tid in seen_tweets:
            continue
        if from_includes and "created_at" not in tweet and isinstance(tweet.get("author_id"), str) and tid:
            continue  # a reference-only expansion: it named an author, it makes no post
        try:
            post = _post(tweet, page_index)
        except ItemError as exc:
            out.append(_reject(str(exc), where, tweet))
            continue
        seen_tweets.add(post.post_id)
        out.append(post)
    if "errors" in page:
        time = _retrieved_at(page.get("__twarc")) or page_index.snapshot_time
        try:
            out.extend(suspensions(page["errors"], page_index, time))
        except RecordError as exc:  # the page's own items are good: lose only the undatable report
            out.append(_reject(str(exc), "errors", page["errors"]))
    return out


def _is_compliance_event(data: Any) -> bool:
    """A compliance-stream event also sits under ``data``; it has no id and one event-type key."""
    return (
        isinstance(data, dict) and "id" not in data and len(data) == 1 and isinstance(next(iter(data.values())), dict)
    )


class TwitterV2(Adapter):
    name = "twitter-v2"
    description = "Twitter API v2 response pages as written by twarc2 (also twarc2 flatten output)"
    sniff_priority = 10

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        if not isinstance(obj, dict) or (obj.get("kind") in EVENT_KINDS and "event_id" in obj):
            return False
        if "data" in obj and _is_compliance_event(obj["data"]):
            return False
        if "data" in obj or "includes" in obj or "__twarc" in obj:
            return True
        return is_flat_tweet(obj) or ("errors" in obj and isinstance(obj["errors"], list) and len(obj) <= 2)

    _looks_like_compliance: ClassVar[Callable[[bytes], bool] | None] = None

    @classmethod
    def quick_check(cls, data: bytes) -> bool:
        # A compliance event sits under "data" too and would read as a page of unknown items.
        # Imported on first use: the compliance module imports this one.
        check = TwitterV2._looks_like_compliance
        if check is None:
            from cauterize.ingest.twitter_compliance import looks_like_compliance

            check = TwitterV2._looks_like_compliance = looks_like_compliance
        return not check(data)

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
        if is_flat_tweet(obj):
            obj = unflatten(obj)
        return parse_page(obj)


def iter_events(lines: Iterable[bytes]) -> Iterator[Event | Reject]:
    """Every event of a sequence of lines (for tests and tools; the pipeline calls ``parse``)."""
    adapter = TwitterV2()
    for line in lines:
        if line.strip():
            yield from adapter.parse(line)
