"""The twitter-compliance adapter: compliance stream events and batch compliance job results.

The stream fixtures under ``tests/fixtures/twitter_compliance/`` were written from the X API v2
documentation (the compliance stream schemas of the OpenAPI spec and the "Compliance data
objects" payload examples: ``{"data": {"<type>": {"user": {"id"}, "event_at"}}}`` for users,
``{"tweet": {"id", "author_id"}}`` for posts, plus ``withheld_in_countries``,
``profile_field``/``new_value``, ``up_to_tweet_id``, ``quote_tweet_id`` and the ``tweet_edit``
fields), one line per event type, with synthetic ids and text. No real stream sample exists.

Job results are the real ``users_compliance.jsonl`` and ``tweets_compliance.jsonl`` from
``../shared/data/formats/twitter-v2`` (twarc-csv test data), read at run time; those tests skip
when the folder is absent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cauterize.emit.twitter_v2 import encode_compliance
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    PostDeleted,
    ProfileChanged,
)
from cauterize.ingest.base import RecordError
from cauterize.ingest.registry import get_adapter, sniff
from cauterize.ingest.twitter_compliance import TwitterCompliance
from cauterize.ingest.twitter_v2 import TwitterV2

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "twitter_compliance"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "formats" / "twitter-v2"

USER_ACTIONS = {
    "user_suspend": "suspend",
    "user_unsuspend": "unsuspend",
    "user_delete": "delete",
    "user_undelete": "undelete",
    "user_withheld": "withhold",
}
PROFILE_FIELDS = {
    "screen_name": "handle",
    "name": "display_name",
    "description": "bio",
    "profile_image_url": "avatar_url",
}


def fixture_lines(name: str) -> list[bytes]:
    return [line for line in (FIXTURES / name).read_bytes().splitlines() if line.strip()]


def sample_lines(name: str) -> list[bytes]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"real compliance job sample not found at {path}")
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


def parse(line: bytes, adapter: TwitterCompliance | None = None) -> list[Any]:
    return list((adapter or TwitterCompliance()).parse(line))


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


STREAM_LINES = [
    pytest.param(line, id=f"{name.split('_')[0]}-{i}-{next(iter(json.loads(line)['data']))}")
    for name in ("user_stream.jsonl", "tweet_stream.jsonl")
    for i, line in enumerate(fixture_lines(name))
]


@pytest.mark.parametrize("line", STREAM_LINES)
def test_each_stream_event_type_maps_as_documented(line: bytes) -> None:
    ((etype, body),) = json.loads(line)["data"].items()
    out = parse(line)
    at = when(body["event_at"])
    if etype in ("undrop", "tweet_edit", "scrub_geo") or (
        etype == "user_profile_modification" and body["profile_field"] not in PROFILE_FIELDS
    ):
        assert out == []
        return
    (event,) = out
    assert event.platform == "twitter" and event.time == at
    assert event.event_id.startswith(f"compliance:{etype}:")
    if etype.startswith("user_"):
        assert event.actor == body["user"]["id"]
    else:
        assert event.actor == body["tweet"]["author_id"]
        assert event.post_id == body["tweet"]["id"]
    if etype in USER_ACTIONS:
        assert isinstance(event, EnforcementApplied) and event.action == USER_ACTIONS[etype]
        assert event.post_id is None
        if etype == "user_withheld":
            assert event.reason == "withheld in: " + ", ".join(sorted(body["withheld_in_countries"]))
    elif etype in ("user_protect", "user_unprotect"):
        assert isinstance(event, ProfileChanged) and event.protected is (etype == "user_protect")
        assert event.handle is None
    elif etype == "user_profile_modification":
        assert isinstance(event, ProfileChanged)
        target = PROFILE_FIELDS[body["profile_field"]]
        assert getattr(event, target) == body["new_value"]
        assert [f for f in PROFILE_FIELDS.values() if getattr(event, f) is not None] == [target]
    elif etype == "delete":
        assert isinstance(event, PostDeleted)
    elif etype == "withheld":
        assert isinstance(event, EnforcementApplied) and event.action == "withhold"
        assert event.reason == "withheld in: " + ", ".join(sorted(body["withheld_in_countries"]))
    else:
        assert etype == "drop"
        assert isinstance(event, EnforcementApplied) and event.action == "remove_post"


def test_the_fixtures_cover_every_documented_type() -> None:
    types = {
        next(iter(json.loads(line)["data"]))
        for name in ("user_stream.jsonl", "tweet_stream.jsonl")
        for line in fixture_lines(name)
    }
    assert types == {
        *USER_ACTIONS,
        "user_protect",
        "user_unprotect",
        "user_profile_modification",
        "scrub_geo",
        "delete",
        "withheld",
        "drop",
        "undrop",
        "tweet_edit",
    }


def test_event_ids_are_deterministic_and_the_quote_delete_replays_the_delete() -> None:
    first, quoted = (line for line in fixture_lines("tweet_stream.jsonl") if b'"delete"' in line)
    (a,) = parse(first)
    (b,) = parse(quoted)
    assert json.loads(quoted)["data"]["delete"]["quote_tweet_id"]
    assert a.event_id == b.event_id == parse(first)[0].event_id
    (suspend,) = parse(fixture_lines("user_stream.jsonl")[0])
    assert suspend.event_id == "compliance:user_suspend:900000000000000001:2024-03-01T10:00:00.000Z"


def test_prefixed_tweet_type_names_are_read_as_the_documented_ones() -> None:
    line = fixture_lines("tweet_stream.jsonl")[0].replace(b'"delete"', b'"tweet_delete"')
    (event,) = parse(line)
    assert isinstance(event, PostDeleted) and event.event_id.startswith("compliance:delete:")


def test_unknown_event_type_is_a_record_error_naming_it() -> None:
    line = b'{"data": {"user_teleport": {"user": {"id": "1"}, "event_at": "2024-01-01T00:00:00.000Z"}}}'
    with pytest.raises(RecordError, match="user_teleport"):
        parse(line)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"data": {"user_suspend": {"user": {}, "event_at": "2024-01-01T00:00:00.000Z"}}}', "user.id"),
        (b'{"data": {"user_suspend": {"user": {"id": "1"}}}}', "event_at"),
        (b'{"data": {"delete": {"tweet": {"id": "5"}, "event_at": "2024-01-01T00:00:00.000Z"}}}', "author_id"),
        (b'{"data": {"user_suspend": {"user": {"id": "1"}, "event_at": "2024-01-01T00:00:00"}}}', "time zone"),
        (b'{"errors": [{"title": "ConnectionException", "detail": "Too many connections"}]}', "Too many connections"),
        (b'{"data": {"user_suspend": {}, "user_delete": {}}}', "one compliance event"),
        (b"not json", "malformed JSON"),
    ],
)
def test_unusable_records_are_record_errors(line: bytes, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        parse(line)


def test_sniff_picks_compliance_for_stream_events_and_job_results() -> None:
    for name in ("user_stream.jsonl", "tweet_stream.jsonl"):
        for line in fixture_lines(name):
            assert sniff(line).name == "twitter-compliance"
            assert not TwitterV2.sniff(json.loads(line))
    job = {"id": "1", "action": "delete", "created_at": "2020-01-01T00:00:00.000Z", "reason": "suspended"}
    assert TwitterCompliance.sniff(job)
    assert not TwitterCompliance.sniff({"data": [{"id": "1", "text": "a tweet"}]})


# --- job results --------------------------------------------------------------------------------


def test_users_job_results() -> None:
    adapter = get_adapter("twitter-compliance-users")
    found = sample_lines("users_compliance.jsonl")
    events = [e for line in found for e in adapter.parse(line)]
    assert len(events) == len(found)
    for line, event in zip(found, events, strict=True):
        row = json.loads(line)
        assert event.actor == row["id"]
        assert event.time == when(row["redacted_at"] if "redacted_at" in row else row["created_at"])
        if row["reason"] == "protected":
            assert isinstance(event, ProfileChanged) and event.protected is True
        elif row["reason"] == "suspended":
            assert isinstance(event, EnforcementApplied) and event.action == "suspend"
    # the sample repeats one line: the same result replays the same event
    assert len({e.event_id for e in events}) == len(set(found))


def test_tweets_job_results_need_the_author() -> None:
    found = sample_lines("tweets_compliance.jsonl")
    rows = [json.loads(line) for line in found]
    with pytest.raises(RecordError, match="author of tweet"):
        list(get_adapter("twitter-compliance-tweets").parse(found[0]))
    authors = {row["id"]: f"author-of-{row['id']}" for row in rows}
    adapter = TwitterCompliance(kind="tweets", tweet_authors=authors)
    for line, row in zip(found, rows, strict=True):
        (event,) = parse(line, adapter)
        assert event.actor == authors[row["id"]]
        assert event.time == when(row.get("redacted_at") or row["created_at"])
        if row["reason"] == "protected":
            assert isinstance(event, ProfileChanged) and event.protected is True
        elif row["reason"] in ("deactivated", "deleted") and isinstance(event, EnforcementApplied):
            assert event.action == "delete" and event.reason == row["reason"]
        if "redacted_at" in row:
            assert event.event_id.endswith(":" + when(row["redacted_at"]).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


def test_a_deleted_tweet_is_a_post_deletion_and_account_reasons_match_a_users_job() -> None:
    deleted = (
        b'{"id":"1700000000000000001","action":"delete","created_at":"2024-01-01T00:00:00.000Z","reason":"deleted"}'
    )
    suspended = (
        b'{"id":"1700000000000000002","action":"delete","created_at":"2024-01-02T00:00:00.000Z","reason":"suspended"}'
    )
    authors = {"1700000000000000001": "900000000000000001", "1700000000000000002": "900000000000000001"}
    tweets = TwitterCompliance(kind="tweets", tweet_authors=authors.get)
    (gone,) = parse(deleted, tweets)
    assert isinstance(gone, PostDeleted) and gone.post_id == "1700000000000000001"
    assert gone.actor == "900000000000000001"
    (from_tweet,) = parse(suspended, tweets)
    user_line = (
        b'{"id":"900000000000000001","action":"delete","created_at":"2023-01-01T00:00:00.000Z","reason":"suspended"}'
    )
    (from_user,) = parse(user_line, TwitterCompliance(kind="users"))
    assert isinstance(from_tweet, EnforcementApplied) and from_tweet.action == "suspend"
    assert from_tweet.event_id == from_user.event_id


def test_observed_at_dates_results_without_redacted_at() -> None:
    observed = datetime(2024, 6, 1, tzinfo=UTC)
    line = b'{"id":"42","action":"delete","created_at":"2013-06-04T16:25:04+00:00","reason":"suspended"}'
    (late,) = parse(line, TwitterCompliance(kind="users", observed_at=observed))
    (plain,) = parse(line, TwitterCompliance(kind="users"))
    assert late.time == observed and plain.time == when("2013-06-04T16:25:04+00:00")
    assert late.event_id == plain.event_id


def test_job_results_without_a_kind_or_with_unknown_values_are_record_errors() -> None:
    line = b'{"id":"42","action":"delete","created_at":"2013-06-04T16:25:04+00:00","reason":"suspended"}'
    with pytest.raises(RecordError, match="twitter-compliance-users"):
        parse(line)
    users = TwitterCompliance(kind="users")
    with pytest.raises(RecordError, match="reason 'vanished'"):
        parse(line.replace(b"suspended", b"vanished"), users)
    with pytest.raises(RecordError, match="action 'keep'"):
        parse(line.replace(b'"delete"', b'"keep"'), users)
    with pytest.raises(ValueError, match="kind"):
        TwitterCompliance(kind="posts")  # type: ignore[arg-type]


# --- round trip through the writer --------------------------------------------------------------


def test_round_trip_through_the_compliance_stream() -> None:
    t = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)
    common: dict[str, Any] = {"platform": "twitter", "time": t}
    events: list[Event] = [
        EnforcementApplied(**common, event_id="a", actor="11", action="suspend"),
        EnforcementApplied(**common, event_id="b", actor="11", action="unsuspend"),
        EnforcementApplied(**common, event_id="c", actor="12", action="delete"),
        EnforcementApplied(**common, event_id="d", actor="12", action="undelete"),
        EnforcementApplied(**common, event_id="e", actor="13", action="withhold", reason="withheld in: DE, FR"),
        EnforcementApplied(
            **common, event_id="f", actor="13", action="withhold", post_id="501", reason="withheld in: TR"
        ),
        EnforcementApplied(**common, event_id="g", actor="13", action="remove_post", post_id="502"),
        PostDeleted(**common, event_id="h", actor="14", post_id="503"),
        ProfileChanged(**common, event_id="i", actor="15", protected=True),
        ProfileChanged(**common, event_id="j", actor="15", handle="ashen_media3", bio="Ashen Banner"),
        EnforcementApplied(**common, event_id="k", actor="16", action="unwithhold"),
        Follow(**common, event_id="l", actor="16", target="11"),
        AccountCreated(**common, event_id="m", actor="17", handle="ashen_media4"),
    ]
    skipped: list[str] = []
    lines = list(encode_compliance(events, on_skip=lambda e, why: skipped.append(e.event_id)))
    assert skipped == ["k", "l", "m"]
    back = [e for line in lines for e in parse(line)]

    def content(e: Event) -> dict[str, Any]:
        fields = {f: getattr(e, f) for f in e.__struct_fields__ if f not in ("event_id", "reason", "v")}
        if isinstance(e, EnforcementApplied) and e.action == "withhold":
            fields["reason"] = e.reason  # the countries survive; other reasons do not
        return fields

    kept = [e for e in events if e.event_id not in skipped]
    split_profile = ProfileChanged(**common, event_id="j", actor="15", handle="ashen_media3")
    split_bio = ProfileChanged(**common, event_id="j", actor="15", bio="Ashen Banner")
    expected = [content(e) for e in kept[:-1]] + [content(split_profile), content(split_bio)]
    assert [content(e) for e in back] == expected
    assert len({e.event_id for e in back}) == len(back)


TYPES = ["user_suspend", "user_withheld", "user_profile_modification", "delete", "withheld", "drop", "tweet_edit", "x"]
FIELDS = ["user", "tweet", "id", "author_id", "event_at", "withheld_in_countries", "profile_field", "new_value"]
VALUES = st.one_of(st.none(), st.integers(), st.sampled_from(["1", "", "name", "2024-01-01T00:00:00.000Z", "DE"]))
BODIES = st.recursive(
    VALUES,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), kids, max_size=4),
    max_leaves=12,
)
RECORDS = st.one_of(
    st.builds(lambda t, b: {"data": {t: b}}, st.sampled_from(TYPES), BODIES),
    st.dictionaries(st.sampled_from(["id", "action", "created_at", "redacted_at", "reason", "data"]), VALUES),
    BODIES,
)


@settings(max_examples=300, deadline=None)
@given(RECORDS, st.sampled_from([None, "users", "tweets"]))
def test_any_record_gives_events_or_a_record_error(record: Any, kind: Any) -> None:
    adapter = TwitterCompliance(kind=kind, tweet_authors=lambda tweet_id: "author")
    try:
        out = parse(json.dumps(record).encode(), adapter)
    except RecordError:
        return
    assert all(isinstance(e, Event) for e in out)
