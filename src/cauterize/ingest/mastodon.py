"""Mastodon REST API entities and streaming lines -> canonical events.

Accepted records (one JSON document each):

* a Status, an Account, a list of either, a status context ``{"ancestors": [...], "descendants": [...]}`` or a
  search result ``{"accounts": [...], "statuses": [...]}``;
* what a moderator of an instance sees: Admin::Account and Admin::Report entities (``/api/v1/admin/accounts``,
  ``/api/v1/admin/reports``) and notifications (``/api/v1/notifications``, ``admin.report`` included);
* the recording wrapper ``{"endpoint": "/api/v1/...", "body": <any of the above>}``, whose endpoint says
  what a list means (``/api/v1/accounts/:id/followers`` lists accounts that follow ``:id``, ``/following`` those
  ``:id`` follows). The endpoint may
  be a full URL, which names the serving instance; an optional ``recorded_at`` (ISO 8601) says when the
  response was fetched;
* a streaming API message as sent on the WebSocket, ``{"stream": [...], "event": "update", "payload": "<Status
  as a JSON string>"}`` (``update``, ``status.update``, ``delete``, and the statuses inside ``notification``
  and ``conversation`` payloads; other events carry nothing for trust & safety and yield nothing).

Identity (shared with :mod:`cauterize.ingest.activitypub`, so the same post or account seen through the API
and through an inbox lands on the same keys and event ids):

* platform is ``"mastodon"`` for the whole fediverse: a T&S team watches it as one network, and Pleroma,
  Misskey or Friendica accounts arrive through the same API and the same ActivityPub.
* account id = the actor's ActivityPub id: Account ``uri`` (Mastodon 4.2+), else ``url``. The numeric ``id``
  is local to the instance that answered: the same remote account has a different one on every instance.
* handle = the fully qualified ``acct`` (``user@domain``); an ``acct`` without a domain is local to the serving
  instance, whose domain is taken from the account's ``url``.
* post id = Status ``uri`` (global; for a boost it is the Announce activity's id).
* local ids (``in_reply_to_id``, ``in_reply_to_account_id``, ``:id`` in an endpoint) are resolved to URIs
  from whatever the record itself holds (an ancestor in a context, the author, a mention). When they cannot
  be, they become ``local:<instance>:status:<id>`` / ``local:<instance>:account:<id>``, with the instance
  from the endpoint URL, the adapter's ``instance`` argument, or a local account in the record
  (``unknown-instance`` when none says) — a marker a later resolution step can recognise, never a URI.
* mentions carry the fully qualified handle; their ``account_id`` is the mentioned actor's URI when the
  record holds that account, else ``None``. The Mention entity's ``url`` is a profile page
  (``https://host/@name``), not the actor id (``https://host/users/name``), so using it would invent a second
  identity for the same account; the store keys such a mention by the handle, which the account's own
  snapshots carry too.
* event ids: ``status:<uri>`` (``status:<uri>:edit:<edited_at>`` for an edited status, so an edit is not
  dropped as a replay), ``status:<uri>:deleted``, ``account:<uri>:created``,
  ``account:<uri>:profile:<hash>`` (hash of handle, display name, bio, avatar and locked flag; follower
  counts change with every status and are left out of it, so they are "as first seen with this profile"),
  ``account:<uri>:suspended``, ``follow:<follower>:<followed>``.

Times: a status's own ``created_at`` (``edited_at`` for an edit), an account's ``created_at`` for its
creation. What has no time of its own (profile snapshots, follower lists) gets the observation time:
``recorded_at`` when the wrapper has one, else the latest timestamp the record holds — a lower bound on
when it was fetched, kept deterministic so a replay yields identical events. Streaming deletes carry no
time at all and get ``recorded_at`` or the adapter's clock.

Mapping choices:

* text = content warning (``spoiler_text``), the HTML ``content`` as plain text, and poll options, one block
  each: a content warning is where a post can hide what it says.
* urls = links in ``content`` that are not mentions or hashtags, then ``card.url``.
* media: ``remote_url`` (the file at its origin, the same through every instance) else ``url``; ``gifv`` is
  a gif; ``blurhash`` is a preview placeholder, not a perceptual hash, and is not put in ``hashes``.
* a boost (``reblog`` set) gives the inner status as its own post, and the boost as a post with
  ``repost_of`` and no text. A quote (4.4+ ``quote.quoted_status``) gives ``quote_of`` and the quoted post.
* ``/statuses/:id/reblogged_by`` and ``/favourited_by`` give account snapshots only: the list says who
  boosted, not the boost's own id or time, and the boosted status is known only by a local id. Boosts
  themselves arrive as statuses with ``reblog`` in timelines and the stream.
* the default avatar (``/avatars/original/missing.png``) is no avatar, so image matchers do not tie every
  account without one together; the same for the default header.
* identity signals: ``avatar`` -> ``avatar_url`` and ``avatar_hash``, ``header`` -> ``header_url`` and
  ``header_hash`` (stable keys of the upload, the same in every rendition and on every instance caching it;
  not perceptual hashes: see ``_profile.image_key``), ``note`` -> bio (HTML stripped), ``fields`` -> ``profile_fields``
  (name -> value, HTML stripped), the links of the note and the fields -> ``bio_urls``, ``bot``. These join
  the profile hash only when stated, so profiles without them keep their old snapshot ids.
* Admin::Report -> ReportFiled (reporter -> target, one per attached status, reason = category, comment and
  the rules cited; event id ``report:<instance>:<id>[:post:<uri>]``, which an ``admin.report`` notification
  of the same report shares) plus the attached statuses as posts. Admin::Account -> the account's snapshot,
  dated by the exact sign-up time for a local account, and ``suspended`` -> EnforcementApplied(suspend).
  Its email and IP addresses are left out: the canonical events have no place for them, and they are
  personal data that should stay in the instance's own database. A ``follow`` notification yields only the
  follower's snapshot: whom it follows (the authenticated user) is not in the record.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

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
)
from cauterize.ingest._html import render
from cauterize.ingest._profile import fields_and_links, image_key
from cauterize.ingest.base import Adapter, RecordError, Reject

PLATFORM = "mastodon"
UNKNOWN_INSTANCE = "unknown-instance"

_MEDIA_TYPES = {"image": "image", "video": "video", "gifv": "gif", "audio": "audio"}
_DEFAULT_AVATAR = "/avatars/original/missing.png"
_FOLLOWERS = re.compile(r"/api/v\d+/accounts/([^/?#]+)/followers/?$")
_FOLLOWING = re.compile(r"/api/v\d+/accounts/([^/?#]+)/following/?$")
_STATUS_EVENTS = frozenset({"update", "status.update"})
#: Streaming events with nothing to ingest (or only a client-side meaning).
_QUIET_EVENTS = frozenset(
    {
        "filters_changed",
        "announcement",
        "announcement.reaction",
        "announcement.delete",
        "encrypted_message",
        "notifications_merged",
    }
)
#: Statuses remembered for streaming deletes (about 30 MB at most); deletes of older ones become Rejects.
_SEEN_LIMIT = 100_000
#: A boost holds one status and a quote one more; deeper nesting is malformed or hostile.
_MAX_NESTING = 4


# --- identity helpers, shared with the ActivityPub adapter ----------------------------------------


def status_event_id(uri: str, edited_at: str | None = None) -> str:
    return f"status:{uri}:edit:{edited_at}" if edited_at else f"status:{uri}"


def account_created_id(uri: str) -> str:
    return f"account:{uri}:created"


def profile_event_id(
    uri: str,
    handle: str | None,
    display_name: str | None,
    bio: str | None,
    avatar_url: str | None,
    protected: bool | None,
    **identity: Any,
) -> str:
    """The snapshot's id: a hash of the identity fields.

    ``identity`` holds the signals added later (header, profile fields, bio links, bot); they
    join the hash only when one is stated, so a profile without them keeps the id it always had
    and a replay of old data adds nothing.
    """
    values: list[Any] = [handle, display_name, bio, avatar_url, protected]
    extra = [identity[k] or None for k in sorted(identity)]
    if any(v is not None for v in extra):
        values += extra
    canonical = msgspec.json.encode(values)
    return f"account:{uri}:profile:{hashlib.sha256(canonical).hexdigest()[:16]}"


def host_of(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def parse_time(value: Any, name: str) -> datetime:
    """An ISO 8601 time with a zone (``Z`` included), as UTC; a bare date is midnight UTC."""
    if not isinstance(value, str):
        raise RecordError(f"{name} is not a time string: {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name} is not an ISO 8601 time: {value!r}") from None
    if len(value) == 10:  # "YYYY-MM-DD"
        return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)
    if parsed.tzinfo is None:
        raise RecordError(f"{name} has no time zone: {value!r}")
    return parsed.astimezone(UTC)


def _time_or_none(value: Any) -> datetime | None:
    try:
        return parse_time(value, "time")
    except RecordError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array; anything else (a server bug, a truncated dump) holds none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _local_id(value: Any) -> str | None:
    """An instance-local id (a string, or a number from servers that send them unquoted)."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _need(obj: dict[str, Any], key: str, what: str) -> Any:
    value = obj.get(key)
    if value is None or value == "":
        raise RecordError(f"{what} has no {key!r}")
    return value


# --- sniffing --------------------------------------------------------------------------------------


def _is_status(obj: Any) -> bool:
    return isinstance(obj, dict) and "content" in obj and ("visibility" in obj or "uri" in obj) and "account" in obj


def _is_account(obj: Any) -> bool:
    return isinstance(obj, dict) and "acct" in obj and "username" in obj and "content" not in obj


def _is_admin_account(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("account"), dict)
        and "domain" in obj
        and "username" in obj
        and "content" not in obj
    )


def _is_admin_report(obj: Any) -> bool:
    return isinstance(obj, dict) and "target_account" in obj and "action_taken" in obj


def _is_notification(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("type"), str)
        and isinstance(obj.get("account"), dict)
        and "content" not in obj
        and "username" not in obj
    )


def _is_entity(obj: Any) -> bool:
    return _is_status(obj) or _is_account(obj) or _is_admin_account(obj) or _is_admin_report(obj)


def _is_search(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("accounts"), list) and isinstance(obj.get("statuses"), list)


def _is_context(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("ancestors"), list) and isinstance(obj.get("descendants"), list)


def _is_stream_message(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("event"), str) and isinstance(obj.get("stream"), list)


def _is_wrapper(obj: Any) -> bool:
    return (
        isinstance(obj, dict) and isinstance(obj.get("endpoint"), str) and "/api/" in obj["endpoint"] and "body" in obj
    )


# --- one record ------------------------------------------------------------------------------------


@dataclass
class _Record:
    """What one record tells about local ids, and the observation time of its snapshots."""

    instance: str | None
    observed_at: datetime | None = None
    uri_by_local_account: dict[str, str] = field(default_factory=dict)
    uri_by_url: dict[str, str] = field(default_factory=dict)
    status_by_local_id: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    latest: datetime | None = None
    inferred_instance: str | None = None

    def saw_time(self, value: Any) -> None:
        t = _time_or_none(value)
        if t is not None and (self.latest is None or t > self.latest):
            self.latest = t

    @property
    def when(self) -> datetime:
        t = self.observed_at or self.latest
        if t is None:
            raise RecordError("the record holds no timestamp to date its snapshots by")
        return t

    @property
    def instance_name(self) -> str:
        return self.instance or self.inferred_instance or UNKNOWN_INSTANCE

    def local(self, kind: str, local_id: Any) -> str:
        return f"local:{self.instance_name}:{kind}:{local_id}"

    def account_ref(self, local_id: Any) -> str | None:
        if local_id is None:
            return None
        return self.uri_by_local_account.get(str(local_id)) or self.local("account", local_id)

    def index_account(self, acc: Any) -> None:
        if not isinstance(acc, dict):
            return
        uri = _str(acc.get("uri")) or _str(acc.get("url"))
        if uri:
            if _local_id(acc.get("id")):
                self.uri_by_local_account[str(acc["id"])] = uri
            if _str(acc.get("url")):
                self.uri_by_url[acc["url"]] = uri
        acct = _str(acc.get("acct"))
        if acct and "@" not in acct and self.inferred_instance is None:
            self.inferred_instance = host_of(acc.get("url"))
        self.saw_time(acc.get("created_at"))
        self.saw_time(acc.get("last_status_at"))

    def index_status(self, st: Any, depth: int = 0) -> None:
        if not isinstance(st, dict) or depth > _MAX_NESTING:
            return
        account = st.get("account")
        self.index_account(account)
        author = None
        if isinstance(account, dict):
            author = _str(account.get("uri")) or _str(account.get("url"))
        if _str(st.get("uri")) and _local_id(st.get("id")):
            self.status_by_local_id[str(st["id"])] = (st["uri"], author)
        self.saw_time(st.get("created_at"))
        self.saw_time(st.get("edited_at"))
        for m in _dicts(st.get("mentions")):
            if self.inferred_instance is None:
                acct = _str(m.get("acct"))
                if acct and "@" not in acct:
                    self.inferred_instance = host_of(m.get("url"))
        self.index_status(st.get("reblog"), depth + 1)
        quote = st.get("quote")
        if isinstance(quote, dict):
            self.index_status(quote if "account" in quote else quote.get("quoted_status"), depth + 1)


class MastodonAdapter(Adapter):
    name = "mastodon"
    description = "Mastodon REST API entities (Status, Account, lists, recorded responses) and streaming messages"
    sniff_priority = 50

    def __init__(self, instance: str | None = None, clock: Callable[[], datetime] | None = None) -> None:
        """``instance`` names the server the responses came from (for ids local to it); ``clock`` dates
        streaming deletes, which carry no time."""
        self.instance = instance
        self._clock = clock or (lambda: datetime.now(UTC))
        # Streaming deletes give only a local status id: remember the statuses this adapter has seen.
        self._seen: OrderedDict[str, tuple[str, str | None]] = OrderedDict()

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        if _is_wrapper(obj) or _is_stream_message(obj) or _is_entity(obj) or _is_context(obj) or _is_search(obj):
            return True
        return isinstance(obj, list) and bool(obj) and (_is_entity(obj[0]) or _is_notification(obj[0]))

    # -- record dispatch ----------------------------------------------------------------------------

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        except RecursionError:
            raise RecordError("JSON nested too deeply to read") from None
        if _is_stream_message(obj):
            return list(self._stream(obj))
        if _is_wrapper(obj):
            endpoint = obj["endpoint"]
            rec = _Record(instance=host_of(endpoint) or self.instance)
            if obj.get("recorded_at") is not None:
                rec.observed_at = parse_time(obj["recorded_at"], "recorded_at")
            return list(self._body(obj["body"], urlsplit(endpoint).path, "body", rec))
        return list(self._body(obj, "", "", _Record(instance=self.instance)))

    def _body(self, body: Any, endpoint: str, where: str, rec: _Record) -> Iterator[Event | Reject]:
        single = False
        if isinstance(body, dict) and "error" in body and len(body) <= 2:
            raise RecordError(f"the response is an API error: {str(body['error'])[:200]}")
        if _is_context(body) or _is_search(body):
            parts = ("ancestors", "descendants") if _is_context(body) else ("accounts", "statuses")
            items = [(f"{where}.{part}[{i}]".lstrip("."), s) for part in parts for i, s in enumerate(body[part])]
        elif isinstance(body, list):
            items = [(f"{where}[{i}]", item) for i, item in enumerate(body)]
        elif isinstance(body, dict):
            items, single = [(where, body)], True
        else:
            raise RecordError(f"{where or 'record'} is a JSON {type(body).__name__}, not a Mastodon entity or list")
        self._index([item for _, item in items], rec)
        emitted: set[str] = set()
        listed: list[str] = []
        for item_where, item in items:
            try:
                events = self._entity(item, rec)
            except RecordError as exc:
                if single:  # the one entity of the record is the record: dead-letter it whole
                    raise
                yield Reject(str(exc), item_where, msgspec.json.encode(item))
                continue
            for event in events:
                # A timeline repeats its authors: one snapshot per account per record is enough.
                if event.event_id not in emitted:
                    emitted.add(event.event_id)
                    yield event
            if _is_account(item) and events:
                listed.append(events[0].actor)
        yield from self._follows(endpoint, listed, rec)

    def _index(self, items: list[Any], rec: _Record) -> None:
        for item in items:
            if _is_account(item):
                rec.index_account(item)
            elif _is_admin_account(item):
                rec.index_account(item["account"])
            elif _is_admin_report(item):
                rec.saw_time(item.get("created_at"))
                rec.saw_time(item.get("updated_at"))
                for key in ("account", "target_account"):
                    if isinstance(item.get(key), dict):
                        rec.index_account(item[key].get("account"))
                for st in _dicts(item.get("statuses")):
                    rec.index_status(st)
            elif _is_notification(item):
                rec.saw_time(item.get("created_at"))
                rec.index_account(item["account"])
                rec.index_status(item.get("status"))
                if isinstance(item.get("report"), dict):
                    rec.index_account(item["report"].get("target_account"))
            else:
                rec.index_status(item)
        for local_id, ref in rec.status_by_local_id.items():
            self._remember(local_id, ref)

    def _follows(self, endpoint: str, listed: list[str], rec: _Record) -> Iterator[Event]:
        if not listed:
            return
        if m := _FOLLOWERS.search(endpoint):
            pairs = [(account, rec.account_ref(m.group(1))) for account in listed]
        elif m := _FOLLOWING.search(endpoint):
            pairs = [(rec.account_ref(m.group(1)), account) for account in listed]
        else:
            return
        for follower, followed in pairs:
            if follower is None or followed is None:
                continue
            yield Follow(
                platform=PLATFORM,
                event_id=f"follow:{follower}:{followed}",
                actor=follower,
                time=rec.when,
                target=followed,
            )

    def _entity(self, obj: Any, rec: _Record) -> list[Event]:
        if _is_account(obj):
            return self._account(obj, rec)
        if _is_admin_account(obj):
            return self._admin_account(obj, rec)
        if _is_admin_report(obj):
            return self._admin_report(obj, rec)
        if _is_notification(obj):
            return self._notification(obj, rec)
        if isinstance(obj, dict) and ("content" in obj or "account" in obj or "reblog" in obj):
            return self._status(obj, rec)
        raise RecordError("neither a Mastodon Status nor an Account")

    # -- moderation (admin API, notifications) ------------------------------------------------------

    def _admin_account(self, admin: dict[str, Any], rec: _Record) -> list[Event]:
        # Email and IP addresses are left behind on purpose: the canonical events have no place for
        # them, and they are personal data that should not spread past the instance's own database.
        events = self._account(admin["account"], rec)
        signed_up = _time_or_none(admin.get("created_at"))
        if admin.get("domain") is None and signed_up is not None and isinstance(events[0], AccountCreated):
            # For a local account the admin view has the exact sign-up time, the public one only the day
            # (for a remote one it is when this instance discovered it, not when it was made).
            events[0] = msgspec.structs.replace(events[0], time=signed_up)
        if admin.get("suspended") is True and not any(isinstance(e, EnforcementApplied) for e in events):
            events.append(self._suspension(events[0].actor, events[-1].time, "suspended by this instance's moderators"))
        return events

    def _admin_report(self, report: dict[str, Any], rec: _Record) -> list[Event]:
        """Admin::Report: a report filed with this instance, with the reporter, target and statuses."""
        report_id = _local_id(report.get("id"))
        if report_id is None:
            raise RecordError("report has no 'id'")
        reporter, target = report.get("account"), report.get("target_account")
        if not (_is_admin_account(reporter) and _is_admin_account(target)):
            raise RecordError("report lacks its 'account' or 'target_account' (Admin::Account with 'account')")
        reporter_events, target_events = self._admin_account(reporter, rec), self._admin_account(target, rec)
        events = reporter_events + target_events
        posts: list[str] = []
        for st in _dicts(report.get("statuses")):
            status_events = self._status(st, rec)
            events += status_events
            posts += [e.post_id for e in status_events if isinstance(e, PostCreated) and e.repost_of is None]
        reason = " — ".join(
            p
            for p in (
                _str(report.get("category")),
                _str(report.get("comment")),
                *(_str(r.get("text")) for r in _dicts(report.get("rules"))),
            )
            if p
        )
        events += self._reports(
            f"report:{rec.instance_name}:{report_id}",
            reporter=reporter_events[0].actor,
            target=target_events[0].actor,
            posts=posts,
            reason=reason or None,
            time=parse_time(_need(report, "created_at", "report"), "report created_at"),
        )
        return events

    def _notification(self, note: dict[str, Any], rec: _Record) -> list[Event]:
        """A notification: the notifying account, its status, and for ``admin.report`` the report."""
        events = self._account(note["account"], rec)
        if isinstance(note.get("status"), dict):
            events += self._status(note["status"], rec)
        report = note.get("report")
        if note.get("type") == "admin.report" and isinstance(report, dict):
            report_id = _local_id(report.get("id")) or _local_id(note.get("id"))
            target_events = self._account(report.get("target_account"), rec)
            status_ids = report.get("status_ids") if isinstance(report.get("status_ids"), list) else []
            posts = [self._local_post(i, None, rec).post_id for i in status_ids if _local_id(i)]
            events += target_events
            events += self._reports(
                f"report:{rec.instance_name}:{report_id}",
                reporter=events[0].actor,
                target=target_events[0].actor,
                posts=posts,
                reason=" — ".join(p for p in (_str(report.get("category")), _str(report.get("comment"))) if p) or None,
                time=parse_time(_need(report, "created_at", "report"), "report created_at"),
            )
        return events

    @staticmethod
    def _reports(
        event_id: str, *, reporter: str, target: str, posts: list[str], reason: str | None, time: datetime
    ) -> list[Event]:
        # One report per reported post, so each post can be looked up by its reports.
        per_post: list[tuple[str, str | None]] = [(f"{event_id}:post:{p}", p) for p in posts]
        return [
            ReportFiled(
                platform=PLATFORM, event_id=eid, actor=reporter, time=time, target=target, post_id=post, reason=reason
            )
            for eid, post in per_post or [(event_id, None)]
        ]

    @staticmethod
    def _suspension(account: str, time: datetime, why: str) -> EnforcementApplied:
        return EnforcementApplied(
            platform=PLATFORM,
            event_id=f"account:{account}:suspended",
            actor=account,
            time=time,
            action="suspend",
            reason=why,
        )

    # -- accounts -----------------------------------------------------------------------------------

    def _account(self, acc: Any, rec: _Record) -> list[Event]:
        if not isinstance(acc, dict):
            raise RecordError("account is not an object")
        uri = _str(acc.get("uri")) or _str(acc.get("url"))
        if uri is None:
            raise RecordError("account has neither 'uri' nor 'url'")
        created = parse_time(_need(acc, "created_at", "account"), "account created_at")
        acct = _str(acc.get("acct")) or _str(acc.get("username"))
        handle = None
        if acct:
            domain = host_of(acc.get("url")) if "@" not in acct else None
            handle = f"{acct}@{domain}" if domain else acct
        avatar = _str(acc.get("avatar"))
        if avatar and avatar.endswith(_DEFAULT_AVATAR):
            avatar = None
        header = _str(acc.get("header"))
        header_hash = image_key(header)
        display_name = _str(acc.get("display_name"))
        note = render(acc.get("note"))
        bio = note.text or None
        profile_fields, bio_urls = fields_and_links(acc.get("fields"), note)
        locked = acc.get("locked") if isinstance(acc.get("locked"), bool) else None
        bot = acc.get("bot") if isinstance(acc.get("bot"), bool) else None
        followers = _count(acc.get("followers_count"))
        following = _count(acc.get("following_count"))
        identity = {
            "header_url": header if header_hash else None,
            "profile_fields": profile_fields,
            "bio_urls": bio_urls,
            "bot": bot or None,  # False is the default of every account: no signal, and no new snapshot id
        }
        profile = {
            "handle": handle,
            "display_name": display_name,
            "bio": bio,
            "avatar_url": avatar,
            "avatar_hash": image_key(avatar),
            "header_hash": header_hash,
            "followers_count": followers,
            "following_count": following,
            **identity,
            "bot": bot,
        }
        events: list[Event] = [
            AccountCreated(
                platform=PLATFORM,
                event_id=account_created_id(uri),
                actor=uri,
                time=created,
                protected=bool(locked),
                **profile,
            ),
            ProfileChanged(
                platform=PLATFORM,
                event_id=profile_event_id(uri, handle, display_name, bio, avatar, locked, **identity),
                actor=uri,
                time=max(rec.when, created),
                protected=locked,
                **profile,
            ),
        ]
        if acc.get("suspended") is True:
            events.append(
                self._suspension(uri, max(rec.when, created), "account marked suspended by the serving instance")
            )
        return events

    # -- statuses -----------------------------------------------------------------------------------

    def _status(self, st: Any, rec: _Record, depth: int = 0) -> list[Event]:
        if not isinstance(st, dict):
            raise RecordError("status is not an object")
        if depth > _MAX_NESTING:
            raise RecordError(f"statuses nested more than {_MAX_NESTING} deep (boosts and quotes of quotes)")
        uri = _need(st, "uri", "status")
        if not isinstance(uri, str):
            raise RecordError(f"status 'uri' is not a string: {uri!r}")
        account = _need(st, "account", "status")
        created = parse_time(_need(st, "created_at", "status"), "status created_at")
        author_events = self._account(account, rec)
        author = author_events[0].actor
        edited_raw = _str(st.get("edited_at"))
        edited = parse_time(edited_raw, "status edited_at") if edited_raw else None
        event_id = status_event_id(uri, edited_raw)
        time = edited or created

        reblog = st.get("reblog")
        if isinstance(reblog, dict):
            inner = self._status(reblog, rec, depth + 1)
            inner_post = next(e for e in inner if isinstance(e, PostCreated))
            boost = PostCreated(
                platform=PLATFORM,
                event_id=event_id,
                actor=author,
                time=time,
                post_id=uri,
                repost_of=PostRef(post_id=inner_post.post_id, account_id=inner_post.actor),
            )
            return [*author_events, boost, *inner]

        quoted: list[Event] = []
        quote_of = None
        quote = st.get("quote")
        if isinstance(quote, dict):
            # 4.4+ wraps the quoted post as {state, quoted_status} or {state, quoted_status_id};
            # Fedibird and glitch-soc put the Status itself in ``quote``.
            quoted_status = quote.get("quoted_status") if "account" not in quote else quote
            if isinstance(quoted_status, dict):
                quoted = self._status(quoted_status, rec, depth + 1)
                qpost = next(e for e in quoted if isinstance(e, PostCreated))
                quote_of = PostRef(post_id=qpost.post_id, account_id=qpost.actor)
            elif _local_id(quote.get("quoted_status_id")):
                quote_of = self._local_post(quote["quoted_status_id"], None, rec)

        rendered = render(st.get("content"))
        mentions, mention_urls = self._mentions(st.get("mentions"), rec)
        tags = _dicts(st.get("tags"))
        hashtags = tuple(t["name"] for t in tags if _str(t.get("name")))
        tag_urls = {t["url"] for t in tags if _str(t.get("url"))}
        urls: list[str] = []
        for a in rendered.anchors:
            if a.classes & {"mention", "hashtag"} or "tag" in a.rel or a.href in mention_urls or a.href in tag_urls:
                continue
            if a.href.startswith(("http://", "https://")) and a.href not in urls:
                urls.append(a.href)
        card = st.get("card")
        if isinstance(card, dict) and _str(card.get("url")) and card["url"] not in urls:
            urls.append(card["url"])

        reply_to = None
        if _local_id(st.get("in_reply_to_id")):
            reply_account = _local_id(st.get("in_reply_to_account_id"))
            if reply_account is not None and reply_account == _local_id(account.get("id")):
                reply_account_ref: str | None = author  # a thread continued by its author
            else:
                reply_account_ref = rec.account_ref(reply_account)
            reply_to = self._local_post(st["in_reply_to_id"], reply_account_ref, rec)

        post = PostCreated(
            platform=PLATFORM,
            event_id=event_id,
            actor=author,
            time=time,
            post_id=uri,
            text=_status_text(st, rendered.text),
            lang=_str(st.get("language")),
            media=self._media(st.get("media_attachments")),
            hashtags=hashtags,
            mentions=mentions,
            urls=tuple(urls),
            reply_to=reply_to,
            quote_of=quote_of,
        )
        return [*author_events, post, *quoted]

    def _local_post(self, local_id: Any, account: str | None, rec: _Record) -> PostRef:
        known = rec.status_by_local_id.get(str(local_id)) or self._seen.get(str(local_id))
        if known:
            return PostRef(post_id=known[0], account_id=known[1] or account)
        return PostRef(post_id=rec.local("status", local_id), account_id=account)

    def _mentions(self, raw: Any, rec: _Record) -> tuple[tuple[Mention, ...], set[str]]:
        out: list[Mention] = []
        urls: set[str] = set()
        for m in _dicts(raw):
            url = _str(m.get("url"))
            acct = _str(m.get("acct")) or _str(m.get("username"))
            if url:
                urls.add(url)
            if not acct:
                continue
            domain = host_of(url) if "@" not in acct else None
            handle = f"{acct}@{domain}" if domain else acct
            account_id = rec.uri_by_url.get(url or "") or rec.uri_by_local_account.get(_local_id(m.get("id")) or "")
            out.append(Mention(handle=handle, account_id=account_id))
        return tuple(out), urls

    @staticmethod
    def _media(raw: Any) -> tuple[MediaRef, ...]:
        out = []
        for m in _dicts(raw):
            out.append(
                MediaRef(
                    type=_MEDIA_TYPES.get(_str(m.get("type")) or "", "other"),  # type: ignore[arg-type]
                    url=_str(m.get("remote_url")) or _str(m.get("url")),
                )
            )
        return tuple(out)

    def _remember(self, local_id: str, ref: tuple[str, str | None]) -> None:
        self._seen[local_id] = ref
        self._seen.move_to_end(local_id)
        while len(self._seen) > _SEEN_LIMIT:
            self._seen.popitem(last=False)

    # -- streaming ----------------------------------------------------------------------------------

    def _stream(self, msg: dict[str, Any]) -> Iterator[Event | Reject]:
        event = msg["event"]
        payload = msg.get("payload")
        recorded = parse_time(msg["recorded_at"], "recorded_at") if msg.get("recorded_at") is not None else None
        if event in _QUIET_EVENTS:
            return
        if event == "delete":
            yield from self._stream_delete(payload, recorded)
            return
        if event not in _STATUS_EVENTS | {"notification", "conversation"}:
            raise RecordError(f"unknown Mastodon streaming event {event!r}")
        if not isinstance(payload, str):
            raise RecordError(f"streaming {event!r} payload is not a JSON string")
        try:
            inner = msgspec.json.decode(payload)
        except (msgspec.DecodeError, RecursionError) as exc:
            raise RecordError(f"streaming {event!r} payload is not JSON: {exc}") from None
        if event == "notification" or event == "conversation":
            key = "status" if event == "notification" else "last_status"
            inner = inner.get(key) if isinstance(inner, dict) else None
            if not isinstance(inner, dict):
                return
        rec = _Record(instance=self.instance, observed_at=recorded)
        yield from self._body(inner, "", "payload", rec)

    def _stream_delete(self, payload: Any, recorded: datetime | None) -> Iterator[Event | Reject]:
        local_id = _local_id(payload.strip('"') if isinstance(payload, str) else payload)
        if local_id is None:
            raise RecordError("streaming 'delete' has no status id")
        known = self._seen.get(local_id)
        if known is None or known[1] is None:
            yield Reject(
                f"streaming delete of status {local_id}: the status was not seen earlier in this input, "
                "so its URI and author are unknown",
                "payload",
                local_id.encode(),
            )
            return
        uri, author = known
        yield PostDeleted(
            platform=PLATFORM,
            event_id=f"status:{uri}:deleted",
            actor=author,
            time=recorded or self._clock(),
            post_id=uri,
        )


def _status_text(st: dict[str, Any], body: str) -> str:
    parts = []
    if _str(st.get("spoiler_text")):
        parts.append(st["spoiler_text"].strip())
    if body:
        parts.append(body)
    poll = st.get("poll")
    if isinstance(poll, dict):
        options = [o["title"] for o in _dicts(poll.get("options")) if _str(o.get("title"))]
        if options:
            parts.append("\n".join(options))
    return "\n\n".join(parts)
