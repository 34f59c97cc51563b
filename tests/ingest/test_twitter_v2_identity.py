"""Identity signals, suspensions from ``errors`` and reference types in the twitter-v2 adapter.

Run against the real twarc2 samples in ``../shared/data/formats/twitter-v2`` (DocNow twarc-csv
test data, read at run time; the tests skip when the folder is absent). Expected values are read
from the JSON in each test, never hard-coded. The two pages written here (an error-only stream
line, a retweet page) follow the Twitter API v2 documentation's shapes; their content is synthetic.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cauterize.events import AccountCreated, EnforcementApplied, Event, PostCreated, PostRef, ProfileChanged
from cauterize.ingest.base import RecordError, Reject
from cauterize.ingest.twitter_v2 import TwitterV2, avatar_key

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "formats" / "twitter-v2"


def first_page(name: str) -> tuple[dict, list[Event | Reject]]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"real Twitter v2 samples not found at {SAMPLES}")
    line = path.read_bytes().splitlines()[0]
    return json.loads(line), list(TwitterV2().parse(line))


def parse(obj: dict) -> list[Event | Reject]:
    return list(TwitterV2().parse(json.dumps(obj).encode()))


def of(kind: type, items: list[Any]) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


@pytest.mark.parametrize("name", ["users.jsonl", "cotweet.jsonl", "entities_test.jsonl"])
def test_every_user_keeps_its_identity_signals(name: str) -> None:
    obj, out = first_page(name)
    data = obj["data"] if isinstance(obj["data"], list) else [obj["data"]]
    users = {u["id"]: u for u in [*data, *obj.get("includes", {}).get("users", [])] if "username" in u}
    snapshots = {e.actor: e for e in of(ProfileChanged, out)}
    created = {e.actor: e for e in of(AccountCreated, out)}
    assert users and set(users) <= set(snapshots)
    for uid, raw in users.items():
        for event in (snapshots[uid], created[uid]):
            assert event.bio == raw.get("description")
            assert event.location == (raw.get("location") or None)
            assert event.pinned_post_id == raw.get("pinned_tweet_id")
            assert event.verified == raw.get("verified")
            entities = raw.get("entities", {})
            links = [u["expanded_url"] for u in entities.get("url", {}).get("urls", [])]
            assert event.url == (links[0] if links else raw.get("url") or None)
            assert event.bio_urls == tuple(u["expanded_url"] for u in entities.get("description", {}).get("urls", []))
            image = raw.get("profile_image_url")
            assert event.avatar_url == image
            if image and "default_profile_images" not in image:
                upload = image.split("/profile_images/")[1].split("/")[0]
                assert event.avatar_hash is not None and event.avatar_hash.startswith(f"twimg:{upload}/")
            else:
                assert event.avatar_hash is None


def test_avatar_key_names_the_upload_whatever_the_size() -> None:
    base = "https://pbs.twimg.com/profile_images/1594440891434934282/KgFqB6dZ"
    keys = {avatar_key(f"{base}{size}.jpg") for size in ("_normal", "_bigger", "_400x400", "_mini", "")}
    assert keys == {"twimg:1594440891434934282/KgFqB6dZ"}
    assert avatar_key("https://pbs.twimg.com/profile_images/1594440891434934283/KgFqB6dZ_normal.jpg") not in keys
    assert avatar_key("https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png") is None
    assert avatar_key("https://cdn.example.org/a.png") == "url:https://cdn.example.org/a.png"
    assert avatar_key(None) is None


def test_a_new_bio_link_or_place_is_a_new_snapshot_and_old_shapes_keep_their_ids() -> None:
    obj, out = first_page("cotweet.jsonl")
    user = obj["includes"]["users"][0]
    before = next(e for e in of(ProfileChanged, out) if e.actor == user["id"])
    user["location"] = (user.get("location") or "") + " (moved)"
    after = next(e for e in of(ProfileChanged, parse(obj)) if e.actor == user["id"])
    assert after.event_id != before.event_id and after.location == user["location"]
    # a user stating none of the new fields keeps the id it had before they were hashed
    bare = {
        "data": [{"id": "7", "username": "ashen_media", "name": "Ashen Media", "created_at": "2024-01-01T00:00:00Z"}]
    }
    (_, snapshot) = parse(bare)
    old = hashlib.sha256(json.dumps(["ashen_media", "Ashen Media", None, None, None], separators=(",", ":")).encode())
    assert snapshot.event_id == f"user:7:profile:{old.hexdigest()[:12]}"


def test_tweets_keep_their_language() -> None:
    obj, out = first_page("two_tweets.jsonl")
    langs = {t["id"]: t.get("lang") for t in obj["data"]}
    posts = {p.post_id: p.lang for p in of(PostCreated, out) if p.post_id in langs}
    assert posts == langs and any(posts.values())


def test_suspension_errors_on_a_real_page_become_enforcement() -> None:
    obj, out = first_page("entities_test.jsonl")
    errors = [e for e in obj["errors"] if "User has been suspended" in e["detail"]]
    # a suspended user is never in includes.users, but mentions of it carry its id
    mention_ids = {
        m["username"].lower(): m["id"]
        for t in obj["data"] + obj["includes"].get("tweets", [])
        for m in t.get("entities", {}).get("mentions", [])
        if "id" in m
    }
    suspended = {e.actor: e for e in of(EnforcementApplied, out) if e.action == "suspend"}
    # dated when the API said so (twarc's retrieved_at), not by the page's old tweets
    said_at = datetime.fromisoformat(obj["__twarc"]["retrieved_at"])
    expected = set()
    for err in errors:
        by_id = not err["parameter"].endswith("username")
        handle = err["resource_id"]
        actor = handle if by_id else mention_ids.get(handle.lower(), "@" + handle.lower())
        expected.add(actor)
        event = suspended[actor]
        assert (event.reason, event.event_id, event.time) == ("suspended", f"user:{actor}:suspended", said_at)
        if actor.startswith("@"):  # known only by handle: the handle is stated, to match it by name
            stated = next(e for e in of(ProfileChanged, out) if e.actor == actor)
            assert stated.handle == handle
    assert set(suspended) == expected
    # a replay gives the same events, so the store keeps one of each
    again = {e.event_id for e in of(EnforcementApplied, list(TwitterV2().parse(json.dumps(obj).encode())))}
    assert again == {e.event_id for e in suspended.values()}


ERROR_LINE = {
    "errors": [
        {
            "value": "ashen_relay",
            "detail": "User has been suspended: [ashen_relay].",
            "title": "Forbidden",
            "resource_type": "user",
            "parameter": "usernames",
            "resource_id": "ashen_relay",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        },
        {
            "value": "900000000000000077",
            "detail": "User has been suspended: [900000000000000077].",
            "title": "Forbidden",
            "resource_type": "user",
            "parameter": "ids",
            "resource_id": "900000000000000077",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        },
    ],
    "__twarc": {
        "url": "https://api.twitter.com/2/users/by",
        "version": "2.14.0",
        "retrieved_at": "2024-04-02T09:30:00+00:00",
    },
}


def test_an_error_only_line_reporting_suspensions_gives_their_events() -> None:
    out = parse(ERROR_LINE)
    enforcement = {e.actor: e for e in of(EnforcementApplied, out)}
    assert set(enforcement) == {"@ashen_relay", "900000000000000077"}
    assert all(e.time == datetime.fromisoformat(ERROR_LINE["__twarc"]["retrieved_at"]) for e in out)
    # without a time, the report cannot be dated: the line is a record error, not a guess
    with pytest.raises(RecordError, match="no time"):
        parse({"errors": ERROR_LINE["errors"]})
    # other errors alone still dead-letter the line with the API's words
    with pytest.raises(RecordError, match="Not Found Error"):
        parse({"errors": [{"title": "Not Found Error", "detail": "Could not find tweet with ids: [1]."}]})


def _retweet_page(include_target: bool, include_user: bool) -> dict:
    target = {"id": "501", "author_id": "41", "text": "bulletin", "created_at": "2024-04-01T08:00:00Z"}
    rt = {
        "id": "502",
        "author_id": "42",
        "created_at": "2024-04-01T09:00:00Z",
        "text": "RT @Ashen_Media: bulletin",
        "referenced_tweets": [{"type": "retweeted", "id": "501"}],
        "entities": {"mentions": [{"start": 3, "end": 15, "username": "Ashen_Media"}]},
    }
    users = [{"id": "41", "username": "ashen_media", "name": "Ashen Media"}] if include_user else []
    return {"data": [rt], "includes": {"tweets": [target] if include_target else [], "users": users}}


def test_retweet_type_and_author_come_without_the_target_tweet() -> None:
    for include_target, include_user, author in (
        (True, False, "41"),
        (False, True, "41"),
        (False, False, "@ashen_media"),
    ):
        (post,) = [p for p in of(PostCreated, parse(_retweet_page(include_target, include_user))) if p.post_id == "502"]
        assert post.repost_of == PostRef(post_id="501", account_id=author), (include_target, include_user)
        assert post.quote_of is None and post.reply_to is None


def test_mentions_keep_the_ids_the_api_gives_and_a_retweet_author_comes_from_them() -> None:
    page = _retweet_page(include_target=False, include_user=False)
    page["data"][0]["entities"]["mentions"][0]["id"] = "41"
    (post,) = [p for p in of(PostCreated, parse(page)) if p.post_id == "502"]
    assert [(m.handle, m.account_id) for m in post.mentions] == [("Ashen_Media", "41")]
    assert post.repost_of == PostRef(post_id="501", account_id="41")


def test_reply_quote_and_retweet_stay_apart_on_a_real_page() -> None:
    obj, out = first_page("entities_test.jsonl")
    slots = {"replied_to": "reply_to", "quoted": "quote_of", "retweeted": "repost_of"}
    posts = {p.post_id: p for p in of(PostCreated, out)}
    checked = 0
    for tweet in obj["data"]:
        refs = {slots[r["type"]]: r["id"] for r in tweet.get("referenced_tweets", [])}
        post = posts[tweet["id"]]
        for slot in ("reply_to", "quote_of", "repost_of"):
            got = getattr(post, slot)
            assert (got.post_id if got else None) == refs.get(slot), (tweet["id"], slot)
            checked += slot in refs
    assert checked > 0
