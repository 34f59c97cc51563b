"""The cross-platform engine on hand-built streams: announced and silent moves, innocents, order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cauterize.actors.engine import CrossPlatformEngine
from cauterize.actors.traits import stem

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def origin(eng: CrossPlatformEngine, acct: str = "100", handle: str = "ashen_relay5", **profile) -> None:
    fields = {
        "display_name": "Ashen Relay",
        "bio": "[SIM] relay of the grey standard bulletins (synthetic)",
        "lang": "ar",
    }
    fields.update(profile)
    eng.profile("twitter", acct, at(0), f"p-{acct}", handle=handle, **fields)
    for i in range(3):
        eng.post("twitter", acct, at(10 + i), f"e-{acct}-{i}", f"t{acct}-{i}", "[SIM] bulletin", "ar", (), [], ())


def post(eng, platform, acct, minutes, text="[SIM] hello", urls=(), media=(), targets=(), lang="ar"):
    return eng.post(
        platform,
        acct,
        at(minutes),
        f"e-{acct}-{minutes}",
        f"p-{acct}-{minutes}",
        text,
        lang,
        urls,
        list(media),
        targets,
    )


def test_an_announced_move_links_to_its_parent_with_the_announcing_post_as_evidence():
    eng = CrossPlatformEngine()
    origin(eng)
    post(eng, "twitter", "100", 30, text="[SIM] if this account goes, find us at @grey_lantern@mstdn.sim.example")
    eng.suspend("twitter", "100", at(60), "terrorism")
    found = eng.profile(
        "mastodon",
        "https://mstdn.sim.example/users/grey_lantern",
        at(120),
        "m1",
        handle="grey_lantern@mstdn.sim.example",
        display_name="Grey Lantern",
        lang="ar",
    )
    assert len(found) == 1
    link = found[0]
    assert (link.parent.platform, link.parent.account_id) == ("twitter", "100")
    ev = link.evidence()
    assert ev["evidence_lines"][0] == "announcement" and ev["review_only"]
    assert ev["announcements"][0]["post_id"] == "p-100-30"
    assert "find us at" in ev["announcements"][0]["text"]
    assert [s["status"] for s in ev["statuses"]] == ["suspended", "active"]
    assert ev["statuses"][1]["action_available"] == "review on mastodon"


def test_order_does_not_matter_new_account_then_announcement_then_suspension():
    # The files arrive in another order than things happened: the destination's first, then the
    # origin's announcement (made before the new account appeared), then a late takedown feed.
    eng = CrossPlatformEngine()
    origin(eng)
    assert eng.profile("mastodon", "m:new", at(20), "m1", handle="grey_lantern@mstdn.sim.example") == []
    # Announced while the parent is not suspended yet: nothing to link to.
    assert post(eng, "twitter", "100", 15, text="[SIM] backup: https://mstdn.sim.example/@grey_lantern") == []
    found = eng.suspend("twitter", "100", at(600), "terrorism")
    assert [(f.account_id, f.parent.account_id, f.trigger) for f in found] == [("m:new", "100", "late_suspension")]


def test_a_post_naming_an_account_that_already_exists_counts_for_the_network_only():
    # Made after the new account appeared, it reads like any promoter's shout-out: not the
    # parent's own announcement, so with nothing else tying them there is no link (not a wrong one).
    eng = CrossPlatformEngine()
    origin(eng)
    eng.profile("mastodon", "m:new", at(20), "m1", handle="grey_lantern@mstdn.sim.example")
    post(eng, "twitter", "100", 30, text="[SIM] backup: https://mstdn.sim.example/@grey_lantern")
    found = eng.suspend("twitter", "100", at(600), "terrorism")
    # No link; a lead for a reviewer (the announcer is now suspended), naming no parent.
    assert [f.label for f in found] == ["crossplatform.lead"] and found[0].parent is None
    (p, parent, feats, _), *_ = eng.rank(eng.accounts[("mastodon", "m:new")])
    assert parent.account_id == "100" and "announced_by_network" in feats and p < eng.report_at


def test_a_same_name_innocent_is_not_linked_and_neither_is_one_with_the_same_display_name():
    eng = CrossPlatformEngine()
    origin(eng)
    eng.suspend("twitter", "100", at(60), "terrorism")
    alone = eng.profile(
        "mastodon", "m:a", at(90), "m1", handle="ashen_relay@toot.sim.example", display_name="Noor Field", lang="ar"
    )
    same_display = eng.profile(
        "bluesky", "did:b", at(91), "b1", handle="ashen-relay.bsky.social", display_name="Ashen Relay", lang="ar"
    )
    assert alone == [] and same_display == []
    assert stem("ashen_relay@toot.sim.example") == stem("ashen-relay.bsky.social") == stem("ashen_relay5")


def test_a_silent_move_needs_two_lines_name_and_bio_or_links_suffice():
    eng = CrossPlatformEngine()
    origin(eng, bio_urls=("https://archive-1a2b3c.sim.example/x1",))
    eng.suspend("twitter", "100", at(60), "terrorism")
    found = eng.profile(
        "bluesky",
        "did:new",
        at(200),
        "b1",
        handle="ashenrelay.bsky.social",
        bio="[SIM] relay of the grey standard bulletins (synthetic) (backup)",
        lang="ar",
    )
    assert found and found[0].parent.account_id == "100"
    assert set(found[0].lines) == {"name", "bio"}
    # The shared link raises it further and is shown to the reviewer.
    more = post(eng, "bluesky", "did:new", 210, urls=("https://archive-1a2b3c.sim.example/x1",))
    assert more and more[0].shared_links == ["archive-1a2b3c.sim.example/x1"]
    assert more[0].probability > found[0].probability


def test_a_shared_media_file_is_a_line_of_its_own():
    eng = CrossPlatformEngine()
    origin(eng)
    post(eng, "twitter", "100", 40, media=["sha256:abc123"])
    eng.suspend("twitter", "100", at(60), "terrorism")
    eng.profile("bluesky", "did:new", at(100), "b1", handle="fresh-name.bsky.social", bio="[SIM] new", lang="ar")
    found = post(eng, "bluesky", "did:new", 110, media=["sha256:abc123"])
    # One line (media) is not enough by itself: a re-shared file alone is how the network spreads.
    assert found == []
    eng2 = CrossPlatformEngine()
    origin(eng2)
    post(eng2, "twitter", "100", 40, media=["sha256:abc123"])
    eng2.suspend("twitter", "100", at(60), "terrorism")
    eng2.profile("bluesky", "did:new", at(100), "b1", handle="ashen-relay.bsky.social", lang="ar")
    found = post(eng2, "bluesky", "did:new", 110, media=["sha256:abc123"])
    assert found and found[0].shared_media == ["sha256:abc123"] and "media" in found[0].lines


def test_a_promoter_that_kept_posting_is_not_taken_for_the_parent():
    eng = CrossPlatformEngine()
    origin(eng, acct="100", handle="ashen_relay5")
    origin(eng, acct="200", handle="umm_noor", display_name="Umm Noor", bio="[SIM] other")
    eng.profile("mastodon", "m:new", at(100), "m1", handle="grey_lantern@mstdn.sim.example", lang="ar")
    post(eng, "twitter", "200", 110, text="[SIM] follow @grey_lantern@mstdn.sim.example")
    post(eng, "twitter", "200", 100 + 60 * 72)  # three days later, still posting
    eng.suspend("twitter", "200", at(100 + 60 * 80), "terrorism")
    ranked = eng.rank(eng.accounts[("mastodon", "m:new")])
    assert ranked and "announced_by_parent" not in ranked[0][2]
    assert ranked[0][0] < eng.report_at


def test_the_parent_named_in_a_promoters_post_is_the_parent():
    eng = CrossPlatformEngine()
    origin(eng, acct="100")
    eng.suspend("twitter", "100", at(60), "terrorism")
    eng.profile("mastodon", "m:new", at(100), "m1", handle="grey_lantern@mstdn.sim.example", lang="ar")
    eng.profile("twitter", "300", at(0), "p300", handle="someone_else")
    found = post(
        eng, "twitter", "300", 130, text="[SIM] our brothers moved to @grey_lantern@mstdn.sim.example", targets=["100"]
    )
    assert [(f.account_id, f.parent.account_id) for f in found] == [("m:new", "100")]


def test_no_link_within_one_platform_family():
    eng = CrossPlatformEngine(aliases={"sim": "twitter"})
    origin(eng)
    eng.suspend("twitter", "100", at(60), "terrorism")
    assert (
        eng.profile(
            "sim",
            "999",
            at(90),
            "s1",
            handle="ashen_relay6",
            display_name="Ashen Relay",
            bio="[SIM] relay of the grey standard bulletins (synthetic)",
        )
        == []
    )
    assert (
        eng.profile(
            "x",
            "998",
            at(90),
            "x1",
            handle="ashen_relay7",
            display_name="Ashen Relay",
            bio="[SIM] relay of the grey standard bulletins (synthetic)",
        )
        == []
    )


def test_state_is_bounded():
    eng = CrossPlatformEngine(max_accounts=50)
    for i in range(500):
        eng.profile("mastodon", f"m{i}", at(i), f"e{i}", handle=f"user{i}@inst.example")
        post(eng, "mastodon", f"m{i}", i + 0.5, urls=tuple(f"https://s.example/{i}/{k}" for k in range(100)))
    assert len(eng.accounts) <= 50 and len(eng.by_handle) <= 50
    assert all(len(t.links) <= 64 for t in eng.accounts.values())


def _network(eng):
    """Two suspended members (100, 200) and a shouter (300) that promoted both on the origin."""
    origin(eng, acct="100", handle="ashen_relay5")
    origin(eng, acct="200", handle="umm_noor", display_name="Umm Noor", bio="[SIM] other")
    eng.profile("twitter", "300", at(0), "p300", handle="shouter")
    eng.interaction("twitter", "300", "100", at(1))
    eng.interaction("twitter", "300", "200", at(1))


def test_a_shout_out_after_the_new_account_appeared_never_makes_the_shouter_its_parent():
    eng = CrossPlatformEngine()
    _network(eng)
    eng.suspend("twitter", "100", at(60), "terrorism")
    eng.profile("mastodon", "m:new", at(600), "m1", handle="grey_lantern@mstdn.sim.example", lang="ar")
    post(eng, "twitter", "300", 620, text="[SIM] follow @grey_lantern@mstdn.sim.example")
    found = eng.suspend("twitter", "300", at(680), "terrorism")  # the shouter is taken down an hour later
    assert all(f.parent.account_id != "300" for f in found)
    assert ("mastodon", "m:new") not in eng.reported or eng.reported[("mastodon", "m:new")].parent != ("twitter", "300")


def test_the_networks_word_alone_names_no_parent_even_when_one_candidate_went_quiet_just_before():
    # xp-2 named the one candidate that went quiet just before the new account appeared; on its
    # held-out worlds that gave most of its wrong parents (docs/benchmarks.md), so xp-3 does not.
    eng = CrossPlatformEngine()
    _network(eng)
    post(eng, "twitter", "200", 500)  # 200 acts until minute 500, then goes quiet
    eng.suspend("twitter", "100", at(60), "terrorism")
    eng.suspend("twitter", "200", at(700), "terrorism")
    eng.profile("mastodon", "m:new", at(560), "m1", handle="grey_lantern@mstdn.sim.example", lang="ar")
    found = post(eng, "twitter", "300", 620, text="[SIM] follow @grey_lantern@mstdn.sim.example")
    assert [f.label for f in found] == ["crossplatform.lead"]  # a lead, not a link
    assert found[0].evidence()["parent_unclear"] is True
    ranked = eng.rank(eng.accounts[("mastodon", "m:new")])
    assert {r[1].account_id for r in ranked} == {"100", "200"}
    assert all("announced_by_network" in r[2] and r[0] < eng.report_at for r in ranked)


def test_a_parent_known_only_from_mentions_is_still_found_by_its_handle():
    from cauterize.detectors.crossplatform import CrossPlatformDetector
    from cauterize.events import EnforcementApplied, Mention, PostCreated, ProfileChanged

    det = CrossPlatformDetector()
    t = [T0 + timedelta(minutes=m) for m in range(4)]
    events = [
        # The parent never sends a profile; a post by someone else names it with its handle.
        PostCreated(
            platform="bluesky",
            event_id="b1",
            actor="did:other",
            time=t[0],
            post_id="at://x/1",
            mentions=(Mention(handle="cinder-ridge.net", account_id="did:parent"),),
        ),
        EnforcementApplied(platform="bluesky", event_id="b2", actor="did:parent", time=t[1], action="suspend"),
        ProfileChanged(
            platform="mastodon",
            event_id="m1",
            actor="m:new",
            time=t[2],
            handle="fresh_name@hub.sim.example",
            bio="[SIM] formerly https://bsky.app/profile/cinder-ridge.net",
        ),
    ]
    found = [link for e in events for link in det.feed(det.engine, e)]
    assert [(f.account_id, f.parent.account_id) for f in found] == [("m:new", "did:parent")]
