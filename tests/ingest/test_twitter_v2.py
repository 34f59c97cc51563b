"""The twitter-v2 adapter against real twarc2 output, and the writer's round trip.

Real samples are read at run time from ``../shared/data/formats/twitter-v2`` (DocNow twarc-csv
test data); tests that need them skip when the folder is absent. Expected counts are worked out
in each test by reading the JSON directly, not hard-coded.

The files under ``tests/fixtures/twitter_v2/`` were written from the Twitter API v2
documentation (response page, problem object and ``withheld`` shapes, field for field), because
the real samples hold no tweet without an author, no withheld content and no error-only stream
line (the streaming sample's "error" is a truncated last line); their content is synthetic.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cauterize.emit.twitter_v2 import encode_pages
from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Event,
    Follow,
    MediaRef,
    Mention,
    PostCreated,
    PostRef,
    ProfileChanged,
    ReportFiled,
)
from cauterize.ingest.base import RecordError, Reject
from cauterize.ingest.registry import get_adapter, sniff
from cauterize.ingest.sources import FileSource
from cauterize.ingest.twitter_v2 import TwitterV2

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "formats" / "twitter-v2"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "twitter_v2"
NO_SAMPLES = f"real Twitter v2 samples not found at {SAMPLES}"
COMPLIANCE_FILES = {"users_compliance.jsonl", "tweets_compliance.jsonl"}

SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.json*")) if SAMPLES.is_dir() else []
SAMPLE_PARAMS = SAMPLE_FILES or [pytest.param("none", marks=pytest.mark.skip(reason=NO_SAMPLES))]


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(NO_SAMPLES)
    return path


def lines(path: Path) -> list[bytes]:
    return [line.strip() for line in path.read_bytes().splitlines() if line.strip()]


def parse(line: bytes) -> list[Event | Reject]:
    return list(TwitterV2().parse(line))


def of(kind: type, items: list[Any]) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


def first_page(name: str) -> tuple[dict, list[Event | Reject]]:
    line = lines(sample(name))[0]
    return json.loads(line), parse(line)


# --- independent expectations, read straight from the JSON ------------------------------------


def _flat_expectations(tweet: dict, tweets: set[str], users: set[str]) -> None:
    tweets.add(tweet["id"])
    for key in ("author", "in_reply_to_user"):
        if isinstance(tweet.get(key), dict):
            users.add(tweet[key]["id"])
    for mention in tweet.get("entities", {}).get("mentions", []):
        if "name" in mention:
            users.add(mention["id"])
    for ref in tweet.get("referenced_tweets", []):
        if "text" in ref:
            _flat_expectations(ref, tweets, users)


def expected_ids(obj: dict) -> tuple[set[str], set[str]]:
    """(tweet ids, user ids) that one line holds."""
    tweets: set[str] = set()
    users: set[str] = set()
    if "data" not in obj and "includes" not in obj and "text" in obj:
        _flat_expectations(obj, tweets, users)
        return tweets, users
    data = obj.get("data")
    for item in [data] if isinstance(data, dict) else data or []:
        if "username" in item:
            users.add(item["id"])
        elif "text" in item:
            tweets.add(item["id"])
    includes = obj.get("includes", {})
    tweets.update(t["id"] for t in includes.get("tweets", []) if "created_at" in t)
    users.update(u["id"] for u in includes.get("users", []))
    return tweets, users


def expected_suspended(obj: dict) -> set[str]:
    """Accounts a page's errors report suspended, named as the adapter should name them."""
    known = {u["username"].lower(): u["id"] for u in obj.get("includes", {}).get("users", [])}
    data = obj.get("data")
    for tweet in [data] if isinstance(data, dict) else data or []:
        for m in tweet.get("entities", {}).get("mentions", []):
            if "id" in m:
                known.setdefault(m["username"].lower(), m["id"])
    out = set()
    for err in obj.get("errors", []):
        if "User has been suspended" in err.get("detail", ""):
            handle = err["detail"].split("[", 1)[1].split("]", 1)[0]
            if not err["parameter"].endswith("username"):  # e.g. in_reply_to_user_id: the id itself
                out.add(err["resource_id"])
            else:
                out.add(known.get(handle.lower(), "@" + handle.lower()))
    return out


# --- every real sample --------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_PARAMS)
def test_every_sample_parses_with_the_expected_counts(name: str) -> None:
    path = sample(name)
    for number, line in enumerate(lines(path), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            with pytest.raises(RecordError, match="malformed JSON"):
                parse(line)
            continue
        if name in COMPLIANCE_FILES:
            with pytest.raises(RecordError, match="not a Twitter API v2 page"):
                parse(line)
            continue
        out = parse(line)
        tweets, users = expected_ids(obj)
        suspended = expected_suspended(obj)
        placeholders = {s for s in suspended if s.startswith("@")}
        where = f"{name}:{number}"
        assert of(Reject, out) == [], where
        posts = of(PostCreated, out)
        assert sorted(p.post_id for p in posts) == sorted(tweets), where
        assert {p.event_id for p in posts} == {f"tweet:{t}" for t in tweets}, where
        assert sorted(e.actor for e in of(ProfileChanged, out)) == sorted(users | placeholders), where
        enforced = {e.actor for e in of(EnforcementApplied, out) if e.action == "suspend"}
        assert enforced == suspended, where
        assert {e.actor for e in of(AccountCreated, out)} <= users, where
        assert all(e.platform == "twitter" and e.time.tzinfo is not None for e in of(Event, out)), where


def test_the_empty_file_yields_nothing() -> None:
    assert lines(sample("empty.json")) == []


def test_count_and_list_pages_yield_nothing() -> None:
    for name in ("counts.jsonl", "lists.jsonl"):
        for line in lines(sample(name)):
            assert json.loads(line)["data"], "the page is not empty"
            assert parse(line) == []


@pytest.mark.parametrize("name", SAMPLE_PARAMS)
def test_sniff_recognises_each_sample(name: str) -> None:
    found = lines(sample(name))
    if not found:
        pytest.skip(f"{name} is empty")
    expected = "twitter-compliance" if name in COMPLIANCE_FILES else "twitter-v2"
    assert sniff(found[0]).name == expected


def test_sniff_leaves_canonical_events_and_compliance_events_alone() -> None:
    canonical = {"kind": "follow", "event_id": "e1", "platform": "twitter", "data": {}}
    compliance = {"data": {"user_suspend": {"user": {"id": "1"}, "event_at": "2024-01-01T00:00:00.000Z"}}}
    assert not TwitterV2.sniff(canonical)
    assert not TwitterV2.sniff(compliance)
    assert TwitterV2.sniff({"data": [], "meta": {"result_count": 0}})


# --- mapping details on real tweets -------------------------------------------------------------


def test_retweet_keeps_rt_text_and_resolves_the_target_author() -> None:
    obj, out = first_page("mentions_tweet.jsonl")
    raw = obj["data"][0]
    post = next(p for p in of(PostCreated, out) if p.post_id == raw["id"])
    target_id = next(r["id"] for r in raw["referenced_tweets"] if r["type"] == "retweeted")
    target = next(t for t in obj["includes"]["tweets"] if t["id"] == target_id)
    assert post.text == raw["text"] and post.text.startswith("RT @")
    assert post.actor == raw["author_id"]
    assert post.time == datetime.fromisoformat(raw["created_at"])
    assert post.repost_of == PostRef(post_id=target_id, account_id=target["author_id"])
    assert post.mentions == tuple(
        Mention(handle=m["username"], account_id=m["id"]) for m in raw["entities"]["mentions"]
    )
    # without the expansion, the author is read from the "RT @handle:" prefix and its mention
    del obj["includes"]["tweets"]
    bare = next(p for p in of(PostCreated, parse(json.dumps(obj).encode())) if p.post_id == raw["id"])
    rt_mention = raw["entities"]["mentions"][0]
    assert raw["text"].startswith(f"RT @{rt_mention['username']}:")
    assert bare.repost_of == PostRef(post_id=target_id, account_id=rt_mention["id"])
    expanded = next(p for p in of(PostCreated, out) if p.post_id == target_id)
    assert expanded.hashtags == tuple(h["tag"] for h in target["entities"]["hashtags"])


def test_reply_and_quote_targets_carry_their_authors() -> None:
    obj, out = first_page("quoted_edit.jsonl")
    raw = obj["data"][0]
    post = next(p for p in of(PostCreated, out) if p.post_id == raw["id"])
    refs = {r["type"]: r["id"] for r in raw["referenced_tweets"]}
    authors = {t["id"]: t["author_id"] for t in obj["includes"]["tweets"]}
    assert post.quote_of == PostRef(post_id=refs["quoted"], account_id=authors[refs["quoted"]])
    assert post.reply_to == PostRef(post_id=refs["replied_to"], account_id=raw["in_reply_to_user_id"])
    assert post.urls == tuple(u["expanded_url"] for u in raw["entities"]["urls"])
    # without the expanded tweets, the reply's author still comes from in_reply_to_user_id and
    # the quote's from the status link it carries, resolved through includes.users
    del obj["includes"]["tweets"]
    bare = next(p for p in of(PostCreated, parse(json.dumps(obj).encode())) if p.post_id == raw["id"])
    assert bare.reply_to == PostRef(post_id=refs["replied_to"], account_id=raw["in_reply_to_user_id"])
    assert bare.quote_of == PostRef(post_id=refs["quoted"], account_id=authors[refs["quoted"]])
    # and without the users either, the quoted handle stays as the store's handle placeholder
    link = next(u["expanded_url"] for u in raw["entities"]["urls"] if refs["quoted"] in u["expanded_url"])
    handle = link.split("/")[3]
    del obj["includes"]["users"]
    for m in raw["entities"].get("mentions", []):
        m.pop("id", None)
    bare = next(p for p in of(PostCreated, parse(json.dumps(obj).encode())) if p.post_id == raw["id"])
    assert bare.quote_of == PostRef(post_id=refs["quoted"], account_id="@" + handle.lower())
    # a reference of an unknown type or a quote without its link names no author
    raw["entities"]["urls"] = []
    bare = next(p for p in of(PostCreated, parse(json.dumps(obj).encode())) if p.post_id == raw["id"])
    assert bare.quote_of == PostRef(post_id=refs["quoted"], account_id=None)


def test_video_media_joins_includes_media() -> None:
    obj, out = first_page("media_tweet.jsonl")
    raw = obj["data"][0]
    media = {m["media_key"]: m for m in obj["includes"]["media"]}
    (post,) = (p for p in of(PostCreated, out) if p.post_id == raw["id"])
    keys = raw["attachments"]["media_keys"]
    types = {"photo": "image", "video": "video", "animated_gif": "gif"}
    assert [m.media_id for m in post.media] == keys
    assert [m.type for m in post.media] == [types[media[k]["type"]] for k in keys]
    assert [m.url for m in post.media] == [media[k].get("url") or media[k]["preview_image_url"] for k in keys]
    # the t.co link to the tweet's own video is the media, not a link to elsewhere
    assert post.urls == tuple(u["expanded_url"] for u in raw["entities"]["urls"] if "media_key" not in u)


@pytest.mark.parametrize("name", ["noflat.jsonl", "media_policy_violation_on.jsonl"])
def test_every_attached_media_matches_includes_media(name: str) -> None:
    obj, out = first_page(name)
    types = {"photo": "image", "video": "video", "animated_gif": "gif"}
    media = {m["media_key"]: m for m in obj["includes"]["media"]}
    posts = {p.post_id: p for p in of(PostCreated, out)}
    seen_types = set()
    for raw in [*obj["data"], *obj["includes"].get("tweets", [])]:
        keys = raw.get("attachments", {}).get("media_keys", [])
        got = posts[raw["id"]].media
        assert [m.media_id for m in got] == keys
        for ref, key in zip(got, keys, strict=True):
            if key in media:
                assert ref.type == types[media[key]["type"]]
                assert ref.url == (media[key].get("url") or media[key].get("preview_image_url"))
                seen_types.add(media[key]["type"])
    assert seen_types, "the sample has media"


def test_photo_media_uses_its_url() -> None:
    obj, out = first_page("edited_before.jsonl")
    raw = obj["data"][0]
    photo = obj["includes"]["media"][0]
    post = next(p for p in of(PostCreated, out) if p.post_id == raw["id"])
    assert post.media == (MediaRef(media_id=photo["media_key"], type="image", url=photo["url"]),)


def test_mentions_without_ids_are_resolved_from_includes_users() -> None:
    obj, out = first_page("noflat.jsonl")
    by_handle = {u["username"].lower(): u["id"] for u in obj["includes"]["users"]}
    checked = 0
    for raw in obj["data"]:
        post = next(p for p in of(PostCreated, out) if p.post_id == raw["id"])
        for mention, raw_mention in zip(post.mentions, raw.get("entities", {}).get("mentions", []), strict=True):
            assert mention.handle == raw_mention["username"]
            expected = raw_mention.get("id") or by_handle.get(raw_mention["username"].lower())
            assert mention.account_id == expected
            checked += expected is not None and "id" not in raw_mention
    assert checked > 0, "the sample has mentions whose ids come only from includes.users"


def test_partial_errors_keep_the_page() -> None:
    obj, out = first_page("entities_test.jsonl")
    assert obj["errors"] and obj["data"]
    tweets, _ = expected_ids(obj)
    assert len(of(PostCreated, out)) == len(tweets) > 0


def test_edited_tweet_versions_are_separate_events() -> None:
    obj, out = first_page("edited.jsonl")
    history = obj["data"][0]["edit_history_tweet_ids"]
    assert len(history) == 2
    posts = {p.post_id: p for p in of(PostCreated, out)}
    texts = {t["id"]: t["text"] for t in [*obj["data"], *obj["includes"]["tweets"]]}
    assert set(history) <= set(posts)
    assert {posts[v].event_id for v in history} == {f"tweet:{v}" for v in history}
    assert [posts[v].text for v in history] == [texts[v] for v in history]
    assert posts[history[0]].text != posts[history[1]].text


def test_the_same_version_on_two_pages_replays_the_same_event() -> None:
    before = {p.event_id: p for p in of(PostCreated, first_page("edited_before.jsonl")[1])}
    after = {p.event_id: p for p in of(PostCreated, first_page("edited_after.jsonl")[1])}
    shared = before.keys() & after.keys()
    assert shared
    assert all(before[k].text == after[k].text for k in shared)


def test_flattened_tweet_reply_target_comes_from_in_reply_to_user() -> None:
    for line in lines(sample("flat.jsonl")):
        obj = json.loads(line)
        if "in_reply_to_user" in obj and any(r["type"] == "replied_to" for r in obj.get("referenced_tweets", [])):
            break
    else:
        pytest.fail("no flattened reply in the sample")
    post = next(p for p in of(PostCreated, parse(line)) if p.post_id == obj["id"])
    assert post.actor == obj["author"]["id"] == obj["author_id"]
    assert post.reply_to is not None and post.reply_to.account_id == obj["in_reply_to_user_id"]


def test_users_map_to_account_and_profile_snapshot() -> None:
    obj, out = first_page("users.jsonl")
    raw = obj["data"][0]
    created = next(e for e in of(AccountCreated, out) if e.actor == raw["id"])
    assert created.event_id == f"user:{raw['id']}:created"
    assert created.time == datetime.fromisoformat(raw["created_at"])
    assert (created.handle, created.display_name, created.bio) == (raw["username"], raw["name"], raw["description"])
    assert created.avatar_url == raw["profile_image_url"]
    assert created.followers_count == raw["public_metrics"]["followers_count"]
    assert created.following_count == raw["public_metrics"]["following_count"]
    snapshot = next(e for e in of(ProfileChanged, out) if e.actor == raw["id"])
    assert snapshot.event_id.startswith(f"user:{raw['id']}:profile:")
    assert snapshot.handle == raw["username"] and snapshot.protected == raw["protected"]
    # a user lookup is dated by when twarc fetched it, not by old pinned tweets
    assert snapshot.time == datetime.fromisoformat(obj["__twarc"]["retrieved_at"])


def test_profile_snapshot_dedupes_when_identical_and_changes_with_the_profile() -> None:
    obj, out = first_page("two_tweets.jsonl")
    again = parse(json.dumps(obj).encode())
    first = {e.actor: e.event_id for e in of(ProfileChanged, out)}
    assert {e.actor: e.event_id for e in of(ProfileChanged, again)} == first
    user = obj["includes"]["users"][0]
    user["description"] = user["description"] + " (now with a new bio)"
    user["public_metrics"]["followers_count"] += 1
    changed = {e.actor: e.event_id for e in of(ProfileChanged, parse(json.dumps(obj).encode()))}
    assert changed[user["id"]] != first[user["id"]]
    others = [u["id"] for u in obj["includes"]["users"][1:]]
    assert all(changed[o] == first[o] for o in others)
    newest = max(datetime.fromisoformat(t["created_at"]) for t in obj["data"])
    assert all(e.time == newest for e in of(ProfileChanged, out))


def test_streaming_lines_parse_and_the_truncated_line_is_a_record_error() -> None:
    found = lines(sample("streaming_output_with_error.jsonl"))
    good = found[:-1]
    for line in good:
        obj = json.loads(line)
        assert isinstance(obj["data"], dict)
        post = next(p for p in of(PostCreated, parse(line)) if p.post_id == obj["data"]["id"])
        assert post.actor == obj["data"]["author_id"]
    with pytest.raises(RecordError, match="malformed JSON"):
        parse(found[-1])


# --- written fixtures -------------------------------------------------------------------------


def test_error_only_line_is_a_record_error_naming_the_api_error() -> None:
    (line,) = lines(FIXTURES / "stream_errors.jsonl")
    err = json.loads(line)["errors"][0]
    with pytest.raises(RecordError) as caught:
        parse(line)
    assert err["title"] in str(caught.value) and err["detail"] in str(caught.value)


def test_a_tweet_without_author_is_rejected_and_the_rest_kept() -> None:
    (line,) = lines(FIXTURES / "page_missing_author.jsonl")
    obj = json.loads(line)
    out = parse(line)
    (reject,) = of(Reject, out)
    bad = next(i for i, t in enumerate(obj["data"]) if "author_id" not in t)
    assert reject.where == f"data[{bad}]" and "author_id" in reject.reason
    assert json.loads(reject.raw or b"{}")["id"] == obj["data"][bad]["id"]
    kept = {t["id"] for t in obj["data"] if "author_id" in t}
    assert {p.post_id for p in of(PostCreated, out)} == kept
    bulletin = next(p for p in of(PostCreated, out) if p.post_id == obj["data"][0]["id"])
    assert bulletin.hashtags == ("ashenbanner",)
    assert bulletin.urls == ("https://example.org/bulletin",)
    assert bulletin.media == (
        MediaRef(media_id="3_1700000000000000900", type="image", url=obj["includes"]["media"][0]["url"]),
    )
    repost = next(p for p in of(PostCreated, out) if p.repost_of is not None)
    assert repost.repost_of == PostRef(post_id=obj["data"][0]["id"], account_id=obj["data"][0]["author_id"])


def test_a_real_page_with_one_author_removed_keeps_the_others() -> None:
    obj, out = first_page("media_policy_violation_on.jsonl")
    victim = obj["data"][1]
    del victim["author_id"]
    changed = parse(json.dumps(obj).encode())
    (reject,) = of(Reject, changed)
    assert reject.where == "data[1]" and "author_id" in reject.reason
    before = {p.post_id for p in of(PostCreated, out)}
    after = {p.post_id for p in of(PostCreated, changed)}
    also_expanded = victim["id"] in {t["id"] for t in obj["includes"].get("tweets", [])}
    assert after == (before if also_expanded else before - {victim["id"]})
    assert len(after) > 1


def test_withheld_tweets_are_on_the_post_and_withheld_users_are_withhold_enforcement() -> None:
    (line,) = lines(FIXTURES / "withheld.jsonl")
    obj = json.loads(line)
    tweet, user = obj["data"][0], obj["includes"]["users"][0]
    out = parse(line)
    (post,) = of(PostCreated, out)
    assert post.withheld_in == tuple(sorted(tweet["withheld"]["country_codes"]))
    # a withheld tweet is the post's status: no enforcement on its author
    (on_user,) = of(EnforcementApplied, out)
    assert (on_user.actor, on_user.post_id, on_user.action) == (user["id"], None, "withhold")
    assert on_user.reason == "withheld in: " + ", ".join(user["withheld"]["country_codes"])
    assert on_user.event_id == of(EnforcementApplied, parse(line))[0].event_id  # deterministic


def test_malformed_and_foreign_records_are_record_errors() -> None:
    adapter = get_adapter("twitter-v2")
    for bad, reason in (
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"data": "x"}', "neither a list nor an object"),
    ):
        with pytest.raises(RecordError, match=reason):
            list(adapter.parse(bad))


def test_naive_times_are_rejected_not_guessed() -> None:
    page = {"data": [{"id": "1", "author_id": "2", "text": "x", "created_at": "2024-01-01T00:00:00"}]}
    (reject,) = parse(json.dumps(page).encode())
    assert isinstance(reject, Reject) and "time zone" in reject.reason


KEYS = [
    "data",
    "includes",
    "users",
    "tweets",
    "media",
    "id",
    "author_id",
    "created_at",
    "text",
    "username",
    "entities",
    "mentions",
    "hashtags",
    "urls",
    "attachments",
    "media_keys",
    "referenced_tweets",
    "type",
    "errors",
    "title",
    "detail",
    "public_metrics",
    "withheld",
    "note_tweet",
    "__twarc",
    "retrieved_at",
]
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(["1", "2", "", "2024-01-01T00:00:00.000Z", "retweeted"])
)
JSONISH = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(JSONISH)
def test_any_json_gives_events_rejects_or_a_record_error(value: Any) -> None:
    try:
        out = parse(json.dumps(value).encode())
    except RecordError:
        return
    assert all(isinstance(item, Event | Reject) for item in out)


@pytest.mark.parametrize("name", SAMPLE_PARAMS)
def test_sample_files_frame_into_one_record_per_line(name: str) -> None:
    # twarc2 lines run to hundreds of KB: the source must not take them for one indented document
    path = sample(name)
    records = list(FileSource(path).records())
    assert [r.data for r in records] == lines(path)
    assert all(r.error is None for r in records)


# --- round trip through the writer --------------------------------------------------------------


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, 1, hour, minute, tzinfo=UTC)


def canonical_stream() -> list[Event]:
    common = {"platform": "twitter"}
    return [
        AccountCreated(
            **common,
            event_id="user:11:created",
            actor="11",
            time=at(1),
            handle="ashen_media",
            display_name="Ashen Media",
            bio="bulletins",
            avatar_url="https://pbs.twimg.com/a.jpg",
            followers_count=10,
            following_count=2,
        ),
        AccountCreated(
            **common,
            event_id="user:12:created",
            actor="12",
            time=at(2),
            handle="ashen_media2",
            display_name="Ashen Media 2",
            protected=True,
        ),
        AccountCreated(**common, event_id="user:13:created", actor="13", time=at(2, 30), handle="quiet_one"),
        PostCreated(
            **common,
            event_id="tweet:101",
            actor="11",
            time=at(3),
            post_id="101",
            text="Ashen Banner bulletin #ashen @ashen_media2 https://example.org/b",
            lang="en",
            hashtags=("ashen",),
            mentions=(Mention(handle="ashen_media2", account_id="12"),),
            urls=("https://example.org/b",),
            media=(
                MediaRef(media_id="3_901", type="image", url="https://pbs.twimg.com/m/1.jpg"),
                MediaRef(media_id="7_902", type="video", url="https://pbs.twimg.com/m/2.jpg"),
            ),
        ),
        ProfileChanged(**common, event_id="p1", actor="11", time=at(3, 30), handle="ashen_media_new"),
        PostCreated(
            **common,
            event_id="tweet:102",
            actor="12",
            time=at(4),
            post_id="102",
            text="RT @ashen_media: Ashen Banner bulletin",
            repost_of=PostRef(post_id="101", account_id="11"),
        ),
        PostCreated(
            **common,
            event_id="tweet:103",
            actor="12",
            time=at(5),
            post_id="103",
            text="agreed",
            reply_to=PostRef(post_id="99", account_id="77"),
            quote_of=PostRef(post_id="101", account_id="11"),
        ),
        Follow(**common, event_id="f1", actor="12", time=at(5), target="11"),
        ReportFiled(**common, event_id="r1", actor="13", time=at(6), target="12"),
        EnforcementApplied(**common, event_id="e1", actor="12", time=at(7), action="suspend"),
    ]


def test_round_trip_through_pages() -> None:
    events = canonical_stream()
    skipped: list[tuple[str, str]] = []
    pages = list(encode_pages(events, page_size=1, on_skip=lambda e, why: skipped.append((e.kind, why))))
    out = [e for page in pages for e in parse(page)]
    assert of(Reject, out) == []
    assert [kind for kind, _ in skipped] == ["follow", "report_filed", "enforcement"]

    # posts survive whole (their event ids are already the adapter's own)
    originals = {e.event_id: e for e in of(PostCreated, events)}
    back = {e.event_id: e for e in of(PostCreated, out) if e.event_id in originals}
    assert back == originals
    # accounts survive, including one that never posted (written as a user-lookup page)
    created = {e.actor: e for e in of(AccountCreated, out)}
    for original in of(AccountCreated, events):
        got = created[original.actor]
        assert (got.time, got.display_name, got.bio, got.protected, got.followers_count) == (
            original.time,
            original.display_name,
            original.bio,
            original.protected,
            original.followers_count,
        )
    # pages written after the rename carry the new handle: a new snapshot for that account
    handles = {e.handle for e in of(ProfileChanged, out) if e.actor == "11"}
    assert handles == {"ashen_media", "ashen_media_new"}


def test_writer_rejects_a_page_size_below_one() -> None:
    with pytest.raises(ValueError, match="page_size"):
        list(encode_pages([], page_size=0))


WORDS = st.sampled_from(["ashen", "banner", "news", "x1", "report"])


@st.composite
def posts(draw: st.DrawFn) -> list[PostCreated]:
    """Posts whose every field has a Twitter v2 form (see the writer's docstring for the others)."""
    ids = draw(st.lists(st.integers(100_000, 200_000), min_size=1, max_size=8, unique=True))  # apart from targets
    out = []
    for n in ids:
        tags = tuple(draw(st.lists(WORDS, max_size=2)))
        handles = draw(st.lists(WORDS, max_size=2))
        mentions = tuple(Mention(handle=h, account_id=f"5{i}") for i, h in enumerate(handles))
        refs = {
            slot: PostRef(post_id=f"9{t}", account_id=f"7{t}")
            for slot in ("reply_to", "quote_of", "repost_of")
            if (t := draw(st.none() | st.integers(1, 50))) is not None
        }
        kinds = draw(st.lists(st.sampled_from(["image", "video", "gif"]), max_size=2))
        media = tuple(
            MediaRef(media_id=f"3_{n}{i}", type=k, url=f"https://pbs.twimg.com/{n}/{i}.jpg")  # type: ignore[arg-type]
            for i, k in enumerate(kinds)
        )
        text = " ".join([draw(WORDS), *("#" + t for t in tags), *("@" + h for h in handles)])
        millis = draw(st.integers(0, 10**10))
        out.append(
            PostCreated(
                platform="twitter",
                event_id=f"tweet:{n}",
                actor=f"1{draw(st.integers(0, 3))}",
                post_id=str(n),
                time=datetime.fromtimestamp(1_700_000_000 + millis / 1000, tz=UTC),
                text=text,
                lang=draw(st.none() | st.sampled_from(["en", "ar"])),
                hashtags=tags,
                mentions=mentions,
                urls=tuple(
                    draw(st.lists(st.sampled_from(["https://example.org/a", "https://example.net/b"]), max_size=2))
                ),
                media=media,
                **refs,
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(posts(), st.integers(1, 4))
def test_posts_survive_the_round_trip(original: list[PostCreated], page_size: int) -> None:
    back = [e for page in encode_pages(original, page_size=page_size) for e in parse(page)]
    assert of(Reject, back) == []
    by_id = {p.event_id: p for p in of(PostCreated, back)}
    assert by_id == {p.event_id: p for p in original}
