"""Bluesky Jetstream: the JSON projection of the atproto firehose, one event per line.

Shape (bluesky-social/jetstream ``pkg/models/models.go`` and the ``com.atproto.sync.subscribeRepos``
lexicon): ``{"did", "time_us", "kind": "commit"|"identity"|"account", "commit"|"identity"|"account": {...}}``.
A commit carries one record operation: ``{"rev", "operation", "collection", "rkey", "record"?, "cid"?}``.

Identifiers. The account id is the DID, never the handle: handles change (and are what an evader
changes first), DIDs do not. A post id is the record's ``at://<did>/app.bsky.feed.post/<rkey>`` URI
(a repost's id is its own ``app.bsky.feed.repost`` URI), so a reference to a post carries its
author's DID and needs no lookup.

Time. Every event's time is ``time_us``, when Jetstream saw the event, not the record's
``createdAt``: ``createdAt`` is set by the client and can be back- or forward-dated at will, which
would let an account hide a burst of posting or a post made after a ban. ``time_us`` is also the
stream's cursor, so one clock orders commits, identity and account events alike.

Event ids are deterministic, so replaying a stream (or overlapping cursors after a reconnect) is a
no-op: ``<did>/<collection>/<rkey>@<rev>`` for commits, ``identity:<did>:<seq>`` and
``account:<did>:<seq>`` for the others (``time_us`` stands in for a missing ``rev``/``seq``).

Mapping:

* post create -> ``PostCreated``. ``langs[0]`` is the language. Facets give mentions (``#mention``:
  the DID, and the handle as written, cut from the text by ``byteStart``/``byteEnd``, which are
  UTF-8 byte offsets), links (``#link``) and hashtags (``#tag``, stored without ``#``; the record's
  ``tags`` are added too). ``reply.parent`` is ``reply_to`` (the root is not kept). An
  ``embed.record`` (or the record of ``embed.recordWithMedia``) pointing at a post is ``quote_of``;
  embedded lists, feeds and starter packs are not posts and are not kept. Image and video blobs
  become ``MediaRef`` with the blob CID as ``media_id`` and in ``hashes["cid"]``. A blob CID is a
  CIDv1 of the raw bytes with a SHA-256 multihash, i.e. the file's SHA-256 in other clothes, so
  ``hashes["sha256"]`` (hex) is given too: it matches exact-file hash lists from other platforms. An ``embed.external`` adds its URI to ``urls``; its
  thumbnail is the site's card image, not the author's media, and is not kept. No media URL is
  built: serving a blob needs the author's PDS host (from the DID document, a network lookup) or
  one AppView's CDN, which may stop serving it.
* post update -> ``PostCreated`` again, same ``post_id``, new event id: the app cannot edit posts,
  but a repo can rewrite a record, and the new text must reach the detectors.
* repost create -> ``PostCreated`` with ``repost_of`` = ``subject.uri`` and no text.
* post or repost delete -> ``PostDeleted`` (``post_id`` = the deleted record's URI).
* follow create -> ``Follow`` (``target`` = ``subject``, a DID).
* follow delete -> ``Unfollow``, when the target is known. A delete carries only the rkey, not the
  followed DID, so the adapter remembers the targets of the last :data:`FOLLOW_MEMORY` follows it
  has read and resolves the delete from them. A delete it cannot resolve (the follow came before
  this input, or too long before) yields nothing and is counted as
  ``app.bsky.graph.follow:unresolved-delete``: an ``Unfollow`` must name an account, and the
  follow record's URI is not one (the store would take it for a new account).
* profile create/update -> ``ProfileChanged`` with ``display_name``, ``bio`` (``description``),
  ``avatar_hash`` (the avatar blob CID: a content hash of the image bytes, so the same file
  uploaded again by a new account has the same CID, unlike the other platforms' upload keys),
  ``header_hash`` (the banner blob CID), ``pinned_post_id`` (``pinnedPost.uri``) and ``bio_urls``
  (the http(s) links written in the description, which has no facets). A profile record is a
  full snapshot, so a field missing from it is reported as ``""`` (cleared), not ``None``
  (unknown); a profile delete clears them all.
  ``avatar_url`` is never set (see media above).
* identity -> ``ProfileChanged(handle=...)``; an identity event without a handle (a key or PDS
  change) yields nothing. ``handle.invalid`` is not a handle and is treated as absent.
* account, ``active=false``: status ``takendown`` or ``suspended`` -> ``EnforcementApplied``
  ``suspend``; ``deleted`` or ``deactivated`` -> ``delete`` (deactivation is the owner's doing, not
  the platform's, but it removes the account all the same and the reason keeps them apart);
  ``desynchronized``, ``throttled``, no status or an unknown one are relay housekeeping, not
  enforcement, and yield nothing. ``active=true`` -> ``unsuspend``. The adapter does not track
  account state, so it cannot tell a reinstatement from an account that was never down (account creation, migration
  and resync also send ``active=true``): the store, which knows the account's state, must treat an
  ``unsuspend`` of an account that is not down as a no-op. The reason is the status string.
* Other collections (likes, blocks, lists, starter packs, ...) and meaningless operations (a
  repost or follow update) are not errors: they yield nothing and are counted in
  :attr:`Jetstream.ignored`.

Errors: a line that is not a JSON object, lacks ``did``/``time_us``/``kind`` (or the object its
kind names), has an unknown ``kind`` or commit ``operation``, or a kept record that cannot be read
(text not a string, no follow subject, ...) raises :class:`RecordError`. A malformed part of a
good post (a facet, the reply, the embed) yields a :class:`Reject` naming it, after the post.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from cauterize.events import (
    EnforcementApplied,
    Event,
    Follow,
    MediaRef,
    Mention,
    PostCreated,
    PostDeleted,
    PostRef,
    ProfileChanged,
    Unfollow,
)
from cauterize.ingest.base import Adapter, RecordError, Reject, require

PLATFORM = "bluesky"

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
PROFILE = "app.bsky.actor.profile"
_BIO_LINK = re.compile(r"https?://[^\s<>\"']+")

FACET_MENTION = "app.bsky.richtext.facet#mention"
FACET_LINK = "app.bsky.richtext.facet#link"
FACET_TAG = "app.bsky.richtext.facet#tag"

EMBED_IMAGES = "app.bsky.embed.images"
EMBED_VIDEO = "app.bsky.embed.video"
EMBED_EXTERNAL = "app.bsky.embed.external"
EMBED_RECORD = "app.bsky.embed.record"
EMBED_RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"

SUSPEND_STATUSES = frozenset({"takendown", "suspended"})
DELETE_STATUSES = frozenset({"deleted", "deactivated"})

INVALID_HANDLE = "handle.invalid"

CODEC_RAW = 0x55  # blobs: the CID hashes the file's own bytes
CODEC_DAG_CBOR = 0x71  # records
_SHA256_MULTIHASH = b"\x12\x20"  # sha2-256, 32-byte digest

_KINDS = ("commit", "identity", "account")
#: How many recent follows (record -> followed DID) a Jetstream adapter keeps to resolve deletes.
FOLLOW_MEMORY = 100_000
_CREATABLE = frozenset({POST, REPOST, FOLLOW, PROFILE})
#: Rewriting a repost or follow record changes nothing we model; a post or profile rewrite does.
_UPDATABLE = frozenset({POST, PROFILE})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _BadItem(ValueError):
    """A part of a post that cannot be used; becomes a Reject, the post is kept."""


def at_uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


def parse_at_uri(uri: str) -> tuple[str, str, str] | None:
    """``(authority, collection, rkey)`` of a record URI, or ``None`` if it is not one."""
    if not uri.startswith("at://"):
        return None
    parts = uri[5:].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def did_of_uri(uri: str) -> str | None:
    """The DID in an ``at://`` URI; ``None`` when the authority is a handle (which can change hands)."""
    if not uri.startswith("at://"):
        return None
    authority = uri[5:].split("/", 1)[0]
    return authority if authority.startswith("did:") else None


def time_from_us(time_us: int) -> datetime:
    # timedelta keeps every microsecond; fromtimestamp(us / 1e6) would round through a float.
    return _EPOCH + timedelta(microseconds=time_us)


def _str_field(obj: dict, key: str, where: str) -> str:
    value = require(obj, key, where)
    if not isinstance(value, str) or not value:
        raise RecordError(f"field {where + key!r} is not a non-empty string")
    return value


def _object(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise RecordError(f"field {name!r} is not an object")
    return value


def cid_from_sha256(digest: bytes, codec: int = CODEC_RAW) -> str:
    """The base32 CIDv1 string for a SHA-256 digest (``bafkrei...`` for raw, ``bafyrei...`` for dag-cbor)."""
    raw = bytes([1, codec]) + _SHA256_MULTIHASH + digest
    return "b" + base64.b32encode(raw).decode("ascii").lower().rstrip("=")


def sha256_from_cid(cid: str) -> str | None:
    """The hex SHA-256 of the file a raw-codec CIDv1 names; ``None`` for any other kind of CID."""
    if not cid.startswith("b"):
        return None
    body = cid[1:].upper()
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 36 or raw[:2] != bytes([1, CODEC_RAW]) or raw[2:4] != _SHA256_MULTIHASH:
        return None
    return raw[4:].hex()


def _blob_cid(blob: Any) -> str | None:
    """The CID of a blob ref, in its current (``ref.$link``) or legacy (``cid``) JSON form."""
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    cid = ref.get("$link") if isinstance(ref, dict) else blob.get("cid")
    return cid if isinstance(cid, str) and cid else None


def _post_ref(strong_ref: Any, what: str) -> PostRef:
    if not isinstance(strong_ref, dict) or not isinstance(strong_ref.get("uri"), str) or not strong_ref["uri"]:
        raise _BadItem(f"{what} has no uri")
    uri = strong_ref["uri"]
    return PostRef(post_id=uri, account_id=did_of_uri(uri))


def _cut(text: bytes, start: Any, end: Any) -> str | None:
    """The text a facet covers; ``None`` when its byte range is not a whole run of characters."""
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise _BadItem("facet index byteStart/byteEnd are not integers")
    if not 0 <= start < end <= len(text):
        return None
    try:
        return text[start:end].decode("utf-8")
    except UnicodeDecodeError:  # the range splits a multi-byte character
        return None


def _has_space(text: str) -> bool:
    return any(c.isspace() for c in text)


class _PostParts:
    """What the facets, tags and embed of one post add up to, de-duplicated in order of appearance."""

    def __init__(self) -> None:
        self.mentions: dict[str, Mention] = {}
        self.urls: dict[str, None] = {}
        self.hashtags: dict[str, None] = {}
        self.media: list[MediaRef] = []
        self.quote_of: PostRef | None = None

    def facet(self, facet: Any, text: bytes) -> None:
        if not isinstance(facet, dict):
            raise _BadItem("facet is not an object")
        index, features = facet.get("index"), facet.get("features")
        if not isinstance(index, dict) or not isinstance(features, list):
            raise _BadItem("facet lacks an index object or a features list")
        covered = _cut(text, index.get("byteStart"), index.get("byteEnd"))
        for feature in features:
            kind = feature.get("$type") if isinstance(feature, dict) else None
            if kind == FACET_MENTION:
                did = feature.get("did")
                if not isinstance(did, str) or not did.startswith("did:"):
                    raise _BadItem("mention facet has no did")
                # A handle cut from a wrong range would be garbage that handle matching then trusts;
                # the DID names the account either way.
                handle = did
                if covered is not None and len(covered) > 1 and covered[0] == "@" and not _has_space(covered):
                    handle = covered[1:]
                self.mentions.setdefault(did, Mention(handle=handle, account_id=did))
            elif kind == FACET_LINK:
                uri = feature.get("uri")
                if not isinstance(uri, str) or not uri:
                    raise _BadItem("link facet has no uri")
                self.urls[uri] = None
            elif kind == FACET_TAG:
                self.tag(feature.get("tag"))
            # Other feature types (future ones, or other apps' own) carry nothing we index.

    def tag(self, tag: Any) -> None:
        if not isinstance(tag, str) or not tag.lstrip("#"):
            raise _BadItem("tag is not a non-empty string")
        self.hashtags[tag.lstrip("#")] = None

    def embed(self, embed: Any) -> None:
        if not isinstance(embed, dict):
            raise _BadItem("embed is not an object")
        kind = embed.get("$type")
        if kind == EMBED_RECORD:
            self.quote(embed.get("record"))
        elif kind == EMBED_RECORD_WITH_MEDIA:
            inner = embed.get("record")
            self.quote(inner.get("record") if isinstance(inner, dict) else None)
            self.embed(embed.get("media"))
        elif kind == EMBED_IMAGES:
            images = embed.get("images")
            if not isinstance(images, list):
                raise _BadItem("images embed has no images list")
            for image in images:
                self.blob(image.get("image") if isinstance(image, dict) else None, "image")
        elif kind == EMBED_VIDEO:
            self.blob(embed.get("video"), "video")
        elif kind == EMBED_EXTERNAL:
            external = embed.get("external")
            uri = external.get("uri") if isinstance(external, dict) else None
            if not isinstance(uri, str) or not uri:
                raise _BadItem("external embed has no uri")
            self.urls[uri] = None

    def quote(self, strong_ref: Any) -> None:
        ref = _post_ref(strong_ref, "embedded record")
        target = parse_at_uri(ref.post_id)
        if target is not None and target[1] == POST:
            self.quote_of = ref

    def blob(self, blob: Any, media_type: str) -> None:
        cid = _blob_cid(blob)
        if cid is None:
            raise _BadItem(f"{media_type} blob has no CID")
        hashes = {"cid": cid}
        sha256 = sha256_from_cid(cid)
        if sha256 is not None:
            hashes["sha256"] = sha256
        self.media.append(MediaRef(media_id=cid, type=media_type, hashes=hashes))  # type: ignore[arg-type]


def _reject(reason: str, where: str, item: Any) -> Reject:
    try:
        raw = msgspec.json.encode(item)
    except (TypeError, msgspec.EncodeError):
        raw = None
    return Reject(reason, where=where, raw=raw)


class Jetstream(Adapter):
    name = "jetstream"
    description = "Bluesky Jetstream events (commit, identity, account), one JSON object per line"
    sniff_priority = 50

    def __init__(self) -> None:
        #: Lines that were valid but carry nothing cauterize models, by collection (or account status).
        self.ignored: Counter[str] = Counter()
        # Insertion-ordered, so the oldest follow is the first key: evicting it is O(1).
        self._follows: dict[str, str] = {}

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        return isinstance(obj, dict) and "did" in obj and "time_us" in obj and "kind" in obj

    @classmethod
    def quick_check(cls, data: bytes) -> bool:
        return b'"did"' in data and b'"time_us"' in data

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise RecordError("a Jetstream event must be a JSON object")
        did = _str_field(obj, "did", "")
        if not did.startswith("did:"):
            raise RecordError(f"field 'did' is not a DID: {did[:80]!r}")
        time_us = require(obj, "time_us")
        if not isinstance(time_us, int) or isinstance(time_us, bool) or time_us < 0:
            raise RecordError("field 'time_us' is not a non-negative integer")
        kind = require(obj, "kind")
        if kind not in _KINDS:
            raise RecordError(f"unknown event kind {kind!r}; expected one of {', '.join(_KINDS)}")
        payload = _object(require(obj, kind), kind)
        try:
            time = time_from_us(time_us)
        except OverflowError:
            raise RecordError(f"field 'time_us' is out of range: {time_us}") from None
        if kind == "commit":
            return self._commit(did, time_us, time, payload)
        if kind == "identity":
            return self._identity(did, time_us, time, payload)
        return self._account(did, time_us, time, payload)

    def _commit(self, did: str, time_us: int, time: datetime, commit: dict) -> list[Event | Reject]:
        operation = _str_field(commit, "operation", "commit.")
        collection = _str_field(commit, "collection", "commit.")
        rkey = _str_field(commit, "rkey", "commit.")
        if operation not in ("create", "update", "delete"):
            raise RecordError(f"unknown commit operation {operation!r}")
        rev = commit.get("rev")
        event_id = f"{did}/{collection}/{rkey}@{rev if isinstance(rev, str) and rev else time_us}"
        uri = at_uri(did, collection, rkey)
        common: dict[str, Any] = {"platform": PLATFORM, "event_id": event_id, "actor": did, "time": time}

        if operation == "delete":
            if collection in (POST, REPOST):
                return [PostDeleted(**common, post_id=uri)]
            if collection == FOLLOW:
                target = self._follows.pop(uri, None)
                if target is None:
                    self.ignored[f"{FOLLOW}:unresolved-delete"] += 1
                    return []
                return [Unfollow(**common, target=target)]
            if collection == PROFILE:
                cleared = {"display_name": "", "bio": "", "avatar_hash": "", "header_hash": "", "pinned_post_id": ""}
                return [ProfileChanged(**common, **cleared)]
            self.ignored[collection] += 1
            return []

        if collection not in _UPDATABLE if operation == "update" else collection not in _CREATABLE:
            self.ignored[collection] += 1
            return []
        record = _object(require(commit, "record", "commit."), "commit.record")
        if collection == POST:
            return self._post(common, uri, record)
        if collection == PROFILE:
            return [self._profile(common, record)]
        if collection == REPOST:
            try:
                subject = _post_ref(record.get("subject"), "repost subject")
            except _BadItem as exc:
                raise RecordError(f"field 'commit.record.subject': {exc}") from None
            return [PostCreated(**common, post_id=uri, repost_of=subject)]
        subject = record.get("subject")
        if not isinstance(subject, str) or not subject.startswith("did:"):
            raise RecordError("field 'commit.record.subject' of a follow is not a DID")
        self._remember_follow(uri, subject)
        return [Follow(**common, target=subject)]

    def _remember_follow(self, uri: str, target: str) -> None:
        follows = self._follows
        follows.pop(uri, None)  # a re-created record moves to the young end
        follows[uri] = target
        if len(follows) > FOLLOW_MEMORY:
            del follows[next(iter(follows))]

    def _post(self, common: dict[str, Any], uri: str, record: dict) -> list[Event | Reject]:
        text = record.get("text", "")
        if not isinstance(text, str):
            raise RecordError("field 'commit.record.text' is not a string")
        langs = record.get("langs")
        lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) and langs[0] else None

        parts = _PostParts()
        rejects: list[Reject] = []
        encoded = text.encode("utf-8")
        facets = record.get("facets") or []
        if not isinstance(facets, list):
            rejects.append(_reject("facets is not a list", "commit.record.facets", facets))
            facets = []
        for i, facet in enumerate(facets):
            try:
                parts.facet(facet, encoded)
            except _BadItem as exc:
                rejects.append(_reject(str(exc), f"commit.record.facets[{i}]", facet))
        tags = record.get("tags") or []
        for i, tag in enumerate(tags if isinstance(tags, list) else [tags]):
            try:
                parts.tag(tag)
            except _BadItem as exc:
                rejects.append(_reject(str(exc), f"commit.record.tags[{i}]", tag))

        reply_to = None
        if "reply" in record:
            reply = record["reply"]
            try:
                reply_to = _post_ref(reply.get("parent") if isinstance(reply, dict) else None, "reply parent")
            except _BadItem as exc:
                rejects.append(_reject(str(exc), "commit.record.reply", reply))
        if "embed" in record:
            try:
                parts.embed(record["embed"])
            except _BadItem as exc:
                rejects.append(_reject(str(exc), "commit.record.embed", record["embed"]))

        post = PostCreated(
            **common,
            post_id=uri,
            text=text,
            lang=lang,
            media=tuple(parts.media),
            hashtags=tuple(parts.hashtags),
            mentions=tuple(parts.mentions.values()),
            urls=tuple(parts.urls),
            reply_to=reply_to,
            quote_of=parts.quote_of,
        )
        return [post, *rejects]

    @staticmethod
    def _profile(common: dict[str, Any], record: dict) -> ProfileChanged:
        display_name = record.get("displayName")
        bio = record.get("description")
        bio = bio if isinstance(bio, str) else ""
        pinned = record.get("pinnedPost")
        pinned_uri = pinned.get("uri") if isinstance(pinned, dict) else None
        return ProfileChanged(
            **common,
            display_name=display_name if isinstance(display_name, str) else "",
            bio=bio,
            avatar_hash=_blob_cid(record.get("avatar")) or "",
            header_hash=_blob_cid(record.get("banner")) or "",
            pinned_post_id=pinned_uri if isinstance(pinned_uri, str) else "",
            # A profile description has no facets: its links are plain text, linked by the apps.
            bio_urls=tuple(dict.fromkeys(m.group(0).rstrip(".,;:!?)") for m in _BIO_LINK.finditer(bio))),
        )

    def _identity(self, did: str, time_us: int, time: datetime, identity: dict) -> list[Event | Reject]:
        handle = identity.get("handle")
        if not isinstance(handle, str) or not handle or handle == INVALID_HANDLE:
            self.ignored["identity:no-handle"] += 1
            return []
        event_id = f"identity:{did}:{_seq(identity, time_us)}"
        return [ProfileChanged(platform=PLATFORM, event_id=event_id, actor=did, time=time, handle=handle)]

    def _account(self, did: str, time_us: int, time: datetime, account: dict) -> list[Event | Reject]:
        active = require(account, "active", "account.")
        if not isinstance(active, bool):
            raise RecordError("field 'account.active' is not a boolean")
        status = account.get("status")
        status = status if isinstance(status, str) and status else None
        if active:
            action = "unsuspend"
        elif status in SUSPEND_STATUSES:
            action = "suspend"
        elif status in DELETE_STATUSES:
            action = "delete"
        else:
            self.ignored[f"account:{status or 'inactive'}"] += 1
            return []
        event_id = f"account:{did}:{_seq(account, time_us)}"
        return [
            EnforcementApplied(platform=PLATFORM, event_id=event_id, actor=did, time=time, action=action, reason=status)  # type: ignore[arg-type]
        ]


def _seq(payload: dict, time_us: int) -> int:
    seq = payload.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else time_us
