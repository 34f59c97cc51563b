"""ActivityStreams 2.0 activities as delivered to an ActivityPub inbox -> canonical events.

A record is one activity, or a collection of them (``OrderedCollection``/``OrderedCollectionPage`` with
``orderedItems``, e.g. an outbox page or a Mastodon account archive's ``outbox.json``), where one bad
activity is a :class:`Reject` at ``orderedItems[i]`` and the others are kept.

Identity is the one :mod:`cauterize.ingest.mastodon` documents, so an inbox and the REST API agree:
platform ``"mastodon"`` (the fediverse is one network to a T&S team; Pleroma, Misskey, Friendica and
GoToSocial speak the same ActivityPub), account id = the actor's id URI, post id = the object's id, and the
same event ids (``status:<id>``, ``account:<id>:created``, ``account:<id>:profile:<hash>``). A Mastodon boost's
Status ``uri`` is its Announce id, so boosts agree too. Handle = ``preferredUsername@<host of the actor id>``
(a server that serves WebFinger under another domain than its actors gives a different handle than its
``acct``; rare, and the account id still matches). Actors and objects may be embedded objects or bare id
strings; both are read.

Mapping:

* Create{Note, Question, Article, Page, Image, Audio, Video, Event} -> PostCreated: text = ``summary`` (the
  content warning) then ``content`` (HTML, else the first ``contentMap`` value, else ``name``) as plain text;
  lang = the ``contentMap`` language; ``tag`` Hashtag -> hashtags, Mention -> mentions (``href`` is the actor
  id); links in the content that are not mentions or hashtags -> urls; ``attachment`` -> media by
  ``mediaType`` (``image/gif`` is a gif; ``blurhash`` is no perceptual hash and is not kept); ``inReplyTo`` ->
  reply_to; a quote (``quote``, ``quoteUrl``, ``quoteUri``, ``_misskey_quote``) -> quote_of. An embedded
  actor also gives its profile snapshot.
* Update{Note...} -> PostCreated for the edit (event id ``status:<id>:edit:<updated>``, so it is not taken
  for a replay); an update without ``updated`` (Mastodon's poll tallies) yields nothing.
* Announce -> PostCreated with ``repost_of`` and no text; an embedded object is also its own post. An
  Announce of an activity (a group relaying its members' posts, FEP-1b12) is read as that activity.
* Follow -> Follow; Undo{Follow} -> Unfollow; Undo{Announce} -> PostDeleted of the boost.
* Delete{Note or Tombstone} -> PostDeleted; when the embedded object's ``attributedTo`` is not the deleting
  actor (a group moderator, the author's instance), the post was taken down, not deleted by its author:
  EnforcementApplied(action="remove_post") on the author. Delete of the actor itself -> EnforcementApplied(action="delete"):
  the account is gone, whether by its owner or its home instance — ActivityPub does not say which, and for
  evasion tracking both mean the account's next name is a new account; the reason says so.
* Update{Person, Service, Application, Group, Organization} -> ProfileChanged (``name``, ``summary`` -> bio,
  ``icon`` -> avatar (``avatar_hash`` a stable key of the upload, see ``_profile.image_key``), ``image`` ->
  header, ``attachment`` PropertyValues -> ``profile_fields`` (HTML stripped), links of the summary and the
  fields -> ``bio_urls``, a ``Service`` or ``Application`` actor -> ``bot``, ``manuallyApprovesFollowers`` ->
  protected) plus AccountCreated from ``published``;
  ``suspended: true`` (Mastodon's ``toot:suspended``) also gives EnforcementApplied(action="suspend").
* Flag -> ReportFiled: actor = the reporting actor (Mastodon sends its instance actor, to shield the user),
  target = the flagged account (the object entry that is not a post: by embedded ``type``, else the first
  entry, as Mastodon and GoToSocial order them), one report per flagged post (or one with no post),
  reason = ``content``.
* Like, Block, Accept, Reject, Add, Remove, Move and the other AS2 activity types are known but make no
  event (Block is a private act of one user, not a signal about the blocked account; Move has no canonical
  event yet). Any other type is a RecordError naming it.

Times: the activity's ``published``, else the object's ``updated``/``deleted``/``published`` where that is
what the activity is about; deliveries of Follow, Undo, Delete or Flag usually carry none, since their time
travels in the signed HTTP ``Date`` header, so the adapter's clock (the time of ingestion) stands in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec

from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    MediaRef,
    Mention,
    PostCreated,
    PostDeleted,
    PostRef,
    ProfileChanged,
    ReportFiled,
    Unfollow,
)
from cauterize.ingest._html import render
from cauterize.ingest._profile import fields_and_links, image_key
from cauterize.ingest.base import Adapter, RecordError, Reject
from cauterize.ingest.mastodon import (
    PLATFORM,
    account_created_id,
    host_of,
    parse_time,
    profile_event_id,
    status_event_id,
)

POST_TYPES = frozenset({"Note", "Question", "Article", "Page", "Image", "Audio", "Video", "Event"})
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})
HANDLED = frozenset({"Create", "Update", "Delete", "Announce", "Follow", "Undo", "Flag"})
#: Known activity types that carry nothing the engine models.
IGNORED = frozenset(
    {
        "Accept",
        "Add",
        "Arrive",
        "Block",
        "Dislike",
        "EmojiReact",
        "Ignore",
        "Invite",
        "Join",
        "Leave",
        "Like",
        "Listen",
        "Move",
        "Offer",
        "Read",
        "Reject",
        "Remove",
        "TentativeAccept",
        "TentativeReject",
        "Travel",
        "View",
    }
)
_COLLECTIONS = frozenset({"OrderedCollection", "OrderedCollectionPage", "Collection", "CollectionPage"})
_AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def _type(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return None
    t = obj.get("type")
    if isinstance(t, list):  # JSON-LD allows several types; the first is the one servers act on
        t = next((x for x in t if isinstance(x, str)), None)
    return t if isinstance(t, str) else None


def _id(obj: Any) -> str | None:
    if isinstance(obj, str):
        return obj or None
    if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"]:
        return obj["id"]
    return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _href(value: Any, depth: int = 0) -> str | None:
    """A URL given as a string, a Link object or a list of either (a Link in a list is as deep as it goes)."""
    if depth > 3:
        return None
    for v in _list(value):
        if isinstance(v, str) and v:
            return v
        if isinstance(v, dict):
            found = _href(v.get("href"), depth + 1) or _href(v.get("url"), depth + 1)
            if found:
                return found
    return None


def _ref(value: Any) -> PostRef | None:
    """A reference to a post given as its id or as the embedded object (which also names its author)."""
    obj = _first(value)
    post_id = _id(obj)
    if post_id is None:
        return None
    author = _id(_first(obj.get("attributedTo"))) if isinstance(obj, dict) else None
    return PostRef(post_id=post_id, account_id=author)


def _content(note: dict[str, Any]) -> tuple[str, str | None]:
    """The HTML body (``content``, else the ``contentMap`` entry, else ``name``) and its language."""
    content = note.get("content")
    lang = None
    cmap = note.get("contentMap")
    if isinstance(cmap, dict) and cmap:
        lang = next(iter(cmap)) or None
        if not isinstance(content, str):
            content = cmap[next(iter(cmap))]
    if not isinstance(content, str):
        content = note.get("name")
    return (content if isinstance(content, str) else ""), lang


def _tags(raw: Any) -> tuple[tuple[str, ...], tuple[Mention, ...], set[str]]:
    """Hashtags, mentions (``href`` is the actor id) and every tag's href, from a ``tag`` property."""
    hashtags: list[str] = []
    mentions: list[Mention] = []
    hrefs: set[str] = set()
    for tag in _list(raw):
        if not isinstance(tag, dict):
            continue
        kind, name, href = _type(tag), tag.get("name"), _href(tag)
        name = name if isinstance(name, str) else None
        if href:
            hrefs.add(href)
        if kind == "Hashtag" and name and name.lstrip("#"):
            hashtags.append(name.lstrip("#"))
        elif kind == "Mention" and (name or href):
            handle = (name or href or "").lstrip("@")
            host = host_of(href)
            if "@" not in handle and host:
                handle = f"{handle}@{host}"
            mentions.append(Mention(handle=handle, account_id=href))
    return tuple(hashtags), tuple(mentions), hrefs


def _has_as_context(obj: dict[str, Any]) -> bool:
    ctx = obj.get("@context")
    return any(c == _AS_CONTEXT or c == _AS_CONTEXT + "#" for c in _list(ctx) if isinstance(c, str))


class ActivityPubAdapter(Adapter):
    name = "activitypub"
    description = "ActivityStreams 2.0 activities as delivered to an ActivityPub inbox (or an outbox collection)"
    sniff_priority = 50

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        """``clock`` dates activities that carry no time of their own (default: now, in UTC)."""
        self._clock = clock or (lambda: datetime.now(UTC))

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        if not isinstance(obj, dict) or not _has_as_context(obj):
            return False
        t = _type(obj)
        return t in HANDLED or t in IGNORED or t in _COLLECTIONS

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        except RecursionError:
            raise RecordError("JSON nested too deeply to read") from None
        if not isinstance(obj, dict):
            raise RecordError(f"record is a JSON {type(obj).__name__}, not an ActivityStreams object")
        if _type(obj) in _COLLECTIONS:
            return list(self._collection(obj))
        return self._activity(obj)

    def _collection(self, coll: dict[str, Any]) -> Iterator[Event | Reject]:
        key = "orderedItems" if "orderedItems" in coll else "items"
        emitted: set[str] = set()
        for i, item in enumerate(_list(coll.get(key))):
            try:
                events = self._activity(item)
            except RecordError as exc:
                yield Reject(str(exc), f"{key}[{i}]", msgspec.json.encode(item))
                continue
            for e in events:
                if e.event_id not in emitted:
                    emitted.add(e.event_id)
                    yield e

    # -- dispatch -----------------------------------------------------------------------------------

    def _activity(self, act: Any) -> list[Event]:
        t = _type(act)
        if t is None:
            raise RecordError("activity has no 'type'")
        if t in IGNORED:
            return []
        handler = {
            "Create": self._create,
            "Update": self._update,
            "Delete": self._delete,
            "Announce": self._announce,
            "Follow": self._follow,
            "Undo": self._undo,
            "Flag": self._flag,
        }.get(t)
        if handler is None:
            raise RecordError(f"unknown ActivityPub activity type {t!r}")
        actor = _id(_first(act.get("actor")))
        if actor is None:
            raise RecordError(f"{t} has no 'actor'")
        return handler(act, actor)

    def _when(self, *candidates: tuple[Any, str]) -> datetime:
        for obj, key in candidates:
            if isinstance(obj, dict) and obj.get(key):
                return parse_time(obj[key], key)
        return self._clock()

    @staticmethod
    def _activity_id(act: dict[str, Any]) -> str:
        aid = _id(act)
        if aid is None:
            raise RecordError(f"{_type(act)} has no 'id'")
        return aid

    # -- posts --------------------------------------------------------------------------------------

    def _create(self, act: dict[str, Any], actor: str) -> list[Event]:
        obj = act.get("object")
        t = _type(obj)
        if t is None:
            raise RecordError("Create names its object only by id (or not at all): nothing to read")
        if t not in POST_TYPES:
            raise RecordError(f"Create of an unsupported object type {t!r}")
        return self._post(obj, act, actor)

    def _post(self, note: dict[str, Any], act: dict[str, Any] | None, actor: str, edit: bool = False) -> list[Event]:
        post_id = _id(note)
        if post_id is None:
            raise RecordError(f"{_type(note)} has no 'id'")
        attributed = _first(note.get("attributedTo"))
        author = _id(attributed) or actor
        events: list[Event] = []
        if isinstance(attributed, dict):
            events += self._profile(attributed, act)
        elif act is not None and isinstance(_first(act.get("actor")), dict) and author == actor:
            events += self._profile(_first(act["actor"]), act)

        if edit:
            updated = note.get("updated")
            time = self._when((note, "updated"), (act, "published"))
            event_id = status_event_id(post_id, updated if isinstance(updated, str) else _id(act))
        else:
            time = self._when((note, "published"), (act, "published"))
            event_id = status_event_id(post_id)

        content, lang = _content(note)
        rendered = render(content)
        summary = render(note.get("summary")).text
        hashtags, mentions, tag_hrefs = _tags(note.get("tag"))
        urls: list[str] = []
        for a in rendered.anchors:
            if a.classes & {"mention", "hashtag"} or "tag" in a.rel or a.href in tag_hrefs:
                continue
            if a.href.startswith(("http://", "https://")) and a.href not in urls:
                urls.append(a.href)

        reply_to = _ref(note.get("inReplyTo"))
        quote_key = next((k for k in ("quote", "quoteUrl", "quoteUri", "_misskey_quote") if _ref(note.get(k))), None)
        quote_of = _ref(note[quote_key]) if quote_key else None

        events.append(
            PostCreated(
                platform=PLATFORM,
                event_id=event_id,
                actor=author,
                time=time,
                post_id=post_id,
                text="\n\n".join(p for p in (summary, rendered.text) if p),
                lang=lang,
                media=tuple(self._media(note.get("attachment"))),
                hashtags=hashtags,
                mentions=mentions,
                urls=tuple(urls),
                reply_to=reply_to,
                quote_of=quote_of,
            )
        )
        return events

    @staticmethod
    def _media(raw: Any) -> Iterator[MediaRef]:
        for att in _list(raw):
            if not isinstance(att, dict) or _type(att) == "PropertyValue":
                continue
            url = _href(att.get("url")) or _href(att.get("href"))
            mt = att.get("mediaType") if isinstance(att.get("mediaType"), str) else ""
            if mt == "image/gif":
                kind = "gif"
            elif mt.startswith(("image/", "video/", "audio/")):
                kind = mt.split("/", 1)[0]
            else:
                kind = {"Image": "image", "Video": "video", "Audio": "audio"}.get(_type(att) or "", "other")
            yield MediaRef(type=kind, url=url)  # type: ignore[arg-type]

    def _announce(self, act: dict[str, Any], actor: str) -> list[Event]:
        obj = _first(act.get("object"))
        if _type(obj) == "Announce":  # relays relay originals; nesting would only be a way to recurse deep
            raise RecordError("Announce of an Announce")
        if _type(obj) in HANDLED or _type(obj) in IGNORED:
            # A group relaying its members' activities (Lemmy, Friendica; FEP-1b12): what counts is the
            # relayed activity, not the relay.
            return self._activity(obj)
        aid = self._activity_id(act)
        target = _id(obj)
        if target is None:
            raise RecordError("Announce has no 'object'")
        inner: list[Event] = []
        if _type(obj) in POST_TYPES:
            inner = self._post(obj, None, _id(_first(obj.get("attributedTo"))) or actor)
        target_author = _id(_first(obj.get("attributedTo"))) if isinstance(obj, dict) else None
        boost = PostCreated(
            platform=PLATFORM,
            event_id=status_event_id(aid),
            actor=actor,
            time=self._when((act, "published")),
            post_id=aid,
            repost_of=PostRef(post_id=target, account_id=target_author),
        )
        return [*self._embedded_actor(act), boost, *inner]

    # -- graph --------------------------------------------------------------------------------------

    def _follow(self, act: dict[str, Any], actor: str) -> list[Event]:
        target = _id(_first(act.get("object")))
        if target is None:
            raise RecordError("Follow has no 'object'")
        return [
            Follow(
                platform=PLATFORM,
                event_id=f"activity:{self._activity_id(act)}",
                actor=actor,
                time=self._when((act, "published")),
                target=target,
            )
        ]

    def _undo(self, act: dict[str, Any], actor: str) -> list[Event]:
        obj = _first(act.get("object"))
        t = _type(obj)
        if t is None:
            raise RecordError("Undo names what it undoes only by id: cannot tell a Follow from a Like or a Block")
        time = self._when((act, "published"))
        if t == "Follow":
            target = _id(_first(obj.get("object")))
            if target is None:
                raise RecordError("Undo{Follow}: the Follow has no 'object'")
            return [
                Unfollow(
                    platform=PLATFORM,
                    event_id=f"activity:{self._activity_id(act)}",
                    actor=actor,
                    time=time,
                    target=target,
                )
            ]
        if t == "Announce":
            boost = _id(obj)
            if boost is None:
                raise RecordError("Undo{Announce}: the Announce has no 'id'")
            return [
                PostDeleted(
                    platform=PLATFORM, event_id=f"status:{boost}:deleted", actor=actor, time=time, post_id=boost
                )
            ]
        if t in IGNORED or t in HANDLED:
            return []
        raise RecordError(f"Undo of an unknown activity type {t!r}")

    def _delete(self, act: dict[str, Any], actor: str) -> list[Event]:
        obj = _first(act.get("object"))
        target = _id(obj)
        if target is None:
            raise RecordError("Delete has no 'object'")
        t = _type(obj)
        time = self._when((act, "published"), (obj, "deleted"), (act, "updated"))
        former = obj.get("formerType") if isinstance(obj, dict) else None
        if target == actor or t in ACTOR_TYPES or former in ACTOR_TYPES:
            return [
                EnforcementApplied(
                    platform=PLATFORM,
                    event_id=f"account:{target}:deleted",
                    actor=target,
                    time=time,
                    action="delete",
                    reason="ActivityPub Delete of the actor (by its owner or its home instance)",
                )
            ]
        author = _id(_first(obj.get("attributedTo"))) if isinstance(obj, dict) else None
        if author is not None and author != actor:
            # Someone else took it down (a group's moderator, the author's instance): a removal, not a deletion.
            return [
                EnforcementApplied(
                    platform=PLATFORM,
                    event_id=f"status:{target}:removed",
                    actor=author,
                    time=time,
                    action="remove_post",
                    post_id=target,
                    reason=f"ActivityPub Delete by {actor}",
                )
            ]
        return [
            PostDeleted(platform=PLATFORM, event_id=f"status:{target}:deleted", actor=actor, time=time, post_id=target)
        ]

    def _flag(self, act: dict[str, Any], actor: str) -> list[Event]:
        fid = self._activity_id(act)
        entries = [(e, i) for e in _list(act.get("object")) if (i := _id(e))]
        if not entries:
            raise RecordError("Flag has no 'object'")
        accounts = [i for e, i in entries if _type(e) in ACTOR_TYPES]
        target = accounts[0] if accounts else entries[0][1]
        posts = [i for e, i in entries if i != target and _type(e) not in ACTOR_TYPES]
        reason = (render(act["content"]).text or None) if isinstance(act.get("content"), str) else None
        time = self._when((act, "published"))
        per_post: list[tuple[str, str | None]] = [(f"activity:{fid}:post:{p}", p) for p in posts]
        return [
            ReportFiled(
                platform=PLATFORM, event_id=eid, actor=actor, time=time, target=target, post_id=post, reason=reason
            )
            for eid, post in per_post or [(f"activity:{fid}", None)]
        ]

    # -- profiles -----------------------------------------------------------------------------------

    def _update(self, act: dict[str, Any], actor: str) -> list[Event]:
        obj = _first(act.get("object"))
        t = _type(obj)
        if t in ACTOR_TYPES:
            return self._profile(obj, act)
        if t in POST_TYPES:
            if not obj.get("updated"):
                return []  # Mastodon refreshes poll tallies this way: not an edit
            return self._post(obj, act, actor, edit=True)
        if t is None:
            raise RecordError("Update names its object only by id: nothing to read")
        raise RecordError(f"Update of an unsupported object type {t!r}")

    def _embedded_actor(self, act: dict[str, Any]) -> list[Event]:
        actor = _first(act.get("actor"))
        return self._profile(actor, act) if isinstance(actor, dict) and _type(actor) in ACTOR_TYPES else []

    def _profile(self, person: dict[str, Any], act: dict[str, Any] | None) -> list[Event]:
        uri = _id(person)
        if uri is None:
            raise RecordError(f"{_type(person)} has no 'id'")
        username = person.get("preferredUsername")
        host = host_of(uri)
        handle = f"{username}@{host}" if isinstance(username, str) and username and host else None
        display_name = person.get("name") if isinstance(person.get("name"), str) and person["name"] else None
        summary = render(person.get("summary")) if isinstance(person.get("summary"), str) else render(None)
        bio = summary.text or None
        avatar = _href(_first(person.get("icon")))
        header = _href(_first(person.get("image")))
        header_hash = image_key(header)
        profile_fields, bio_urls = fields_and_links(_list(person.get("attachment")), summary)
        locked = person.get("manuallyApprovesFollowers")
        locked = locked if isinstance(locked, bool) else None
        # Mastodon publishes an account marked as a bot as a Service actor; Application is a server's own.
        bot = True if _type(person) in ("Service", "Application") else None
        # ``published`` on an actor is when the account was made, not when this profile was seen.
        seen = self._when((act, "published"), (person, "updated"))
        identity = {
            "header_url": header if header_hash else None,
            "profile_fields": profile_fields,
            "bio_urls": bio_urls,
            "bot": bot,
        }
        fields = {
            "handle": handle,
            "display_name": display_name,
            "bio": bio,
            "avatar_url": avatar,
            "avatar_hash": image_key(avatar),
            "header_hash": header_hash,
            **identity,
        }
        events: list[Event] = []
        if person.get("published"):
            events.append(
                AccountCreated(
                    platform=PLATFORM,
                    event_id=account_created_id(uri),
                    actor=uri,
                    time=parse_time(person["published"], "published"),
                    protected=bool(locked),
                    **fields,
                )
            )
        events.append(
            ProfileChanged(
                platform=PLATFORM,
                event_id=profile_event_id(uri, handle, display_name, bio, avatar, locked, **identity),
                actor=uri,
                time=seen,
                protected=locked,
                **fields,
            )
        )
        if person.get("suspended") is True:
            events.append(
                EnforcementApplied(
                    platform=PLATFORM,
                    event_id=f"account:{uri}:suspended",
                    actor=uri,
                    time=seen,
                    action="suspend",
                    reason="actor marked suspended (toot:suspended) by its home instance",
                )
            )
        return events
