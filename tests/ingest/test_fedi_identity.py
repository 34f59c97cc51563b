"""Identity signals of Mastodon accounts and ActivityPub actors: images, profile fields, links, bot.

Mastodon: the real rtoot recordings in ``../shared/data/formats/mastodon`` (read at run time;
the tests skip when the folder is absent), expected values read from their JSON. ActivityPub:
the fixture ``tests/fixtures/activitypub/update_person.json``, written from the ActivityStreams
vocabulary and Mastodon's published actor shape (``icon``, ``image``, ``attachment`` of
``PropertyValue``); its content is synthetic.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cauterize.events import AccountCreated, ProfileChanged
from cauterize.ingest._html import render
from cauterize.ingest._profile import image_key
from cauterize.ingest.activitypub import ActivityPubAdapter
from cauterize.ingest.mastodon import MastodonAdapter

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "formats" / "mastodon"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "activitypub"


def recording(name: str) -> dict:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"real Mastodon recordings not found at {SAMPLES}")
    return json.loads(path.read_bytes())


def accounts_in(body: Any) -> list[dict]:
    """Every Account entity a recording holds (statuses' authors, boosts' authors, listed accounts)."""
    out: list[dict] = []
    for item in body if isinstance(body, list) else [body]:
        if "acct" in item:
            out.append(item)
        for st in (item, item.get("reblog") or {}):
            if isinstance(st.get("account"), dict):
                out.append(st["account"])
    return out


def links(html: str) -> list[str]:
    return [a.href for a in render(html).anchors if not a.classes & {"mention", "hashtag"}]


@pytest.mark.parametrize(
    "name", ["account_default.json", "account_followers_default.json", "timeline_public_default.json"]
)
def test_every_mastodon_account_keeps_its_identity_signals(name: str) -> None:
    rec = recording(name)
    out = list(MastodonAdapter().parse(json.dumps(rec).encode()))
    snapshots = {e.actor: e for e in out if isinstance(e, ProfileChanged)}
    created = {e.actor: e for e in out if isinstance(e, AccountCreated)}
    accounts = accounts_in(rec["body"])
    assert accounts
    for acc in accounts:
        uri = acc.get("uri") or acc["url"]
        for event in (snapshots[uri], created[uri]):
            fields: dict[str, str] = {}
            for f in acc["fields"]:
                fields[f["name"]] = "\n".join(filter(None, (fields.get(f["name"]), render(f["value"]).text)))
            assert event.profile_fields == fields
            expected_links = links(acc["note"]) + [h for f in acc["fields"] for h in links(f["value"])]
            assert list(event.bio_urls) == list(dict.fromkeys(expected_links))
            assert event.bot == acc["bot"]
            if acc["header"].endswith("/headers/original/missing.png"):
                assert (event.header_url, event.header_hash) == (None, None)
            else:
                assert event.header_url == acc["header"] and event.header_hash
            if acc["avatar"].endswith("/avatars/original/missing.png"):
                assert event.avatar_hash is None
            else:
                assert event.avatar_hash == image_key(acc["avatar"]) == image_key(acc["avatar_static"])


def test_a_mastodon_account_with_profile_links_names_them_in_plain_text() -> None:
    acc = recording("account_default.json")["body"]
    assert any("<a " in f["value"] for f in acc["fields"])  # the sample holds linked fields
    (_, snapshot) = list(MastodonAdapter().parse(json.dumps(recording("account_default.json")).encode()))
    assert all("<" not in v for v in snapshot.profile_fields.values())
    assert snapshot.bio is not None and "<" not in snapshot.bio


def test_a_new_profile_field_is_a_new_snapshot_and_a_bare_profile_keeps_its_old_id() -> None:
    rec = recording("account_default.json")
    before = list(MastodonAdapter().parse(json.dumps(rec).encode()))[1]
    changed = copy.deepcopy(rec)
    changed["body"]["fields"].append({"name": "Archive", "value": "https://files.example/a", "verified_at": None})
    after = list(MastodonAdapter().parse(json.dumps(changed).encode()))[1]
    assert after.event_id != before.event_id and after.profile_fields["Archive"] == "https://files.example/a"
    # an account stating no field, header, link or bot flag hashes as before these were added
    bare = copy.deepcopy(rec)
    bare["body"].update(fields=[], note="plain", header="https://x.example/headers/original/missing.png", bot=False)
    snapshot = list(MastodonAdapter().parse(json.dumps(bare).encode()))[1]
    from cauterize.ingest.mastodon import profile_event_id

    acc = bare["body"]
    handle = acc["acct"] + "@fosstodon.org" if "@" not in acc["acct"] else acc["acct"]
    old = profile_event_id(acc["uri"], handle, acc["display_name"], "plain", acc["avatar"], acc["locked"])
    assert snapshot.event_id == old


def test_image_keys_name_the_upload_in_every_rendition_and_host() -> None:
    path = "accounts/avatars/109/302/436/954/721/982/{style}/9f0f6bfb096f5451.{ext}"
    keys = {
        image_key(f"https://{host}/{prefix}{path.format(style=style, ext=ext)}")
        for host in ("cdn.fosstodon.org", "files.mastodon.social")
        for prefix in ("", "cache/", "system/")
        for style, ext in (("original", "png"), ("static", "png"), ("original", "gif"))
    }
    assert len(keys) == 1
    assert image_key("https://cdn.fosstodon.org/accounts/avatars/109/302/436/954/721/982/original/0000.png") not in keys
    assert image_key("https://fosstodon.org/avatars/original/missing.png") is None
    assert image_key("https://fosstodon.org/headers/original/missing.png") is None
    assert image_key(None) is None


def test_activitypub_actor_keeps_images_fields_links_and_bot() -> None:
    raw = json.loads((FIXTURES / "update_person.json").read_bytes())
    person = raw["object"]
    out = list(ActivityPubAdapter().parse(json.dumps(raw).encode()))
    snapshot = next(e for e in out if isinstance(e, ProfileChanged))
    assert snapshot.avatar_url == person["icon"]["url"] and snapshot.avatar_hash == image_key(person["icon"]["url"])
    assert snapshot.header_url == person["image"]["url"] and snapshot.header_hash == image_key(person["image"]["url"])
    props = [a for a in person["attachment"] if a["type"] == "PropertyValue"]
    assert snapshot.profile_fields == {a["name"]: render(a["value"]).text for a in props}
    expected = links(person["summary"]) + [h for a in props for h in links(a["value"])]
    assert list(snapshot.bio_urls) == list(dict.fromkeys(expected))
    assert snapshot.bot is None  # a Person
    created = next(e for e in out if isinstance(e, AccountCreated))
    assert created.profile_fields == snapshot.profile_fields and created.header_hash == snapshot.header_hash
    service = copy.deepcopy(raw)
    service["object"]["type"] = "Service"
    again = next(e for e in ActivityPubAdapter().parse(json.dumps(service).encode()) if isinstance(e, ProfileChanged))
    assert again.bot is True and again.event_id != snapshot.event_id
