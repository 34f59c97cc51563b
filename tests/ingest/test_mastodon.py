"""The Mastodon adapter (REST entities, recorded responses, streaming) and its HTML helper.

Real samples: ``shared/data/formats/mastodon/*.json`` (rtoot's HTTP recordings, read at run time; the tests
that need them skip when the folder is absent). Expected counts are worked out by reading the same JSON
here, independently of the adapter.

The fixtures in ``tests/fixtures/mastodon/`` cover what the samples lack (a boost, a 4.4 quote with a
content warning, a poll and an edit, streaming messages). They were written from the Mastodon
documentation: the Status, Account, MediaAttachment, Poll and Quote entities (docs.joinmastodon.org
``entities/``) and the streaming API page (``methods/streaming``: WebSocket messages
``{"stream": [...], "event": ..., "payload": <Status as a JSON string | status id>}``). The accounts (the
fictional "Ashen Banner") and hosts (``*.example``) are made up.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
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
    decode_event,
    encode_event,
)
from cauterize.ingest._html import render
from cauterize.ingest.activitypub import ActivityPubAdapter
from cauterize.ingest.base import RecordError, Reject
from cauterize.ingest.mastodon import MastodonAdapter
from cauterize.ingest.registry import get_adapter, sniff
from cauterize.ingest.sources import FileSource

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "formats" / "mastodon"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mastodon"
SAMPLE_NAMES = [
    "account_default.json",
    "account_followers_default.json",
    "account_statuses_default.json",
    "context_with_ancesters.json",
    "reblogged_by_default.json",
    "status_default.json",
    "timeline_hashtag_default.json",
    "timeline_public_default.json",
]
NOW = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"shared Mastodon sample {path} is absent (see shared/data/README.md)")
    return path.read_bytes()


def parse(data: bytes | dict | list, adapter: MastodonAdapter | None = None) -> list[Event | Reject]:
    if not isinstance(data, bytes):
        data = json.dumps(data).encode()
    return list((adapter or MastodonAdapter(clock=lambda: NOW)).parse(data))


def events_of(items: list[Event | Reject], kind: type) -> list:
    return [e for e in items if isinstance(e, kind)]


def statuses_in(body: Any) -> list[dict]:
    """Every Status of a response body, boosted and quoted ones included, read without the adapter."""
    if isinstance(body, dict) and "ancestors" in body:
        top = body["ancestors"] + body["descendants"]
    elif isinstance(body, list):
        top = body
    else:
        top = [body]
    found: list[dict] = []

    def walk(s: Any) -> None:
        if isinstance(s, dict) and "content" in s and "account" in s:
            found.append(s)
            walk(s.get("reblog"))
            quote = s.get("quote")
            if isinstance(quote, dict):
                walk(quote.get("quoted_status"))

    for s in top:
        walk(s)
    return found


def accounts_in(body: Any) -> list[dict]:
    listed = [a for a in body if isinstance(a, dict) and "acct" in a] if isinstance(body, list) else []
    if isinstance(body, dict) and "acct" in body:
        listed = [body]
    return listed + [s["account"] for s in statuses_in(body)]


def account_id(acc: dict) -> str:
    return acc.get("uri") or acc["url"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- shared samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_parses_into_the_entities_it_holds(name: str) -> None:
    raw = sample(name)
    recording = json.loads(raw)
    body = recording["body"]
    out = parse(raw)

    assert not events_of(out, Reject)
    posts = events_of(out, PostCreated)
    assert sorted(p.post_id for p in posts) == sorted(s["uri"] for s in statuses_in(body))
    expected_accounts = {account_id(a) for a in accounts_in(body)}
    assert {e.actor for e in events_of(out, AccountCreated)} == expected_accounts
    assert {e.actor for e in events_of(out, ProfileChanged)} == expected_accounts
    # One snapshot per account per record, however many of its statuses the page holds.
    assert len(events_of(out, AccountCreated)) == len(expected_accounts)
    follows = events_of(out, Follow)
    if recording["endpoint"].endswith("/followers"):
        assert len(follows) == len(body)
    else:
        assert follows == []
    for e in out:
        assert isinstance(e, Event)
        assert e.platform == "mastodon"
        assert decode_event(encode_event(e)) == e  # valid canonical events, aware times included


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sniff_recognises_every_sample(name: str) -> None:
    raw = sample(name)
    assert isinstance(sniff(raw), MastodonAdapter)
    body = json.loads(raw)["body"]
    # Without the recording wrapper too: a bare entity or list is what the API itself returns.
    if not (isinstance(body, list) and not body):
        assert isinstance(sniff(json.dumps(body).encode()), MastodonAdapter)
    assert not ActivityPubAdapter.sniff(json.loads(raw))


def test_parsing_is_deterministic() -> None:
    raw = sample("timeline_public_default.json")
    first = [encode_event(e) for e in parse(raw, MastodonAdapter()) if isinstance(e, Event)]
    second = [encode_event(e) for e in parse(raw, MastodonAdapter()) if isinstance(e, Event)]
    assert first == second


def test_status_maps_html_mentions_tags_links_and_language() -> None:
    raw = sample("status_default.json")
    status = json.loads(raw)["body"]
    [post] = events_of(parse(raw), PostCreated)

    assert post.post_id == status["uri"]
    assert post.event_id == f"status:{status['uri']}"
    assert post.actor == status["account"]["uri"]
    assert post.time == datetime.fromisoformat(status["created_at"])
    assert post.lang == status["language"]
    assert "<" not in post.text and "&amp;" not in post.text and "class=" not in post.text
    assert post.text.startswith("Super grateful")
    assert post.text.endswith("cc @maelle")
    # Mastodon hides part of a long link's text in invisible spans: the whole URL must survive.
    assert status["card"]["url"] in post.text
    assert post.hashtags == tuple(t["name"] for t in status["tags"])
    [mention] = status["mentions"]
    assert [m.handle for m in post.mentions] == [mention["acct"]]
    # The Mention entity's url is a profile page, not the actor id; the record does not hold the actor.
    assert post.mentions[0].account_id is None
    assert status["card"]["url"] in post.urls
    tag_and_mention_urls = {t["url"] for t in status["tags"]} | {m["url"] for m in status["mentions"]}
    assert not tag_and_mention_urls & set(post.urls)


def test_local_acct_gets_the_domain_of_its_url() -> None:
    raw = sample("status_default.json")
    account = json.loads(raw)["body"]["account"]
    assert "@" not in account["acct"]
    [created] = events_of(parse(raw), AccountCreated)
    assert created.handle == f"{account['acct']}@{urlsplit(account['url']).hostname}"
    assert created.actor == account["uri"]
    assert created.display_name == account["display_name"]
    assert created.bio == render(account["note"]).text
    assert created.bio and "<" not in created.bio and "<p>" in account["note"]
    assert created.protected is account["locked"]
    assert created.followers_count == account["followers_count"]
    assert created.time == datetime.fromisoformat(account["created_at"])


def test_remote_acct_is_kept_as_given() -> None:
    raw = sample("timeline_public_default.json")
    body = json.loads(raw)["body"]
    remote = next(s["account"] for s in body if "@" in s["account"]["acct"])
    out = parse(raw)
    created = next(e for e in events_of(out, AccountCreated) if e.actor == account_id(remote))
    assert created.handle == remote["acct"]


def test_media_attachments_and_no_blurhash_in_hashes() -> None:
    raw = sample("account_statuses_default.json")
    body = json.loads(raw)["body"]
    posts = {p.post_id: p for p in events_of(parse(raw), PostCreated)}
    with_media = [s for s in body if s["media_attachments"]]
    assert with_media
    for s in with_media:
        media = posts[s["uri"]].media
        assert [m.url for m in media] == [a["remote_url"] or a["url"] for a in s["media_attachments"]]
        assert {m.type for m in media} == {"image"}
        assert all(m.hashes == {} for m in media)


def test_replies_resolve_within_the_record_else_become_local_markers() -> None:
    raw = sample("account_statuses_default.json")
    body = json.loads(raw)["body"]
    by_local_id = {s["id"]: s for s in body}
    posts = {p.post_id: p for p in events_of(parse(raw), PostCreated)}
    replies = [s for s in body if s["in_reply_to_id"]]
    assert any(s["in_reply_to_id"] in by_local_id for s in replies)
    assert any(s["in_reply_to_id"] not in by_local_id for s in replies)
    instance = urlsplit(body[0]["account"]["url"]).hostname  # the account is local: acct has no domain
    for s in replies:
        ref = posts[s["uri"]].reply_to
        assert ref is not None
        parent = by_local_id.get(s["in_reply_to_id"])
        if parent is not None:
            assert ref.post_id == parent["uri"]
            assert ref.account_id == parent["account"]["uri"]
        else:
            assert ref.post_id == f"local:{instance}:status:{s['in_reply_to_id']}"


def test_followers_endpoint_gives_follow_edges_to_the_listed_account() -> None:
    raw = sample("account_followers_default.json")
    recording = json.loads(raw)
    followed_local_id = recording["endpoint"].split("/")[4]
    local = next(a for a in recording["body"] if "@" not in a["acct"])
    instance = urlsplit(local["url"]).hostname
    follows = events_of(parse(raw), Follow)
    assert sorted(f.actor for f in follows) == sorted(account_id(a) for a in recording["body"])
    assert {f.target for f in follows} == {f"local:{instance}:account:{followed_local_id}"}


def test_recorded_at_and_a_full_url_endpoint_are_used() -> None:
    recording = json.loads(sample("account_followers_default.json"))
    recording["endpoint"] = "https://social.example" + recording["endpoint"]
    recording["recorded_at"] = "2026-03-04T10:00:00Z"
    out = parse(recording)
    follows = events_of(out, Follow)
    assert {f.time for f in follows} == {datetime(2026, 3, 4, 10, tzinfo=UTC)}
    assert all(f.target.startswith("local:social.example:account:") for f in follows)
    assert {p.time for p in events_of(out, ProfileChanged)} == {datetime(2026, 3, 4, 10, tzinfo=UTC)}


def test_reblogged_by_gives_accounts_but_no_posts() -> None:
    raw = sample("reblogged_by_default.json")
    body = json.loads(raw)["body"]
    out = parse(raw)
    assert events_of(out, PostCreated) == []
    assert len(events_of(out, AccountCreated)) == len({account_id(a) for a in body})


def test_context_yields_ancestors_and_descendants() -> None:
    raw = sample("context_with_ancesters.json")
    body = json.loads(raw)["body"]
    posts = events_of(parse(raw), PostCreated)
    assert len(posts) == len(body["ancestors"]) + len(body["descendants"]) > 0


def test_a_bad_status_in_a_list_is_rejected_and_the_rest_kept() -> None:
    recording = json.loads(sample("timeline_public_default.json"))
    body = recording["body"]
    del body[3]["account"]
    del body[5]["created_at"]
    out = parse(recording)
    rejects = events_of(out, Reject)
    assert [r.where for r in rejects] == ["body[3]", "body[5]"]
    assert "account" in rejects[0].reason and "created_at" in rejects[1].reason
    assert json.loads(rejects[0].raw)["uri"] == body[3]["uri"]
    kept = {p.post_id for p in events_of(out, PostCreated)}
    assert kept == {s["uri"] for i, s in enumerate(body) if i not in (3, 5)}


def test_a_bare_list_rejects_with_an_index_only() -> None:
    body = json.loads(sample("timeline_hashtag_default.json"))["body"]
    body[1]["account"] = None
    rejects = events_of(parse(body), Reject)
    assert [r.where for r in rejects] == ["[1]"]


def test_a_single_bad_status_is_a_record_error() -> None:
    status = json.loads(sample("status_default.json"))["body"]
    del status["account"]
    with pytest.raises(RecordError, match="account"):
        parse(status)


@pytest.mark.parametrize("data", [b"{not json", b'"a string"', b"42", b"[" * 100_000 + b"]" * 100_000])
def test_unusable_records_are_record_errors(data: bytes) -> None:
    with pytest.raises(RecordError):
        parse(data)


def test_registry_finds_the_adapter_by_name() -> None:
    assert isinstance(get_adapter("mastodon"), MastodonAdapter)


# --- fixtures written from the documentation --------------------------------------------------------


def test_boost_gives_the_inner_post_and_a_repost() -> None:
    boost = json.loads(fixture("reblog_status.json"))
    inner = boost["reblog"]
    out = parse(fixture("reblog_status.json"))
    posts = {p.post_id: p for p in events_of(out, PostCreated)}
    assert set(posts) == {boost["uri"], inner["uri"]}
    repost = posts[boost["uri"]]
    assert repost.actor == boost["account"]["uri"]
    assert repost.text == ""
    assert repost.repost_of is not None
    assert repost.repost_of.post_id == inner["uri"]
    assert repost.repost_of.account_id == inner["account"]["uri"]
    original = posts[inner["uri"]]
    assert original.actor == inner["account"]["uri"]
    assert original.hashtags == ("ashenbanner",)
    assert original.text == "Ashen Banner bulletin no. 7 #AshenBanner"
    [media] = original.media
    assert media.type == "gif"  # gifv
    assert media.hashes == {}
    # The local account (acct without domain) and the remote one both get qualified handles.
    handles = {e.actor: e.handle for e in events_of(out, AccountCreated)}
    assert handles == {
        "https://relay.example/users/ashen_media2": "ashen_media2@relay.example",
        "https://banner.example/users/ashen_media": "ashen_media@banner.example",
    }
    # The instance's placeholder avatar is no avatar.
    assert next(e for e in events_of(out, AccountCreated) if e.handle.startswith("ashen_media2")).avatar_url is None


def test_quote_content_warning_poll_edit_and_a_resolved_mention() -> None:
    status = json.loads(fixture("quote_status.json"))
    out = parse(fixture("quote_status.json"))
    posts = {p.post_id: p for p in events_of(out, PostCreated)}
    quoting = posts[status["uri"]]
    quoted_uri = status["quote"]["quoted_status"]["uri"]
    assert quoted_uri in posts
    assert quoting.quote_of is not None and quoting.quote_of.post_id == quoted_uri
    assert (
        quoting.text
        == "Ashen Banner update\n\nRead this, @ashen_media.\nPoll below.\n\nJoin the channel\nShare the bulletin"
    )
    # Edited: a distinct event id, dated by the edit.
    assert quoting.event_id == f"status:{status['uri']}:edit:{status['edited_at']}"
    assert quoting.time == datetime(2026, 3, 1, 13, 10, tzinfo=UTC)
    # The mentioned account is in the record (as the quoted post's author): its actor id is known.
    [mention] = quoting.mentions
    assert mention.handle == "ashen_media@banner.example"
    assert mention.account_id == "https://banner.example/users/ashen_media"
    # in_reply_to_id is a local id, resolved through the quoted status the record holds.
    assert quoting.reply_to is not None
    assert quoting.reply_to.post_id == quoted_uri
    assert quoting.reply_to.account_id == "https://banner.example/users/ashen_media"


def test_absurdly_nested_quotes_are_a_record_error() -> None:
    status = json.loads(fixture("quote_status.json"))
    for _ in range(10):
        status = {**status, "quote": {"state": "accepted", "quoted_status": status}}
    with pytest.raises(RecordError, match="nested"):
        parse(status)


def test_profile_event_id_ignores_counts_but_not_the_bio() -> None:
    status = json.loads(fixture("reblog_status.json"))
    base = events_of(parse(status), ProfileChanged)[0]
    status["account"]["followers_count"] += 100
    same = events_of(parse(status), ProfileChanged)[0]
    status["account"]["note"] = "<p>Ashen Banner relay, new home.</p>"
    changed = events_of(parse(status), ProfileChanged)[0]
    assert base.event_id == same.event_id
    assert changed.event_id != base.event_id
    assert changed.bio == "Ashen Banner relay, new home."


def test_streaming_update_then_delete() -> None:
    adapter = MastodonAdapter(clock=lambda: NOW)
    out = [e for r in FileSource(FIXTURES / "streaming.jsonl").records() for e in adapter.parse(r.data)]
    lines = [json.loads(line) for line in (FIXTURES / "streaming.jsonl").read_text().splitlines()]
    status = json.loads(lines[0]["payload"])
    [post] = events_of(out, PostCreated)
    assert post.post_id == status["uri"]
    [deleted] = events_of(out, PostDeleted)
    assert deleted.post_id == status["uri"]
    assert deleted.actor == status["account"]["uri"]
    assert deleted.time == NOW
    [reject] = events_of(out, Reject)
    assert lines[3]["payload"] in reject.reason and reject.where == "payload"


def test_streaming_recorded_at_dates_a_delete() -> None:
    adapter = MastodonAdapter(clock=lambda: NOW)
    update, _, delete, _ = fixture("streaming.jsonl").splitlines()
    list(adapter.parse(update))
    line = {**json.loads(delete), "recorded_at": "2026-03-01T12:45:00Z"}
    [deleted] = adapter.parse(json.dumps(line).encode())
    assert isinstance(deleted, PostDeleted)
    assert deleted.time == datetime(2026, 3, 1, 12, 45, tzinfo=UTC)


def test_an_account_marked_suspended() -> None:
    account = json.loads(sample("account_default.json"))["body"]
    assert "suspended" not in account
    assert not events_of(parse(account), EnforcementApplied)
    account["suspended"] = True
    [suspended] = events_of(parse(account), EnforcementApplied)
    assert (suspended.actor, suspended.action) == (account["uri"], "suspend")


def test_streaming_delete_of_an_unseen_status_is_a_reject() -> None:
    line = {"stream": ["public"], "event": "delete", "payload": "1234"}
    [reject] = parse(line)
    assert isinstance(reject, Reject)
    assert "1234" in reject.reason


def test_streaming_notification_and_status_update() -> None:
    status = json.loads(fixture("reblog_status.json"))["reblog"]
    status["edited_at"] = "2026-03-01T12:30:00.000Z"
    edit = {"stream": ["user"], "event": "status.update", "payload": json.dumps(status)}
    [post] = events_of(parse(edit), PostCreated)
    assert post.event_id == f"status:{status['uri']}:edit:2026-03-01T12:30:00.000Z"
    note = {"id": "9", "type": "mention", "created_at": "2026-03-01T12:31:00.000Z", "account": status["account"]}
    notification = {"stream": ["user"], "event": "notification", "payload": json.dumps({**note, "status": status})}
    assert [p.post_id for p in events_of(parse(notification), PostCreated)] == [status["uri"]]
    follow_note = {"stream": ["user"], "event": "notification", "payload": json.dumps({**note, "type": "follow"})}
    assert parse(follow_note) == []


def test_streaming_quiet_and_unknown_events() -> None:
    assert parse({"stream": ["user"], "event": "filters_changed"}) == []
    with pytest.raises(RecordError, match="unknown Mastodon streaming event 'poke'"):
        parse({"stream": ["user"], "event": "poke", "payload": "{}"})
    with pytest.raises(RecordError, match="not JSON"):
        parse({"stream": ["public"], "event": "update", "payload": "{broken"})


def test_sniff_recognises_fixtures_and_streaming_lines() -> None:
    names = sorted(p.name for p in FIXTURES.glob("*.json"))
    assert len(names) == 5, names
    for name in names:
        assert isinstance(sniff(fixture(name)), MastodonAdapter), name
        body = json.loads(fixture(name))
        assert isinstance(sniff(json.dumps(body.get("body", body)).encode()), MastodonAdapter), name
    first_line = fixture("streaming.jsonl").splitlines()[0]
    assert isinstance(sniff(first_line), MastodonAdapter)
    assert not MastodonAdapter.sniff({"kind": "post_created", "event_id": "x"})
    assert not MastodonAdapter.sniff([])
    assert not MastodonAdapter.sniff(msgspec.json.decode(b'{"data": [{"id": "1", "text": "hi"}]}'))


# --- HTML to text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<p>line<br>next<br/>last</p>", "line\nnext\nlast"),
        ("<p>a &amp; b &lt;c&gt; &#39;d&#39;</p>", "a & b <c> 'd'"),
        ("<p>  spaced \n  out  </p>", "spaced out"),
        ("<p>x<script>alert(1)</script>y</p>", "xy"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(html: str | None, text: str) -> None:
    assert render(html).text == text


def test_html_anchors_keep_href_class_and_rel() -> None:
    rendered = render(
        '<p><a href="https://banner.example/tags/x" class="mention hashtag" rel="tag">#<span>x</span></a> '
        '<a href="https://files.example/a"><span class="invisible">https://</span>files.example/a</a></p>'
    )
    tag, link = rendered.anchors
    assert (tag.href, tag.text, tag.classes, tag.rel) == (
        "https://banner.example/tags/x",
        "#x",
        frozenset({"mention", "hashtag"}),
        frozenset({"tag"}),
    )
    assert link.text == "https://files.example/a"
    assert rendered.text == "#x https://files.example/a"


def test_counts_helper_sanity() -> None:
    # The independent readers above must see what the samples hold, or every count test passes vacuously.
    body = json.loads(sample("timeline_public_default.json"))["body"]
    assert len(statuses_in(body)) == len(body) > 0
    assert Counter(type(e).__name__ for e in parse(body))["PostCreated"] == len(body)


def test_admin_reports_give_reports_with_their_statuses_and_reject_an_incomplete_one() -> None:
    recording = json.loads(fixture("admin_reports.json"))
    report, broken = recording["body"]
    out = parse(fixture("admin_reports.json"))
    [filed] = events_of(out, ReportFiled)
    status = report["statuses"][0]
    assert filed.actor == report["account"]["account"]["uri"]
    assert filed.target == report["target_account"]["account"]["uri"]
    assert filed.post_id == status["uri"]
    assert filed.event_id == f"report:watch.example:{report['id']}:post:{status['uri']}"
    assert filed.time == datetime(2026, 3, 1, 14, tzinfo=UTC)
    assert filed.reason == " — ".join([report["category"], report["comment"], report["rules"][0]["text"]])
    assert [p.post_id for p in events_of(out, PostCreated)] == [status["uri"]]
    [reject] = events_of(out, Reject)
    assert reject.where == "body[1]" and "target_account" in reject.reason
    assert json.loads(reject.raw)["id"] == broken["id"]
    # Personal data of the admin view goes nowhere.
    dumped = b"".join(encode_event(e) for e in out if isinstance(e, Event))
    assert b"mail.example" not in dumped and b"192.0.2.10" not in dumped


def test_admin_accounts_give_exact_sign_up_and_suspensions() -> None:
    body = json.loads(fixture("admin_accounts.json"))["body"]
    out = parse(fixture("admin_accounts.json"))
    created = {e.actor: e for e in events_of(out, AccountCreated)}
    local, remote = body
    # Local: the admin view's exact sign-up time; remote: its created_at is only when it was discovered.
    assert created[local["account"]["uri"]].time == datetime.fromisoformat(local["created_at"])
    assert created[remote["account"]["uri"]].time == datetime.fromisoformat(remote["account"]["created_at"])
    [suspended] = events_of(out, EnforcementApplied)
    assert (suspended.actor, suspended.action) == (remote["account"]["uri"], "suspend")


def test_notifications_admin_report_mention_and_follow() -> None:
    body = json.loads(fixture("notifications.json"))["body"]
    out = parse(fixture("notifications.json"))
    [filed] = events_of(out, ReportFiled)
    status = body[1]["status"]
    # status_ids are local ids: resolved through the mention's status the same page holds.
    assert filed.post_id == status["uri"]
    assert (filed.actor, filed.target) == (body[0]["account"]["uri"], body[0]["report"]["target_account"]["uri"])
    # The same report read through the admin API keys to the same event.
    admin_report = events_of(parse(fixture("admin_reports.json")), ReportFiled)[0]
    assert filed.event_id == admin_report.event_id
    assert [p.post_id for p in events_of(out, PostCreated)] == [status["uri"]]
    assert events_of(out, Follow) == []
    assert not events_of(out, Reject)


def test_search_results_and_api_errors() -> None:
    statuses = json.loads(sample("timeline_hashtag_default.json"))["body"]
    accounts = json.loads(sample("account_followers_default.json"))["body"]
    result = {"accounts": accounts, "statuses": statuses, "hashtags": []}
    assert MastodonAdapter.sniff(result)
    out = parse({"endpoint": "/api/v2/search", "body": result})
    assert len(events_of(out, PostCreated)) == len(statuses)
    assert {e.actor for e in events_of(out, AccountCreated)} == {
        account_id(a) for a in accounts_in(result["accounts"])
    } | {s["account"]["uri"] for s in statuses}
    with pytest.raises(RecordError, match="API error: Record not found"):
        parse({"endpoint": "/api/v1/statuses/1", "body": {"error": "Record not found"}})


def test_following_endpoint_reverses_the_edges() -> None:
    recording = json.loads(sample("account_followers_default.json"))
    recording["endpoint"] = recording["endpoint"].replace("/followers", "/following")
    follows = events_of(parse(recording), Follow)
    assert {f.target for f in follows} == {account_id(a) for a in recording["body"]}
    assert len({f.actor for f in follows}) == 1 and next(iter(follows)).actor.startswith("local:")


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


QUOTE_STATUS = json.loads((FIXTURES / "quote_status.json").read_text())
QUOTE_PATHS = _paths(QUOTE_STATUS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(QUOTE_PATHS), _ODD_VALUES, st.booleans()), min_size=1, max_size=3))
def test_damaged_statuses_fail_only_as_record_errors(damage: list[tuple[tuple, Any, bool]]) -> None:
    status = copy.deepcopy(QUOTE_STATUS)
    for path, value, delete in damage:
        parent: Any = status
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
        out = parse(status)
    except RecordError:
        return
    for e in out:
        if isinstance(e, Event):
            assert decode_event(encode_event(e)) == e
