"""Cross-platform references: what "follow us at ..." posts and bios name, and what they do not."""

from __future__ import annotations

import pytest

from cauterize.actors.refs import family_of, find_refs, handle_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[SIM] find us at @Ashen_Relay@mstdn.sim.example now", ("fedi", "ashen_relay@mstdn.sim.example")),
        ("backup: https://fedi.sim.example/@ashen_relay", ("fedi", "ashen_relay@fedi.sim.example")),
        ("new home ashen-relay.bsky.social", ("atproto", "ashen-relay.bsky.social")),
        ("https://bsky.app/profile/cinder-ridge.net", ("atproto", "cinder-ridge.net")),
        ("formerly x.com/ashen_relay5", ("twitter", "ashen_relay5")),
        ("formerly https://twitter.com/ashen_relay5", ("twitter", "ashen_relay5")),
        ("archive at vk.com/ashen_relay", ("vk", "ashen_relay")),
        ("channel t.me/ashen_relay", ("telegram", "ashen_relay")),
    ],
)
def test_each_spelling_of_another_platforms_account_is_found(text, expected):
    refs = find_refs([text])
    assert [(r.family, r.handle) for r in refs] == [expected]
    assert refs[0].text  # what the reviewer is shown


@pytest.mark.parametrize(
    "text",
    [
        "hello @ashen_relay",  # a mention on the same platform
        "mail me at someone@example.org",
        "watch https://www.youtube.com/@somechannel",  # YouTube's @ is not a fediverse instance
        "share it: https://x.com/intent/tweet",
        "",
    ],
)
def test_what_is_not_an_account_elsewhere_is_not_a_reference(text):
    assert find_refs([text]) == []


def test_one_account_named_twice_is_one_reference_and_the_url_form_does_not_double_count():
    refs = find_refs(["@a_b@inst.example and https://inst.example/@a_b", "again @a_b@inst.example"])
    assert [(r.family, r.handle) for r in refs] == [("fedi", "a_b@inst.example")]


def test_families_and_handle_keys():
    assert family_of("mastodon") == "fedi"
    assert family_of("bluesky") == family_of("atproto-sim") == "atproto"
    assert family_of("sim", {"sim": "twitter"}) == "twitter"
    assert family_of("friendica-x") == "friendica-x"
    assert handle_key("@Ashen_Relay@Mstdn.Example ") == "ashen_relay@mstdn.example"
