"""The detector's signals: the account's own platform, review only, never an automatic action."""

from __future__ import annotations

from cauterize.detectors.crossplatform import CrossPlatformDetector
from cauterize.events import decode_event
from cauterize.policy.threshold import ThresholdPolicy
from tests.conftest import ev, jsonl


class _Ctx:
    def account(self, platform, account_id):
        return None


def _events(*rows):
    return [decode_event(line) for line in jsonl(*rows).splitlines()]


STREAM = _events(
    ev(
        "account_created",
        "t1",
        "100",
        0,
        platform="twitter",
        handle="ashen_relay5",
        display_name="Ashen Relay",
        lang="ar",
    ),
    ev(
        "post_created",
        "t2",
        "100",
        3,  # announced ahead: before the new account appears
        platform="twitter",
        post_id="tp1",
        text="[SIM] find us at @grey_lantern@mstdn.sim.example",
    ),
    ev(
        "account_created",
        "m0",
        "m:new",
        5,
        platform="mastodon",
        handle="grey_lantern@mstdn.sim.example",
        display_name="Ashen Relay",
        lang="ar",
    ),
    ev("enforcement", "t3", "100", 60, platform="twitter", action="suspend", reason="terrorism"),
    ev("post_created", "m1", "m:other", 70, platform="mastodon", post_id="mp1", text="[SIM] unrelated"),
)


def test_a_link_found_on_another_platforms_event_waits_for_an_event_of_the_accounts_platform():
    det = CrossPlatformDetector()
    policy = ThresholdPolicy(auto_actions=True)
    out = []
    for e in STREAM:
        sigs = list(det.detect(e, _Ctx()))
        out.append((e.event_id, sigs, policy.decide(e, sigs)))
    by_event = {eid: sigs for eid, sigs, _ in out}
    # Found when the suspension arrived (a twitter event): held, then emitted on the next mastodon event.
    assert by_event["t3"] == [] and len(by_event["m1"]) == 1
    sig = by_event["m1"][0]
    assert (sig.platform, sig.account_id, sig.label) == ("mastodon", "m:new", "crossplatform.link")
    assert sig.evidence["parent_platform"] == "twitter" and sig.evidence["parent_account_id"] == "100"
    decisions = [d for _, _, ds in out for d in ds]
    # Even at p > 0.95 and with automatic actions on, a cross-platform link only queues for review.
    assert sig.score > 0.95
    assert [(d.platform, d.account_id, d.action) for d in decisions] == [("mastodon", "m:new", "flag_for_review")]


def test_warm_up_rebuilds_the_state_without_signals():
    det = CrossPlatformDetector()
    for e in STREAM[:4]:
        det.warm_up(e, _Ctx())
    assert ("twitter", "100") in det.engine.suspended and not det.pending


def test_the_detector_is_off_by_default_and_takes_its_options():
    assert CrossPlatformDetector.enabled_by_default is False
    det = CrossPlatformDetector(report_at=0.9, aliases={"sim": "twitter"}, allowlist=["j1"])
    assert det.engine.report_at == 0.9 and det.engine.family("sim") == "twitter" and "j1" in det.engine.allowlist
