"""Canonical events -> Bluesky Jetstream lines: the inverse of :mod:`cauterize.ingest.jetstream`.

Used by the simulator to produce a stream in the shape Jetstream serves, and by the round-trip
tests. Each yielded item is one JSON object followed by ``\\n``, so ``file.writelines(encode(...))``
writes a valid Jetstream capture.

Identifiers. An account id that is already a DID is kept. Any other id is mapped to
``did:plc:`` + the first 24 characters of the lowercase base32 SHA-256 of ``"cauterize:" + id``
(the length and alphabet of a real ``did:plc``), so the same account gets the same DID in every
event and every run. A post id that is an ``at://`` URI keeps its rkey; any other post id gets a
TID-shaped rkey hashed from it, so the post, the replies to it and its deletion all name one URI.
Reposts, replies and quotes of a post whose author is unknown get a DID hashed from the post id.
``rev`` is a TID built from the event time. A blob CID is the one in ``hashes["cid"]``, else the
real CID rebuilt from ``hashes["sha256"]`` (a blob CID is the file's SHA-256), else a well-formed
CID of the media id; record CIDs are well-formed CIDs of the record's URI, not of its bytes.

What each canonical event becomes:

* ``PostCreated`` -> a post create commit (``langs``, facets, ``reply`` with root = parent, and an
  embed), or a repost create commit when ``repost_of`` is set (its text is dropped: a repost has
  none). Mentions, URLs and hashtags become facets over their first occurrence in the text, with
  UTF-8 byte offsets. Bluesky shows every mention and link in the text, so a mention the text
  lacks is appended to it; so is a URL the text lacks, except the first, which becomes an
  ``embed.external`` link card when the post has no media; a hashtag the text lacks goes to the
  record's ``tags``. Image media become an ``embed.images``, else the first video an
  ``embed.video``; ``quote_of`` makes it an ``embed.record`` (``embed.recordWithMedia`` with media).
* ``PostDeleted`` -> a delete commit of the post (or repost) record.
* ``Follow`` / ``Unfollow`` -> a follow create / delete commit; the rkey is hashed from the pair
  of DIDs, so an unfollow deletes the very record its follow created.
* ``ProfileChanged`` -> an identity event when ``handle`` is set, and a profile update commit
  (rkey ``self``) when ``display_name``, ``bio`` or ``avatar_hash`` is set.
* ``AccountCreated`` -> the same, with a profile create commit.
* ``EnforcementApplied`` -> an account event: ``suspend`` is ``active=false`` with status
  ``takendown`` (or ``suspended`` when that is the reason), ``delete`` is status ``deleted`` (or
  ``deactivated``), ``unsuspend`` and ``undelete`` are ``active=true``.

No Jetstream form, so skipped and counted in :attr:`JetstreamEncoder.skipped` (by kind, or
``enforcement:<action>``): ``ReportFiled`` (reports go to a moderation service, never into a
repo), ``EnforcementApplied`` ``withhold``/``unwithhold``/``remove_post`` (Bluesky does these
with labels, which travel on the labeler stream, not the repo stream), and an event whose fields
give nothing to write (a ``ProfileChanged`` with only follower counts).

What does not survive ``encode`` then the adapter: the platform (always ``bluesky``); event ids
(re-derived from rkey/rev/seq); ``createdAt`` vs event time (both are the event time);
``AccountCreated`` (comes back as ``ProfileChanged``); ``None`` profile fields (come back as
``""``: a profile record is a full snapshot); ``avatar_url``, ``protected`` and counts; media
``url`` and hashes other than ``cid``/``sha256`` (media come back with the CID as id and with
``cid`` and ``sha256``); media types other than image and video, videos beside images, all but the
first video; mentions without an account id; the text, when mentions or URLs were appended to it;
the order of URLs or hashtags split between facets and the card or ``tags``; the reply root;
``undelete`` (comes back as ``unsuspend``); an ``Unfollow`` whose ``Follow`` was not written
earlier in the same stream (a follow delete names no target: the adapter drops it); non-DID ids
(come back as their mapped DIDs).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    MediaRef,
    PostCreated,
    PostDeleted,
    PostRef,
    ProfileChanged,
    Unfollow,
)
from cauterize.ingest.jetstream import (
    CODEC_DAG_CBOR,
    CODEC_RAW,
    DELETE_STATUSES,
    EMBED_EXTERNAL,
    EMBED_IMAGES,
    EMBED_RECORD,
    EMBED_RECORD_WITH_MEDIA,
    EMBED_VIDEO,
    FACET_LINK,
    FACET_MENTION,
    FACET_TAG,
    FOLLOW,
    POST,
    PROFILE,
    REPOST,
    SUSPEND_STATUSES,
    at_uri,
    cid_from_sha256,
    parse_at_uri,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_encoder = msgspec.json.Encoder()


def to_did(account_id: str) -> str:
    """The DID for a canonical account id: itself if it is one, else a stable ``did:plc``-shaped hash."""
    if account_id.startswith("did:"):
        return account_id
    return "did:plc:" + _b32(b"cauterize:" + account_id.encode("utf-8"))[:24]


def tid(value: int) -> str:
    """A 13-character atproto TID (base32-sortable) for a 63-bit value."""
    value &= (1 << 63) - 1
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def tid_for(key: str) -> str:
    """A TID-shaped record key that depends only on ``key``."""
    return tid(int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big"))


def placeholder_cid(key: str, codec: int = CODEC_DAG_CBOR) -> str:
    """A well-formed CID of ``key``'s bytes: it stands in for the CID of content we do not have."""
    return cid_from_sha256(hashlib.sha256(key.encode("utf-8")).digest(), codec)


def time_us(time: datetime) -> int:
    return (time - _EPOCH) // timedelta(microseconds=1)


def iso(time: datetime) -> str:
    """The atproto datetime form: UTC, milliseconds, ``Z``."""
    return time.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _b32(data: bytes) -> str:
    return base64.b32encode(hashlib.sha256(data).digest()).decode("ascii").lower().rstrip("=")


def post_uri(post_id: str, author: str | None, collection: str = POST) -> str:
    """The ``at://`` URI of a canonical post: kept when it is one, else built from the author's DID."""
    if parse_at_uri(post_id) is not None:
        return post_id
    did = to_did(author) if author else to_did("author-of:" + post_id)
    return at_uri(did, collection, tid_for(post_id))


def _strong_ref(ref: PostRef) -> dict[str, str]:
    uri = post_uri(ref.post_id, ref.account_id)
    return {"uri": uri, "cid": placeholder_cid(uri)}


def _locate(text: str, needle: str) -> dict[str, int] | None:
    """The UTF-8 byte range of the first whole-token occurrence of ``needle`` in ``text``."""
    match = re.search(re.escape(needle) + r"(?![\w])", text)
    if match is None:
        return None
    start = len(text[: match.start()].encode("utf-8"))
    return {"byteStart": start, "byteEnd": start + len(needle.encode("utf-8"))}


def _blob_cid(media: MediaRef) -> str:
    """The blob CID: given, else the real one rebuilt from a known SHA-256, else a placeholder."""
    if media.hashes.get("cid"):
        return media.hashes["cid"]
    sha256 = media.hashes.get("sha256", "")
    if re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        return cid_from_sha256(bytes.fromhex(sha256))
    return placeholder_cid(f"media:{media.media_id}:{media.url}", CODEC_RAW)


def _blob(media: MediaRef, mime_type: str) -> dict[str, Any]:
    cid = _blob_cid(media)
    return {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime_type, "size": 0}


def _media_embed(media: tuple[MediaRef, ...], spare_url: str | None) -> dict[str, Any] | None:
    images = [m for m in media if m.type == "image"]
    if images:
        return {"$type": EMBED_IMAGES, "images": [{"alt": "", "image": _blob(m, "image/jpeg")} for m in images]}
    videos = [m for m in media if m.type == "video"]
    if videos:
        return {"$type": EMBED_VIDEO, "video": _blob(videos[0], "video/mp4")}
    if spare_url is not None:
        return {"$type": EMBED_EXTERNAL, "external": {"uri": spare_url, "title": "", "description": ""}}
    return None


def _facet(index: dict[str, int], feature: dict[str, str]) -> dict[str, Any]:
    return {"index": index, "features": [feature]}


def _place(text: str, token: str) -> tuple[str, dict[str, int]]:
    """Where ``token`` is in ``text``; appended first when absent (Bluesky shows every mention and link)."""
    index = _locate(text, token)
    if index is not None:
        return text, index
    text = f"{text} {token}" if text else token
    end = len(text.encode("utf-8"))
    return text, {"byteStart": end - len(token.encode("utf-8")), "byteEnd": end}


def post_record(post: PostCreated) -> dict[str, Any]:
    """The ``app.bsky.feed.post`` record for a canonical post."""
    text = post.text
    # Facets stay in canonical order (mentions, links, tags) rather than text order, so the
    # adapter gives each list back in the order it came in.
    facets: list[dict[str, Any]] = []
    for mention in post.mentions:
        if mention.account_id is not None:  # a mention facet must name a DID
            text, index = _place(text, "@" + mention.handle)
            facets.append(_facet(index, {"$type": FACET_MENTION, "did": to_did(mention.account_id)}))
    has_media = any(m.type in ("image", "video") for m in post.media)
    card_url: str | None = None
    for url in post.urls:
        if _locate(text, url) is None and card_url is None and not has_media:
            card_url = url  # a link card carries it without touching the text
            continue
        text, index = _place(text, url)
        facets.append(_facet(index, {"$type": FACET_LINK, "uri": url}))
    tags: list[str] = []
    for tag in post.hashtags:
        index = _locate(text, "#" + tag)
        if index is None:
            tags.append(tag)
        else:
            facets.append(_facet(index, {"$type": FACET_TAG, "tag": tag}))

    record: dict[str, Any] = {"$type": POST, "text": text, "createdAt": iso(post.time)}
    if post.lang:
        record["langs"] = [post.lang]
    if facets:
        record["facets"] = facets
    if tags:
        record["tags"] = tags

    if post.reply_to is not None:
        ref = _strong_ref(post.reply_to)
        record["reply"] = {"root": ref, "parent": ref}

    media = _media_embed(post.media, card_url)
    if post.quote_of is not None:
        quoted = {"$type": EMBED_RECORD, "record": _strong_ref(post.quote_of)}
        record["embed"] = (
            quoted if media is None else {"$type": EMBED_RECORD_WITH_MEDIA, "record": quoted, "media": media}
        )
    elif media is not None:
        record["embed"] = media
    return record


def _profile_record(event: ProfileChanged | AccountCreated) -> dict[str, Any] | None:
    if event.display_name is None and event.bio is None and event.avatar_hash is None:
        return None
    record: dict[str, Any] = {"$type": PROFILE}
    if event.display_name:
        record["displayName"] = event.display_name
    if event.bio:
        record["description"] = event.bio
    if event.avatar_hash:
        avatar = MediaRef(type="image", hashes={"cid": event.avatar_hash})
        record["avatar"] = _blob(avatar, "image/jpeg")
    return record


class JetstreamEncoder:
    """Writes Jetstream lines; keeps the identity/account ``seq`` counter and the skip counts."""

    def __init__(self) -> None:
        #: Events with no Jetstream form, by kind (``enforcement:<action>`` for enforcement).
        self.skipped: Counter[str] = Counter()
        self._seq = 0

    def encode(self, events: Iterable[Event]) -> Iterator[bytes]:
        for event in events:
            lines = self.lines(event)
            if not lines:
                key = f"enforcement:{event.action}" if isinstance(event, EnforcementApplied) else event.kind
                self.skipped[key] += 1
            yield from lines

    def lines(self, event: Event) -> list[bytes]:
        did = to_did(event.actor)
        if isinstance(event, PostCreated):
            return [self._post(did, event)]
        if isinstance(event, PostDeleted):
            parsed = parse_at_uri(event.post_id)
            collection = parsed[1] if parsed is not None and parsed[1] in (POST, REPOST) else POST
            rkey = parsed[2] if parsed is not None else tid_for(event.post_id)
            return [self._commit(did, event.time, "delete", collection, rkey)]
        if isinstance(event, Follow):
            target = to_did(event.target)
            record = {"$type": FOLLOW, "subject": target, "createdAt": iso(event.time)}
            return [self._commit(did, event.time, "create", FOLLOW, tid_for(f"follow:{did}:{target}"), record)]
        if isinstance(event, Unfollow):
            parsed = parse_at_uri(event.target)
            rkey = parsed[2] if parsed is not None else tid_for(f"follow:{did}:{to_did(event.target)}")
            return [self._commit(did, event.time, "delete", FOLLOW, rkey)]
        if isinstance(event, ProfileChanged | AccountCreated):
            return self._profile(did, event)
        if isinstance(event, EnforcementApplied):
            return self._enforcement(did, event)
        return []

    def _post(self, did: str, post: PostCreated) -> bytes:
        if post.repost_of is not None:
            record = {"$type": REPOST, "subject": _strong_ref(post.repost_of), "createdAt": iso(post.time)}
            collection = REPOST
        else:
            record = post_record(post)
            collection = POST
        parsed = parse_at_uri(post.post_id)
        rkey = parsed[2] if parsed is not None else tid_for(post.post_id)
        return self._commit(did, post.time, "create", collection, rkey, record)

    def _profile(self, did: str, event: ProfileChanged | AccountCreated) -> list[bytes]:
        lines = []
        if event.handle:
            identity = {"did": did, "handle": event.handle, "seq": self._next_seq(), "time": iso(event.time)}
            lines.append(_line(did, event.time, "identity", identity))
        record = _profile_record(event)
        if record is not None:
            operation = "create" if isinstance(event, AccountCreated) else "update"
            lines.append(self._commit(did, event.time, operation, PROFILE, "self", record))
        return lines

    def _enforcement(self, did: str, event: EnforcementApplied) -> list[bytes]:
        if event.action in ("unsuspend", "undelete"):
            active, status = True, None
        elif event.action == "suspend":
            active, status = False, event.reason if event.reason in SUSPEND_STATUSES else "takendown"
        elif event.action == "delete":
            active, status = False, event.reason if event.reason in DELETE_STATUSES else "deleted"
        else:
            return []
        # Key order as Jetstream writes it (indigo's struct order), so captures diff cleanly against real ones.
        account: dict[str, Any] = {"active": active, "did": did, "seq": self._next_seq()}
        if status is not None:
            account["status"] = status
        account["time"] = iso(event.time)
        return [_line(did, event.time, "account", account)]

    def _commit(
        self,
        did: str,
        time: datetime,
        operation: str,
        collection: str,
        rkey: str,
        record: dict[str, Any] | None = None,
    ) -> bytes:
        us = time_us(time)
        commit: dict[str, Any] = {"rev": tid(us << 10), "operation": operation, "collection": collection, "rkey": rkey}
        if record is not None:
            commit["record"] = record
            commit["cid"] = placeholder_cid(f"{at_uri(did, collection, rkey)}@{us}")
        return _line(did, time, "commit", commit)

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq


def _line(did: str, time: datetime, kind: str, payload: dict[str, Any]) -> bytes:
    return _encoder.encode({"did": did, "time_us": time_us(time), "kind": kind, kind: payload}) + b"\n"


def encode(events: Iterable[Event]) -> Iterator[bytes]:
    """Jetstream lines for ``events``; see :class:`JetstreamEncoder` to read the skip counts."""
    return JetstreamEncoder().encode(events)
