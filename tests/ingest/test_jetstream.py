"""The Bluesky Jetstream adapter and its inverse writer.

There is no Jetstream capture with a clear licence, so the fixtures in ``tests/fixtures/jetstream/``
were written from the documentation: the event envelope and commit fields from the
bluesky-social/jetstream README's example events and its ``pkg/models/models.go``; the identity
and account payloads from the ``com.atproto.sync.subscribeRepos`` lexicon (``#identity``,
``#account``); the records from the atproto lexicons ``app.bsky.feed.post``,
``app.bsky.feed.repost``, ``app.bsky.graph.follow``, ``app.bsky.actor.profile``,
``app.bsky.richtext.facet`` (byte-slice index, ``#mention``/``#link``/``#tag``) and
``app.bsky.embed.images``/``video``/``external``/``record``/``recordWithMedia``, with blobs in the
atproto data model's JSON form (``{"$type": "blob", "ref": {"$link": cid}, ...}``). The accounts
(the fictional "Ashen Banner"), DIDs, rkeys and CIDs are made up.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cauterize.emit.jetstream import JetstreamEncoder, encode, placeholder_cid, post_uri, tid, tid_for, to_did
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
    to_builtins,
)
from cauterize.ingest.base import RecordError, Reject
from cauterize.ingest.jetstream import (
    CODEC_RAW,
    FACET_MENTION,
    FACET_TAG,
    FOLLOW_MEMORY,
    Jetstream,
    cid_from_sha256,
    sha256_from_cid,
    time_from_us,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "jetstream"

ASHEN = "did:plc:ashenmedia22222222222222"
EMBER = "did:plc:embercircle2222222222222"
GREY = "did:plc:greycinder22222222222222"
ALT = "did:plc:lurkeralt222222222222222"
# The fixture blobs are the real CIDs of the bytes b"fixture:<name>" (raw codec, SHA-256).
IMG1_CID = "bafkreidjfugutvuroiv3wmq6mhzzv7fgtpoy6aoze34z5obskr5s6gso6i"
IMG1_SHA256 = hashlib.sha256(b"fixture:img1").hexdigest()
AVATAR_CID = "bafkreie52d3625zgxbh25yudsflziv3x7xcyg6dzgdtxp43b2gqibu4k2u"
#: The CID of zero bytes, as every IPFS/atproto implementation writes it.
EMPTY_RAW_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
PLC = re.compile(r"did:plc:[a-z2-7]{24}")


def lines(name: str) -> list[bytes]:
    return [line for line in (FIXTURES / name).read_bytes().splitlines() if line.strip()]


def parse_all(name: str, adapter: Jetstream | None = None) -> list[Event | Reject]:
    adapter = adapter or Jetstream()
    return [item for line in lines(name) for item in adapter.parse(line)]


def by_rkey(name: str) -> dict[str, list[Event | Reject]]:
    """Each commit line's output, keyed by ``<operation>:<rkey>`` (update and create differ)."""
    adapter = Jetstream()
    out: dict[str, list[Event | Reject]] = {}
    for line in lines(name):
        commit = msgspec.json.decode(line)["commit"]
        out[f"{commit['operation']}:{commit['rkey']}"] = list(adapter.parse(line))
    return out


def only(items: list[Event | Reject]) -> Any:
    assert len(items) == 1, items
    return items[0]


def uri(did: str, collection: str, rkey: str) -> str:
    return f"at://{did}/{collection}/{rkey}"


# --- sniffing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["posts.jsonl", "social.jsonl", "profiles.jsonl", "identity.jsonl", "account.jsonl", "ignored.jsonl"]
)
def test_sniff_accepts_every_fixture_kind(name: str) -> None:
    assert all(Jetstream.sniff(msgspec.json.decode(line)) for line in lines(name))


@pytest.mark.parametrize(
    "obj",
    [
        {"did": ASHEN, "kind": "commit"},
        {"time_us": 1, "kind": "commit"},
        {"did": ASHEN, "time_us": 1},
        [{"did": ASHEN, "time_us": 1, "kind": "commit"}],
        {
            "kind": "post_created",
            "event_id": "e1",
            "platform": "bluesky",
            "actor": ASHEN,
            "time": "2026-01-01T00:00:00Z",
        },
    ],
)
def test_sniff_rejects_other_shapes(obj: Any) -> None:
    assert not Jetstream.sniff(obj)


def test_registry_picks_jetstream_from_the_first_line() -> None:
    from cauterize.ingest.registry import get_adapter, sniff

    assert isinstance(sniff(lines("posts.jsonl")[0]), Jetstream)
    assert isinstance(get_adapter("jetstream"), Jetstream)


# --- posts -------------------------------------------------------------------------------------------


def test_post_fields_and_time_is_time_us_not_created_at() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenplain2"])
    assert isinstance(post, PostCreated)
    assert post.platform == "bluesky"
    assert post.actor == ASHEN
    assert post.post_id == uri(ASHEN, "app.bsky.feed.post", "3lashenplain2")
    assert post.event_id == f"{ASHEN}/app.bsky.feed.post/3lashenplain2@3lashenrv2ga2"
    assert post.text == "Ashen Banner newsletter is out: https://ashen-banner.example/n/1 #AshenBanner"
    assert post.lang == "en"  # the first of ["en", "de"]
    assert post.urls == ("https://ashen-banner.example/n/1",)
    # The tag facet and the record's tags overlap: kept once, facets first.
    assert post.hashtags == ("AshenBanner", "newsletter")
    # createdAt says 2019 (client-set); the event time is Jetstream's time_us.
    assert post.time == datetime(2026, 1, 1, 0, 0, 1, 123, tzinfo=UTC)
    assert post.reply_to is None and post.quote_of is None and post.repost_of is None and post.media == ()


def test_mention_handle_is_cut_by_utf8_byte_offsets_after_emoji() -> None:
    line = lines("posts.jsonl")[1]
    record = msgspec.json.decode(line)["commit"]["record"]
    index = record["facets"][0]["index"]
    # The emoji before the mention make byte and character offsets differ: the test means something.
    assert record["text"].index("@") != index["byteStart"]
    post = only(list(Jetstream().parse(line)))
    assert post.mentions == (Mention(handle="ember-circle.bsky.social", account_id=EMBER),)


def test_mention_and_hashtag_in_arabic_text() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenarabc2"])
    assert post.lang == "ar"
    assert post.mentions == (Mention(handle="grey-cinder.bsky.social", account_id=GREY),)
    assert post.hashtags == ("الراية_الرمادية",)
    assert post.text.startswith("نشرة")


def test_reply_points_at_the_parent_not_the_root() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenreply2"])
    assert post.reply_to == PostRef(post_id=uri(EMBER, "app.bsky.feed.post", "3lashenarabc2"), account_id=EMBER)


def test_quote_of_from_record_embed() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenquote2"])
    assert post.quote_of == PostRef(post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"), account_id=ASHEN)
    assert post.lang is None


def test_image_blobs_keep_their_cid_as_id_and_hash() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenimage2"])
    assert len(post.media) == 2
    first = post.media[0]
    assert first == MediaRef(media_id=IMG1_CID, type="image", hashes={"cid": IMG1_CID, "sha256": IMG1_SHA256})
    assert first.url is None
    assert post.media[1].type == "image" and post.media[1].hashes["cid"] != IMG1_CID


def test_video_blob() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenvideo2"])
    assert [m.type for m in post.media] == ["video"]
    video = post.media[0]
    assert video.media_id == video.hashes["cid"]
    assert video.hashes["sha256"] == hashlib.sha256(b"fixture:vid1").hexdigest()


def test_external_embed_adds_a_url_and_drops_the_card_thumbnail() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenextrn2"])
    assert post.urls == ("https://mirror.example/ashen",)
    assert post.media == ()


def test_record_with_media_gives_quote_and_media() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenrwmed2"])
    assert post.quote_of == PostRef(post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenimage2"), account_id=ASHEN)
    assert [m.hashes["cid"] for m in post.media] == [IMG1_CID]


def test_embedded_starter_pack_is_not_a_quote() -> None:
    post = only(by_rkey("posts.jsonl")["create:3lashenlistq2"])
    assert post.quote_of is None
    assert post.urls == ()


def test_bad_facets_reject_the_item_and_keep_the_post() -> None:
    items = by_rkey("posts.jsonl")["create:3lashenbadfc2"]
    post, *rejects = items
    assert isinstance(post, PostCreated)
    assert post.text == "é @ashen-media.bsky.social"
    # The range starts inside "é": no handle can be cut, so the DID stands in.
    assert post.mentions == (Mention(handle=ASHEN, account_id=ASHEN),)
    assert post.urls == ()
    assert [r.where for r in rejects] == ["commit.record.facets[1]", "commit.record.facets[2]"]
    assert all(isinstance(r, Reject) for r in rejects)
    assert "index" in rejects[0].reason
    assert "uri" in rejects[1].reason
    assert msgspec.json.decode(rejects[0].raw) == {
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://x.example"}]
    }


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (3, 28),  # counted in characters, as a buggy client might: splits the second emoji
        (10, 34),  # one byte late: misses the "@"
        (9, 37),  # runs past the handle into the next word
        (30, 99),  # past the end of the text
    ],
)
def test_a_mention_over_the_wrong_bytes_keeps_the_did_not_garbage(start: int, end: int) -> None:
    text = "🔥🔥 @ember-circle.bsky.social hi"
    assert text.encode()[9:34].decode() == "@ember-circle.bsky.social"  # the right range, for contrast
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "facets": [
            {"index": {"byteStart": start, "byteEnd": end}, "features": [{"$type": FACET_MENTION, "did": EMBER}]}
        ],
    }
    post = only(list(Jetstream().parse(_line(commit=_POST | {"record": record}))))
    assert post.mentions == (Mention(handle=EMBER, account_id=EMBER),)


def test_hashtags_lose_a_written_hash_sign_and_repeat_once() -> None:
    text = "#AshenBanner"
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "facets": [
            {"index": {"byteStart": 0, "byteEnd": 12}, "features": [{"$type": FACET_TAG, "tag": "#AshenBanner"}]}
        ],
        "tags": ["AshenBanner", "#archive", "archive"],
    }
    post = only(list(Jetstream().parse(_line(commit=_POST | {"record": record}))))
    assert post.hashtags == ("AshenBanner", "archive")


def test_post_update_is_a_new_version_of_the_same_post() -> None:
    out = by_rkey("posts.jsonl")
    original, updated = only(out["create:3lashenplain2"]), only(out["update:3lashenplain2"])
    assert updated.post_id == original.post_id
    assert updated.event_id != original.event_id
    assert updated.text == "Ashen Banner newsletter (edited)"
    assert updated.time > original.time


# --- reposts, follows, deletes -------------------------------------------------------------------------


def test_repost_follow_and_deletes() -> None:
    repost, follow, unfollow, repost_deleted, post_deleted = parse_all("social.jsonl")

    assert isinstance(repost, PostCreated)
    assert repost.post_id == uri(ALT, "app.bsky.feed.repost", "3lashenrepst2")
    assert repost.repost_of == PostRef(post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"), account_id=ASHEN)
    assert repost.text == "" and repost.actor == ALT

    assert isinstance(follow, Follow)
    assert (follow.actor, follow.target) == (ALT, ASHEN)

    # The delete names only the follow record; the adapter remembers whom that record followed.
    assert isinstance(unfollow, Unfollow)
    assert (unfollow.actor, unfollow.target) == (ALT, ASHEN)
    assert unfollow.event_id == f"{ALT}/app.bsky.graph.follow/3lashenfollw2@3lashenrv2ya2"

    assert isinstance(repost_deleted, PostDeleted)
    assert repost_deleted.post_id == repost.post_id
    assert isinstance(post_deleted, PostDeleted)
    assert post_deleted.post_id == uri(ASHEN, "app.bsky.feed.post", "3lashenplain2")
    assert post_deleted.event_id == f"{ASHEN}/app.bsky.feed.post/3lashenplain2@3lashenrv32a2"


# --- profiles and identity -----------------------------------------------------------------------------


def test_profile_snapshots() -> None:
    created, updated, deleted = parse_all("profiles.jsonl")
    assert isinstance(created, ProfileChanged)
    assert created.actor == ALT
    assert created.display_name == "Ashen Banner 🏴"
    assert created.bio == "archive • أرشيف"
    assert created.avatar_hash == AVATAR_CID
    assert created.avatar_url is None and created.handle is None
    # No description in the new snapshot: the bio was cleared, not left unknown.
    assert (updated.display_name, updated.bio, updated.avatar_hash) == ("Grey archive", "", AVATAR_CID)
    assert (deleted.display_name, deleted.bio, deleted.avatar_hash) == ("", "", "")
    # the banner is a blob too: its CID is the header's hash; a snapshot without one clears it
    banner = msgspec.json.decode(lines("profiles.jsonl")[0])["commit"]["record"]["banner"]["ref"]["$link"]
    assert (created.header_hash, updated.header_hash, deleted.header_hash) == (banner, "", "")
    assert created.pinned_post_id == updated.pinned_post_id == deleted.pinned_post_id == ""


def test_profile_pinned_post_and_links_in_the_description() -> None:
    """``pinnedPost`` (a strongRef) and plain-text links, per the app.bsky.actor.profile lexicon."""
    pinned = f"at://{ALT}/app.bsky.feed.post/3lashenpin222"
    record = {
        "$type": "app.bsky.actor.profile",
        "displayName": "Grey archive",
        "description": "new home, old one gone. mirror: https://files.example/ashen. chat https://chat.example/g/1",
        "pinnedPost": {"uri": pinned, "cid": "bafyreickwsj64htyanwp23xwykkagu6ldunor2vjn57r3guuq722xpf2nm"},
    }
    line = {
        "did": ALT,
        "time_us": 1767225618002214,
        "kind": "commit",
        "commit": {
            "rev": "3lashenrv39a2",
            "operation": "update",
            "collection": "app.bsky.actor.profile",
            "rkey": "self",
        }
        | {"record": record, "cid": "bafyreicwtcafsb6ptocq7kaguuy4tug4hbfj7v5cipu3elwbm42wqtlmcu"},
    }
    event = only(list(Jetstream().parse(msgspec.json.encode(line))))
    assert event.pinned_post_id == pinned
    assert event.bio_urls == ("https://files.example/ashen", "https://chat.example/g/1")


def test_identity_events() -> None:
    adapter = Jetstream()
    events = parse_all("identity.jsonl", adapter)
    event = only(events)
    assert isinstance(event, ProfileChanged)
    assert event.handle == "ashen-media-backup.bsky.social"
    assert event.event_id == f"identity:{ALT}:4410000001"
    assert event.display_name is None and event.bio is None
    assert adapter.ignored["identity:no-handle"] == 2  # no handle; handle.invalid


# --- account status ------------------------------------------------------------------------------------


def test_account_status_mapping() -> None:
    adapter = Jetstream()
    events = parse_all("account.jsonl", adapter)
    got = [(e.actor, e.action, e.reason, e.event_id) for e in events]
    assert got == [
        (ASHEN, "suspend", "takendown", f"account:{ASHEN}:4410000010"),
        (EMBER, "suspend", "suspended", f"account:{EMBER}:4410000011"),
        (GREY, "delete", "deleted", f"account:{GREY}:4410000012"),
        (ALT, "delete", "deactivated", f"account:{ALT}:4410000013"),
        (ASHEN, "unsuspend", None, f"account:{ASHEN}:4410000014"),
    ]
    assert all(isinstance(e, EnforcementApplied) and e.post_id is None for e in events)
    assert adapter.ignored == {"account:desynchronized": 1, "account:throttled": 1, "account:inactive": 1}


def test_other_collections_are_counted_not_errors() -> None:
    adapter = Jetstream()
    assert parse_all("ignored.jsonl", adapter) == []
    assert adapter.ignored == {
        "app.bsky.feed.like": 2,
        "app.bsky.graph.block": 1,
        "app.bsky.graph.listitem": 1,
        "app.bsky.graph.follow": 1,  # a follow record rewritten: nothing changes
    }


def _follow_line(op: str, rkey: str, subject: str | None = None, us: int = 1767225600000000) -> bytes:
    commit: dict[str, Any] = {
        "rev": "3lashenrv22a2",
        "operation": op,
        "collection": "app.bsky.graph.follow",
        "rkey": rkey,
    }
    if subject is not None:
        commit["record"] = {
            "$type": "app.bsky.graph.follow",
            "subject": subject,
            "createdAt": "2026-01-01T00:00:00.000Z",
        }
    return msgspec.json.encode({"did": ALT, "time_us": us, "kind": "commit", "commit": commit})


def test_unfollow_of_a_follow_not_seen_is_counted_not_guessed() -> None:
    adapter = Jetstream()
    assert list(adapter.parse(_follow_line("delete", "3lashenolder2"))) == []
    assert adapter.ignored == {"app.bsky.graph.follow:unresolved-delete": 1}


def test_follow_memory_is_bounded_and_forgets_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cauterize.ingest.jetstream.FOLLOW_MEMORY", 2)
    adapter = Jetstream()
    for rkey, target in [("3lashenfaaaa2", ASHEN), ("3lashenfbbbb2", EMBER), ("3lashenfcccc2", GREY)]:
        only(list(adapter.parse(_follow_line("create", rkey, target))))
    assert list(adapter.parse(_follow_line("delete", "3lashenfaaaa2"))) == []
    assert only(list(adapter.parse(_follow_line("delete", "3lashenfbbbb2")))).target == EMBER
    # A record is deleted once: a repeated delete has nothing left to resolve.
    assert list(adapter.parse(_follow_line("delete", "3lashenfbbbb2"))) == []
    assert only(list(adapter.parse(_follow_line("delete", "3lashenfcccc2")))).target == GREY
    assert adapter.ignored["app.bsky.graph.follow:unresolved-delete"] == 2
    assert FOLLOW_MEMORY > 2  # the real bound is untouched outside this test


def test_time_us_keeps_every_microsecond() -> None:
    # 2**53 + 1 microseconds is where a float round-trip would lose the last digit.
    us = 2**53 + 1
    assert time_from_us(us) - datetime(1970, 1, 1, tzinfo=UTC) == timedelta(microseconds=us)


# --- bad records ---------------------------------------------------------------------------------------

_POST = {"rev": "3lashenrv22a2", "operation": "create", "collection": "app.bsky.feed.post", "rkey": "3lashenplain2"}


def _line(**fields: Any) -> bytes:
    base: dict[str, Any] = {"did": ASHEN, "time_us": 1767225600000000, "kind": "commit", "commit": dict(_POST)}
    base.update(fields)
    return msgspec.json.encode({k: v for k, v in base.items() if v is not _DROP})


_DROP = object()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"did": "did:plc:x", "time_us": ', "malformed JSON"),
        (b'["did", "time_us", "kind"]', "JSON object"),
        (_line(did=_DROP), "'did'"),
        (_line(time_us=_DROP), "'time_us'"),
        (_line(kind=_DROP), "'kind'"),
        (_line(did="ashen-media.bsky.social"), "not a DID"),
        (_line(time_us="1767225600000000"), "'time_us' is not a non-negative integer"),
        (_line(kind="label"), "unknown event kind 'label'"),
        (_line(time_us=10**18), "'time_us' is out of range"),
        (_line(commit=_DROP), "'commit'"),
        (_line(kind="identity"), "'identity'"),
        (_line(kind="account", account={"did": ASHEN, "seq": 1}), "'account.active'"),
        (_line(commit={k: v for k, v in _POST.items() if k != "operation"}), "'commit.operation'"),
        (_line(commit={k: v for k, v in _POST.items() if k != "rkey"}), "'commit.rkey'"),
        (_line(commit=_POST | {"operation": "rebase"}), "unknown commit operation 'rebase'"),
        (_line(commit=_POST), "'commit.record'"),
        (_line(commit=_POST | {"record": {"text": 7}}), "'commit.record.text'"),
        (
            _line(commit=_POST | {"collection": "app.bsky.graph.follow", "record": {"subject": "ember"}}),
            "'commit.record.subject'",
        ),
        (
            _line(commit=_POST | {"collection": "app.bsky.feed.repost", "record": {"subject": {"cid": "bafy"}}}),
            "'commit.record.subject'",
        ),
    ],
)
def test_bad_records_raise_with_the_field_named(data: bytes, reason: str) -> None:
    with pytest.raises(RecordError) as err:
        list(Jetstream().parse(data))
    assert reason in str(err.value)


# --- the writer: shapes --------------------------------------------------------------------------------

T = datetime(2026, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


def common(event_id: str = "sim-1", actor: str = ASHEN, time: datetime = T) -> dict[str, Any]:
    return {"platform": "bluesky", "event_id": event_id, "actor": actor, "time": time}


def test_to_did_is_stable_and_plc_shaped() -> None:
    assert to_did(ASHEN) == ASHEN
    mapped = to_did("user-42")
    assert PLC.fullmatch(mapped)
    assert mapped == to_did("user-42") != to_did("user-43")


def test_tid_is_13_sortable_characters() -> None:
    assert tid(0) == "2222222222222"
    values = [0, 1, 31, 32, 10**12, 2**62, 2**63 - 1]
    assert sorted(values, key=tid) == values
    assert all(len(tid(v)) == 13 for v in values)
    assert tid_for("p1") == tid_for("p1") != tid_for("p2")


def test_written_lines_have_the_jetstream_envelope() -> None:
    events = [
        PostCreated(**common(), post_id="p1", text="hello"),
        ProfileChanged(**common("sim-2"), handle="ashen-media.bsky.social"),
        EnforcementApplied(**common("sim-3"), action="suspend"),
    ]
    written = list(encode(events))
    assert all(line.endswith(b"\n") and line.count(b"\n") == 1 for line in written)
    objs = [msgspec.json.decode(line) for line in written]
    assert [o["kind"] for o in objs] == ["commit", "identity", "account"]
    for obj in objs:
        assert obj["did"] == ASHEN and obj["time_us"] == 1770091506789012 and Jetstream.sniff(obj)
    commit = objs[0]["commit"]
    assert commit["operation"] == "create" and commit["collection"] == "app.bsky.feed.post"
    assert commit["rkey"] == tid_for("p1") and len(commit["rev"]) == 13 and commit["cid"].startswith("bafyrei")
    assert commit["record"] == {"$type": "app.bsky.feed.post", "text": "hello", "createdAt": "2026-02-03T04:05:06.789Z"}
    assert objs[1]["identity"] == {
        "did": ASHEN,
        "handle": "ashen-media.bsky.social",
        "seq": 1,
        "time": "2026-02-03T04:05:06.789Z",
    }
    assert objs[2]["account"] == {
        "active": False,
        "did": ASHEN,
        "seq": 2,
        "status": "takendown",
        "time": "2026-02-03T04:05:06.789Z",
    }


def test_facets_are_written_with_utf8_byte_offsets() -> None:
    text = "🔥 مرحبا @ember-circle.bsky.social #AshenBanner"
    post = PostCreated(
        **common(),
        post_id="p1",
        text=text,
        mentions=(Mention(handle="ember-circle.bsky.social", account_id=EMBER),),
        hashtags=("AshenBanner",),
    )
    record = msgspec.json.decode(only(list(encode([post]))))["commit"]["record"]
    encoded = text.encode("utf-8")
    spans = [encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in record["facets"]]
    assert spans == ["@ember-circle.bsky.social", "#AshenBanner"]


def test_events_without_a_jetstream_form_are_skipped_and_counted() -> None:
    encoder = JetstreamEncoder()
    events = [
        ReportFiled(**common(), target=EMBER, reason="spam"),
        EnforcementApplied(**common("sim-2"), action="withhold"),
        EnforcementApplied(**common("sim-3"), action="remove_post", post_id="p1"),
        ProfileChanged(**common("sim-4"), followers_count=10),
        Follow(**common("sim-5"), target=EMBER),
    ]
    written = list(encoder.encode(events))
    assert len(written) == 1 and b"app.bsky.graph.follow" in written[0]
    assert encoder.skipped == {
        "report_filed": 1,
        "enforcement:withhold": 1,
        "enforcement:remove_post": 1,
        "profile_changed": 1,
    }


# --- round trip: canonical -> Jetstream -> canonical ---------------------------------------------------


def round_trip(events: list[Event]) -> list[Event | Reject]:
    adapter = Jetstream()
    return [item for line in encode(events) for item in adapter.parse(line)]


def fields(event: Event, drop: tuple[str, ...] = ("event_id",)) -> dict[str, Any]:
    """Everything that should survive; event ids are re-derived from rkey/rev/seq by design."""
    return {k: v for k, v in to_builtins(event).items() if k not in drop}


def test_round_trip_post_with_everything() -> None:
    post = PostCreated(
        **common(),
        post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"),
        text="🔥 نشرة @ember-circle.bsky.social see https://ashen-banner.example/n/2 #AshenBanner",
        lang="ar",
        media=(MediaRef(media_id=IMG1_CID, type="image", hashes={"cid": IMG1_CID, "sha256": IMG1_SHA256}),),
        hashtags=("AshenBanner", "archive"),  # the second is not in the text: it travels in the record's tags
        mentions=(Mention(handle="ember-circle.bsky.social", account_id=EMBER),),
        urls=("https://ashen-banner.example/n/2",),
        reply_to=PostRef(post_id=uri(GREY, "app.bsky.feed.post", "3lashenreply2"), account_id=GREY),
        quote_of=PostRef(post_id=uri(EMBER, "app.bsky.feed.post", "3lashenquote2"), account_id=EMBER),
    )
    back = only(round_trip([post]))
    assert fields(back) == fields(post)
    assert back.event_id.startswith(f"{ASHEN}/app.bsky.feed.post/3lashenplain2@")


def test_round_trip_video_and_external_link() -> None:
    cid = cid_from_sha256(hashlib.sha256(b"clip").digest())
    post = PostCreated(
        **common(),
        post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenvideo2"),
        text="clip",
        media=(
            MediaRef(media_id=cid, type="video", hashes={"cid": cid, "sha256": hashlib.sha256(b"clip").hexdigest()}),
        ),
    )
    linked = PostCreated(
        **common("sim-2"),
        post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenextrn2"),
        text="mirror",
        urls=("https://mirror.example/ashen",),
    )
    back = round_trip([post, linked])
    assert [fields(e) for e in back] == [fields(post), fields(linked)]


def test_round_trip_repost_and_deletes() -> None:
    repost = PostCreated(
        **common(actor=ALT),
        post_id=uri(ALT, "app.bsky.feed.repost", "3lashenrepst2"),
        repost_of=PostRef(post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"), account_id=ASHEN),
    )
    unrepost = PostDeleted(**common("sim-2", actor=ALT), post_id=repost.post_id)
    deleted = PostDeleted(**common("sim-3"), post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"))
    back = round_trip([repost, unrepost, deleted])
    assert [fields(e) for e in back] == [fields(repost), fields(unrepost), fields(deleted)]


def test_round_trip_follow_and_unfollow() -> None:
    follow = Follow(**common(actor=ALT), target=ASHEN)
    unfollow = Unfollow(**common("sim-2", actor=ALT, time=T + timedelta(hours=1)), target=ASHEN)
    back = round_trip([follow, unfollow])
    assert [fields(e) for e in back] == [fields(follow), fields(unfollow)]


def test_round_trip_profile_and_handle() -> None:
    handle = ProfileChanged(**common(), handle="ashen-media.bsky.social")
    # a profile record is a full snapshot: what the writer does not write (banner, pinned post) comes back cleared
    profile = ProfileChanged(
        **common("sim-2"),
        display_name="Ashen Banner 🏴",
        bio="أرشيف",
        avatar_hash=AVATAR_CID,
        header_hash="",
        pinned_post_id="",
    )
    back = round_trip([handle, profile])
    assert [fields(e) for e in back] == [fields(handle), fields(profile)]
    assert back[0].event_id == f"identity:{ASHEN}:1"


def test_account_created_comes_back_as_profile_changes() -> None:
    created = AccountCreated(**common(), handle="ashen-media.bsky.social", display_name="Ashen", bio="archive")
    identity, profile = round_trip([created])
    assert isinstance(identity, ProfileChanged) and identity.handle == "ashen-media.bsky.social"
    assert (profile.display_name, profile.bio, profile.avatar_hash) == ("Ashen", "archive", "")


@pytest.mark.parametrize(
    ("action", "reason", "back_action", "back_reason"),
    [
        ("suspend", "takendown", "suspend", "takendown"),
        ("suspend", "suspended", "suspend", "suspended"),
        ("suspend", None, "suspend", "takendown"),
        ("delete", "deactivated", "delete", "deactivated"),
        ("delete", "spam", "delete", "deleted"),
        ("unsuspend", None, "unsuspend", None),
        ("undelete", None, "unsuspend", None),
    ],
)
def test_round_trip_enforcement(action: str, reason: str | None, back_action: str, back_reason: str | None) -> None:
    event = EnforcementApplied(**common(), action=action, reason=reason)  # type: ignore[arg-type]
    back = only(round_trip([event]))
    assert isinstance(back, EnforcementApplied)
    assert (back.actor, back.time, back.action, back.reason) == (ASHEN, T, back_action, back_reason)


def test_non_did_ids_map_to_the_same_did_everywhere() -> None:
    post = PostCreated(**common(actor="sim-user-1"), post_id="sim-post-1", text="first")
    reply = PostCreated(
        **common("sim-2", actor="sim-user-2"),
        post_id="sim-post-2",
        text="reply",
        reply_to=PostRef(post_id="sim-post-1", account_id="sim-user-1"),
    )
    deleted = PostDeleted(**common("sim-3", actor="sim-user-1"), post_id="sim-post-1")
    back_post, back_reply, back_deleted = round_trip([post, reply, deleted])
    assert back_post.actor == to_did("sim-user-1") and PLC.fullmatch(back_post.actor)
    assert back_reply.reply_to == PostRef(post_id=back_post.post_id, account_id=back_post.actor)
    assert back_deleted.post_id == back_post.post_id == post_uri("sim-post-1", "sim-user-1")


def test_cids_and_sha256() -> None:
    assert cid_from_sha256(hashlib.sha256(b"").digest()) == EMPTY_RAW_CID
    assert sha256_from_cid(EMPTY_RAW_CID) == hashlib.sha256(b"").hexdigest()
    assert sha256_from_cid(IMG1_CID) == IMG1_SHA256
    # A record (dag-cbor) CID hashes an encoding, not a file; other strings are not CIDs at all.
    assert sha256_from_cid(placeholder_cid("x")) is None
    assert sha256_from_cid("bafkreinotbase32!!") is None
    assert sha256_from_cid("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG") is None
    assert re.fullmatch(r"bafyrei[a-z2-7]{52}", placeholder_cid("x"))
    assert re.fullmatch(r"bafkrei[a-z2-7]{52}", placeholder_cid("x", CODEC_RAW))


def test_media_known_only_by_sha256_comes_back_with_its_real_cid() -> None:
    sha256 = hashlib.sha256(b"banner.jpg bytes").hexdigest()
    post = PostCreated(
        **common(),
        post_id="p1",
        text="flag",
        media=(
            MediaRef(
                media_id="m1",
                type="image",
                url="https://media.sim.invalid/1.jpg",
                hashes={"sha256": sha256, "md5": "0" * 32},
            ),
        ),
    )
    back = only(round_trip([post]))
    cid = cid_from_sha256(bytes.fromhex(sha256))
    assert back.media == (MediaRef(media_id=cid, type="image", hashes={"cid": cid, "sha256": sha256}),)


def test_mentions_and_links_missing_from_the_text_are_appended() -> None:
    post = PostCreated(
        **common(),
        post_id="p1",
        text="meeting notes",
        mentions=(Mention(handle="ember-circle.bsky.social", account_id=EMBER), Mention(handle="nobody-known")),
        urls=("https://card.example/a", "https://second.example/b"),
    )
    back = only(round_trip([post]))
    assert back.text == "meeting notes @ember-circle.bsky.social https://second.example/b"
    # The mention without an account id cannot be a facet (a facet names a DID): it is dropped.
    assert back.mentions == (Mention(handle="ember-circle.bsky.social", account_id=EMBER),)
    # The first URL rode in the link card, which the adapter reads after the facets.
    assert back.urls == ("https://second.example/b", "https://card.example/a")


_HANDLE = st.from_regex(r"[a-z][a-z0-9-]{0,20}\.bsky\.social", fullmatch=True)


@settings(deadline=None, max_examples=200)
@given(
    before=st.text(max_size=40),
    handle=_HANDLE,
    after=st.text(max_size=40),
    tag=st.from_regex(r"\w{1,15}", fullmatch=True),
)
def test_round_trip_offsets_hold_for_any_text(before: str, handle: str, after: str, tag: str) -> None:
    text = f"{before} @{handle} #{tag} {after}"
    post = PostCreated(
        **common(),
        post_id=uri(ASHEN, "app.bsky.feed.post", "3lashenplain2"),
        text=text,
        mentions=(Mention(handle=handle, account_id=EMBER),),
        hashtags=(tag,),
    )
    back = only(round_trip([post]))
    assert back.text == text
    assert back.mentions == post.mentions
    assert back.hashtags == (tag,)
