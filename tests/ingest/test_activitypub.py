"""The ActivityPub adapter: one inbox activity (or an outbox collection) per record.

No ActivityPub capture with a clear licence exists (shared/data/README.md), so the fixtures in
``tests/fixtures/activitypub/`` were written from the documentation, field for field and with their
``@context``: the W3C ActivityStreams 2.0 vocabulary (Create, Announce, Follow, Undo, Delete with a
Tombstone, Update, Flag, Like, Block; Note, Person, Document, Mention, Hashtag, OrderedCollection), the
W3C ActivityPub recommendation (inbox delivery, Undo of a Follow embedding the Follow), and Mastodon's
"ActivityPub" spec page (its JSON-LD context terms ``atomUri``/``conversation``/``sensitive``/
``blurhash``/``focalPoint``/``Hashtag``, Person properties ``preferredUsername``/``summary``/``icon``/
``manuallyApprovesFollowers``/``published``, the ``#delete``/``#updates`` activity ids, Flag from the
instance actor with ``object`` = [account, statuses...], and the account archive's ``outbox.json``
OrderedCollection). Accounts (the fictional "Ashen Banner") and hosts (``*.example``) are made up.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    decode_event,
    encode_event,
)
from cauterize.ingest.activitypub import ActivityPubAdapter
from cauterize.ingest.base import RecordError, Reject
from cauterize.ingest.mastodon import MastodonAdapter, status_event_id
from cauterize.ingest.registry import get_adapter, sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activitypub"
NAMES = sorted(p.name for p in FIXTURES.glob("*.json"))
NOW = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
ASHEN = "https://banner.example/users/ashen_media"
ASHEN2 = "https://relay.example/users/ashen_media2"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def parse(activity: dict[str, Any] | bytes) -> list[Event | Reject]:
    data = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    return list(ActivityPubAdapter(clock=lambda: NOW).parse(data))


def only(items: list[Event | Reject], kind: type) -> Any:
    [item] = [e for e in items if isinstance(e, kind)]
    return item


def test_fixtures_are_present() -> None:
    assert len(NAMES) >= 11, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_sniff_recognises_every_fixture_and_mastodon_does_not(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    assert isinstance(sniff(raw), ActivityPubAdapter)
    assert not MastodonAdapter.sniff(json.loads(raw))


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_gives_valid_canonical_events(name: str) -> None:
    for e in parse((FIXTURES / name).read_bytes()):
        if isinstance(e, Event):
            assert e.platform == "mastodon"
            assert decode_event(encode_event(e)) == e


def test_create_note() -> None:
    activity = load("create_note.json")
    note = activity["object"]
    post = only(parse(activity), PostCreated)
    assert post.post_id == note["id"]
    assert post.event_id == status_event_id(note["id"])
    assert post.actor == ASHEN
    assert post.time == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert post.lang == "en"
    # Content warning first, then the HTML content as text: entities decoded, breaks kept.
    assert post.text == (
        "Ashen Banner bulletin\n\n"
        "@ashen_media2 New issue of the Ashen Banner newsletter & archive:\n\n"
        "https://files.example/ashen/issue-7\nShare it. #AshenBanner"
    )
    assert post.hashtags == ("AshenBanner",)
    [mention] = post.mentions
    assert (mention.handle, mention.account_id) == ("ashen_media2@relay.example", ASHEN2)
    assert post.urls == ("https://files.example/ashen/issue-7",)
    urls = [a["url"] for a in note["attachment"]]
    assert [(m.type, m.url) for m in post.media] == [("image", urls[0]), ("video", urls[1]), ("gif", urls[2])]
    assert all(m.hashes == {} for m in post.media)  # blurhash is not a perceptual hash
    assert post.reply_to is not None and post.reply_to.post_id == note["inReplyTo"]


def test_create_with_an_embedded_actor_gives_its_profile() -> None:
    activity = load("create_note.json")
    person = load("update_person.json")["object"]
    activity["actor"] = person
    activity["object"]["attributedTo"] = person
    out = parse(activity)
    assert only(out, PostCreated).actor == person["id"]
    profile = only(out, ProfileChanged)
    assert profile.actor == person["id"]
    assert profile.time == datetime(2026, 3, 1, 12, tzinfo=UTC)  # seen when the activity was published
    assert only(out, AccountCreated).time == datetime(2026, 2, 28, tzinfo=UTC)


def test_create_of_a_bare_id_or_an_unsupported_object_is_a_record_error() -> None:
    activity = load("create_note.json")
    activity["object"] = activity["object"]["id"]
    with pytest.raises(RecordError, match="only by id"):
        parse(activity)
    activity["object"] = {"id": "https://banner.example/x", "type": "ChatMessage"}
    with pytest.raises(RecordError, match="'ChatMessage'"):
        parse(activity)


def test_update_note_is_an_edit_and_a_poll_refresh_is_nothing() -> None:
    activity = load("create_note.json")
    activity["type"] = "Update"
    activity["object"]["updated"] = "2026-03-01T12:20:00Z"
    post = only(parse(activity), PostCreated)
    assert post.event_id == f"status:{activity['object']['id']}:edit:2026-03-01T12:20:00Z"
    assert post.time == datetime(2026, 3, 1, 12, 20, tzinfo=UTC)
    del activity["object"]["updated"]
    activity["object"]["type"] = "Question"
    assert parse(activity) == []


def test_announce() -> None:
    activity = load("announce.json")
    post = only(parse(activity), PostCreated)
    assert post.post_id == activity["id"]
    assert post.actor == ASHEN2
    assert post.text == ""
    assert post.time == datetime(2026, 3, 1, 12, 5, tzinfo=UTC)
    assert post.repost_of is not None and post.repost_of.post_id == activity["object"]


def test_announce_with_an_embedded_note_gives_both_posts() -> None:
    activity = load("announce.json")
    activity["object"] = copy.deepcopy(load("create_note.json")["object"])
    posts = {p.post_id: p for p in parse(activity) if isinstance(p, PostCreated)}
    assert set(posts) == {activity["id"], activity["object"]["id"]}
    ref = posts[activity["id"]].repost_of
    assert ref is not None and (ref.post_id, ref.account_id) == (activity["object"]["id"], ASHEN)


def test_group_announce_of_an_activity_is_read_as_that_activity() -> None:
    relay = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://groups.example/activities/announce/1",
        "type": "Announce",
        "actor": "https://groups.example/c/ashen",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": load("create_note.json"),
    }
    [post] = parse(relay)
    assert isinstance(post, PostCreated)
    assert (post.post_id, post.actor, post.repost_of) == (relay["object"]["object"]["id"], ASHEN, None)
    nested = {**relay, "object": {**relay, "object": load("create_note.json")}}
    with pytest.raises(RecordError, match="Announce of an Announce"):
        parse(nested)


def test_follow_and_undo_follow() -> None:
    follow = only(parse(load("follow.json")), Follow)
    assert (follow.actor, follow.target) == (ASHEN2, ASHEN)
    assert follow.time == NOW  # no time in the body: the adapter's clock
    undo = only(parse(load("undo_follow.json")), Unfollow)
    assert (undo.actor, undo.target) == (ASHEN2, ASHEN)
    assert undo.event_id != follow.event_id


def test_undo_of_a_bare_id_is_a_record_error_and_undo_like_is_nothing() -> None:
    undo = load("undo_follow.json")
    undo["object"] = undo["object"]["id"]
    with pytest.raises(RecordError, match="only by id"):
        parse(undo)
    undo["object"] = load("like.json")
    assert parse(undo) == []


def test_undo_announce_deletes_the_boost() -> None:
    announce = load("announce.json")
    undo = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{announce['id']}#undo",
        "type": "Undo",
        "actor": ASHEN2,
        "object": announce,
    }
    deleted = only(parse(undo), PostDeleted)
    assert (deleted.post_id, deleted.actor) == (announce["id"], ASHEN2)


def test_delete_note_tombstone() -> None:
    activity = load("delete_note.json")
    deleted = only(parse(activity), PostDeleted)
    assert deleted.post_id == activity["object"]["id"]
    assert deleted.actor == ASHEN
    assert deleted.event_id == f"status:{activity['object']['id']}:deleted"


def test_delete_of_a_bare_note_id_and_a_dated_tombstone() -> None:
    activity = load("delete_note.json")
    activity["object"] = {**activity["object"], "deleted": "2026-03-02T07:00:00Z"}
    assert only(parse(activity), PostDeleted).time == datetime(2026, 3, 2, 7, tzinfo=UTC)
    activity["object"] = activity["object"]["id"]
    assert only(parse(activity), PostDeleted).post_id == activity["object"]


def test_delete_of_someone_elses_post_is_a_removal() -> None:
    activity = load("delete_note.json")
    activity["actor"] = "https://banner.example/users/moderator"
    activity["object"] = {**load("create_note.json")["object"]}
    removed = only(parse(activity), EnforcementApplied)
    assert (removed.actor, removed.action, removed.post_id) == (ASHEN, "remove_post", activity["object"]["id"])
    assert "moderator" in (removed.reason or "")


def test_delete_of_the_actor_itself() -> None:
    gone = only(parse(load("delete_actor.json")), EnforcementApplied)
    assert (gone.actor, gone.action) == (ASHEN, "delete")
    assert "Delete of the actor" in (gone.reason or "")


def test_update_person() -> None:
    activity = load("update_person.json")
    person = activity["object"]
    out = parse(activity)
    profile = only(out, ProfileChanged)
    assert profile.actor == person["id"]
    assert profile.handle == "ashen_media2@relay.example"
    assert profile.display_name == person["name"]
    assert profile.bio == "Back again. Old account gone, follow here.\nArchive: files.example/ashen"
    assert profile.avatar_url == person["icon"]["url"]
    assert profile.protected is True
    assert profile.time == NOW  # the Update carries no time; the actor's "published" is its creation
    created = only(out, AccountCreated)
    assert created.time == datetime(2026, 2, 28, tzinfo=UTC)
    assert created.event_id == f"account:{person['id']}:created"
    assert not [e for e in out if isinstance(e, EnforcementApplied)]


def test_update_person_marked_suspended() -> None:
    activity = load("update_person.json")
    activity["object"]["suspended"] = True
    suspended = only(parse(activity), EnforcementApplied)
    assert (suspended.actor, suspended.action) == (ASHEN2, "suspend")


def test_flag_reports_the_account_once_per_post() -> None:
    activity = load("flag.json")
    reports = [e for e in parse(activity) if isinstance(e, ReportFiled)]
    assert [r.post_id for r in reports] == activity["object"][1:]
    assert {r.target for r in reports} == {ASHEN}
    assert {r.actor for r in reports} == {activity["actor"]}
    assert {r.reason for r in reports} == {activity["content"]}
    assert len({r.event_id for r in reports}) == len(reports)


def test_flag_of_an_account_alone_and_of_embedded_objects() -> None:
    activity = load("flag.json")
    activity["object"] = ASHEN
    report = only(parse(activity), ReportFiled)
    assert (report.target, report.post_id) == (ASHEN, None)
    # Embedded objects are told apart by type, whatever their order.
    activity["object"] = [{"id": f"{ASHEN}/statuses/1", "type": "Note"}, {"id": ASHEN, "type": "Person"}]
    report = only(parse(activity), ReportFiled)
    assert (report.target, report.post_id) == (ASHEN, f"{ASHEN}/statuses/1")


@pytest.mark.parametrize("name", ["like.json", "block.json"])
def test_known_activities_without_an_event(name: str) -> None:
    assert parse(load(name)) == []


def test_unknown_activity_type_is_a_record_error_naming_it() -> None:
    activity = load("like.json")
    activity["type"] = "Bite"
    with pytest.raises(RecordError, match="unknown ActivityPub activity type 'Bite'"):
        parse(activity)


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"type": None}, "no 'type'"),
        ({"actor": None}, "no 'actor'"),
        ({"object": None}, "no 'object'"),
    ],
)
def test_incomplete_activities_are_record_errors(patch: dict[str, Any], message: str) -> None:
    activity = {**load("follow.json"), **patch}
    with pytest.raises(RecordError, match=message):
        parse(activity)


@pytest.mark.parametrize("data", [b"{nope", b"[1, 2]", b'{"a":' * 100_000 + b"1" + b"}" * 100_000])
def test_unusable_records(data: bytes) -> None:
    with pytest.raises(RecordError):
        parse(data)


def test_outbox_collection_keeps_good_items_and_rejects_the_bad_one() -> None:
    outbox = load("outbox.json")
    out = parse(outbox)
    [reject] = [e for e in out if isinstance(e, Reject)]
    assert reject.where == "orderedItems[1]"
    assert "no 'id'" in reject.reason
    assert json.loads(reject.raw or b"{}")["id"] == outbox["orderedItems"][1]["id"]
    posts = [e for e in out if isinstance(e, PostCreated)]
    assert [p.post_id for p in posts] == [outbox["orderedItems"][0]["object"]["id"], outbox["orderedItems"][2]["id"]]


def test_same_post_through_the_api_and_the_inbox_has_the_same_event_id() -> None:
    # A Mastodon Status's uri is its Note's id: both adapters key the post the same way.
    note = load("create_note.json")["object"]
    status = json.loads((FIXTURES.parent / "mastodon" / "reblog_status.json").read_text())["reblog"]
    status["uri"] = note["id"]
    api = [e for e in MastodonAdapter().parse(json.dumps(status).encode()) if isinstance(e, PostCreated)]
    inbox = only(parse(load("create_note.json")), PostCreated)
    assert [p.event_id for p in api] == [inbox.event_id]


def test_sniff_ignores_other_json() -> None:
    assert not ActivityPubAdapter.sniff({"type": "Create", "actor": ASHEN})  # no ActivityStreams context
    assert not ActivityPubAdapter.sniff({"@context": "https://www.w3.org/ns/activitystreams", "type": "Person"})
    assert not ActivityPubAdapter.sniff([load("follow.json")])


def test_registry_finds_the_adapter_by_name() -> None:
    assert isinstance(get_adapter("activitypub"), ActivityPubAdapter)


# --- robustness -------------------------------------------------------------------------------------

_ODD_VALUES = st.sampled_from([None, 0, -1, 1.5, True, "", "x", "2026-01-01T00:00:00", [], {}, [1], {"a": 1}])


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(NAMES).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.lists(
                st.tuples(st.sampled_from(_paths(load(name))), _ODD_VALUES, st.booleans()), min_size=1, max_size=3
            ),
        )
    )
)
def test_damaged_activities_fail_only_as_record_errors(case: tuple[str, list[tuple[tuple, Any, bool]]]) -> None:
    name, damage = case
    activity = load(name)
    for path, value, delete in damage:
        parent: Any = activity
        try:
            for key in path[:-1]:
                parent = parent[key]
            if delete and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    try:
        out = parse(activity)
    except RecordError:
        return
    for e in out:
        if isinstance(e, Event):
            assert decode_event(encode_event(e)) == e
