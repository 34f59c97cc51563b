"""The "network announced this account, parent unclear" lead and the collective's word (xp-5)."""

from __future__ import annotations

import dataclasses

from cauterize.actors.engine import CrossPlatformEngine
from cauterize.actors.lead import Candidate, clear_leader
from cauterize.actors.traits import Traits
from tests.actors.test_engine import at, origin, post


def _collective(eng: CrossPlatformEngine) -> None:
    """Two suspended members (100, 200); a third member (300) that promoted neither of them but
    promoted another suspended member (400): it belongs to the network, not to 100's or 200's audience."""
    origin(eng, acct="100", handle="ashen_relay5")
    origin(eng, acct="200", handle="umm_noor", display_name="Umm Noor", bio="[SIM] other")
    origin(eng, acct="400", handle="grey_post", display_name="Grey Post", bio="[SIM] posts")
    eng.profile("twitter", "300", at(0), "p300", handle="shouter")
    eng.interaction("twitter", "300", "400", at(1))
    for acct, minute in (("100", 60), ("200", 70), ("400", 80)):
        eng.suspend("twitter", acct, at(minute), "terrorism")


def test_a_shout_out_with_nothing_carried_is_a_lead_listing_the_candidates_and_the_announcers():
    eng = CrossPlatformEngine()
    _collective(eng)
    eng.profile("mastodon", "m:new", at(600), "m1", handle="fresh_name@hub.sim.example", lang="ar")
    found = post(eng, "twitter", "300", 620, text="[SIM] follow @fresh_name@hub.sim.example")
    assert [f.label for f in found] == ["crossplatform.lead"]
    lead = found[0]
    assert (lead.platform, lead.account_id) == ("mastodon", "m:new") and lead.parent is None
    ev = lead.evidence()
    assert ev["parent_unclear"] and ev["suggested_parent"] is None and ev["review_only"]
    assert ev["announcers"][0]["account_id"] == "300" and ev["announcers"][0]["post_id"] == "p-300-620"
    assert ev["announcers"][0]["promoted_suspended"] == [{"platform": "twitter", "account_id": "400"}]
    # The candidates: what the announcers promoted, and accounts sharing a key with the new one.
    assert [c["account_id"] for c in ev["candidates"]] == ["400"] and ev["candidates"][0]["shared"] == []
    assert ev["candidates"][0]["promoted_by_announcers"] == 1
    assert ev["statuses"][0]["action_available"] == "review on mastodon"
    assert eng.reported == {}  # a lead is never a link
    # The same lead is not repeated on the next event.
    assert post(eng, "mastodon", "m:new", 630, text="[SIM] hello") == []


def test_the_collectives_word_and_the_carried_name_link_the_parent_the_shouter_never_promoted():
    eng = CrossPlatformEngine()
    _collective(eng)
    eng.profile("mastodon", "m:new", at(600), "m1", handle="ashen_relay@hub.sim.example", lang="ar")
    found = post(eng, "twitter", "300", 620, text="[SIM] follow @ashen_relay@hub.sim.example")
    links = [f for f in found if f.label == "crossplatform.link"]
    assert [lk.parent.account_id for lk in links] == ["100"]
    assert "announced_by_network" in links[0].features and "stem_equal" in links[0].features


def test_the_collectives_word_does_not_count_for_a_candidate_that_went_on_acting_for_days():
    eng = CrossPlatformEngine()
    _collective(eng)
    eng.unsuspend("twitter", "100")
    post(eng, "twitter", "100", 600 + 60 * 72)  # acts three days after the new account appeared
    eng.suspend("twitter", "100", at(600 + 60 * 73), "terrorism")
    eng.profile("mastodon", "m:new", at(600), "m1", handle="ashen_relay@hub.sim.example", lang="ar")
    found = post(eng, "twitter", "300", 620, text="[SIM] follow @ashen_relay@hub.sim.example")
    assert not [f for f in found if f.label == "crossplatform.link"]


def test_an_announcer_outside_the_network_makes_no_lead():
    eng = CrossPlatformEngine()
    _collective(eng)
    eng.profile("mastodon", "m:new", at(600), "m1", handle="fresh_name@hub.sim.example", lang="ar")
    eng.profile("twitter", "777", at(0), "p777", handle="a_fan")  # never promoted a suspended account
    assert post(eng, "twitter", "777", 620, text="[SIM] follow @fresh_name@hub.sim.example") == []


def _cand(acct: str, p: float, **feats: float) -> Candidate:
    return Candidate(Traits(platform="twitter", account_id=acct, first_seen=at(0), last_active=at(0)), p, feats)


def test_a_parent_is_named_only_when_clearly_ahead_with_a_trait_of_its_own():
    net = {"announced_by_network": 1.0}
    assert clear_leader([_cand("a", 0.4, **net), _cand("b", 0.4, **net)]) is None  # the network's word only
    assert clear_leader([_cand("a", 0.45, **net, display_name_equal=1.0), _cand("b", 0.38, **net)]) is None
    leader = clear_leader([_cand("a", 0.45, **net, display_name_equal=1.0), _cand("b", 0.1, **net)])
    assert leader is not None and leader.parent.account_id == "a"
    assert clear_leader([_cand("a", 0.45, **net, display_name_equal=1.0)]).parent.account_id == "a"
    assert clear_leader([]) is None


def test_a_lead_goes_to_review_on_the_accounts_platform_and_never_acts():
    from datetime import timedelta

    from cauterize.detectors.crossplatform import CrossPlatformDetector
    from cauterize.events import EnforcementApplied, Follow, PostCreated, ProfileChanged
    from cauterize.policy.threshold import ThresholdPolicy
    from tests.actors.test_engine import T0

    t = [T0 + timedelta(minutes=m) for m in range(6)]
    events = [
        ProfileChanged(platform="twitter", event_id="t1", actor="400", time=t[0], handle="grey_post"),
        Follow(platform="twitter", event_id="t2", actor="300", time=t[0], target="400"),
        EnforcementApplied(platform="twitter", event_id="t3", actor="400", time=t[1], action="suspend"),
        ProfileChanged(platform="mastodon", event_id="m1", actor="m:new", time=t[2], handle="fresh@hub.sim.example"),
        PostCreated(
            platform="twitter",
            event_id="t4",
            actor="300",
            time=t[3],
            post_id="tp",
            text="[SIM] follow @fresh@hub.sim.example",
        ),
        PostCreated(platform="mastodon", event_id="m2", actor="m:new", time=t[4], post_id="mp", text="[SIM] hi"),
    ]
    det, policy = CrossPlatformDetector(), ThresholdPolicy(auto_actions=True)
    decisions, signals = [], []
    for e in events:
        sigs = list(det.detect(e, None))  # type: ignore[arg-type]
        signals += [(e.platform, s) for s in sigs]
        decisions += [(e.platform, d.action) for d in policy.decide(e, sigs)]
    # Found on the origin's event, it waited for the new account's own platform.
    assert [(p, s.label, s.platform) for p, s in signals] == [("mastodon", "crossplatform.lead", "mastodon")]
    assert decisions == [("mastodon", "flag_for_review")]
    # A rule that would suspend on it never applies to it: a lead is review only.
    harsh = ThresholdPolicy(
        [{"name": "harsh", "labels": "crossplatform.*", "threshold": 0.1, "action": "suspend"}], True
    )
    lead = signals[0][1]
    assert [d.action for d in harsh.decide(events[-1], [lead])] == []
    acting = dataclasses.replace(lead, evidence={k: v for k, v in lead.evidence.items() if k != "review_only"})
    assert [d.action for d in harsh.decide(events[-1], [acting])] == ["suspend"]  # the rule itself does match


def test_candidates_at_equal_odds_are_ordered_by_how_many_announcers_promoted_them():
    eng = CrossPlatformEngine()
    _collective(eng)
    eng.profile("twitter", "301", at(0), "p301", handle="shouter_two")
    eng.interaction("twitter", "301", "200", at(1))  # 200 is suspended: promoted after, it still counts
    eng.interaction("twitter", "300", "200", at(2))
    eng.profile("mastodon", "m:new", at(600), "m1", handle="fresh_name@hub.sim.example", lang="ar")
    post(eng, "twitter", "301", 610, text="[SIM] follow @fresh_name@hub.sim.example")
    found = post(eng, "twitter", "300", 620, text="[SIM] follow @fresh_name@hub.sim.example")
    ev = found[0].evidence()
    assert [(c["account_id"], c["promoted_by_announcers"]) for c in ev["candidates"]] == [("200", 2), ("400", 1)]
    assert ev["parent_unclear"]  # the group's overlap orders the list; it names no parent
