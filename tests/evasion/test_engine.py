"""The engine and detector on small hand-built streams whose right answer is known."""

from __future__ import annotations

from datetime import timedelta

from cauterize.detectors.base import Signal
from cauterize.detectors.evasion import EvasionDetector
from cauterize.events import decode_event
from cauterize.policy.threshold import ThresholdPolicy
from tests.conftest import ev


def _run(detector, events):
    out: list[Signal] = []
    for raw in events:
        out += detector.detect(decode_event(__import__("json").dumps(raw)), None)
    return out


def _network(parent_handle="ashen_media", name="Ashen Media", avatar="av-1"):
    """A suspended account with an audience of four network amplifiers and one journalist."""
    events = [
        ev("account_created", "c-p", "P", 0, handle=parent_handle, display_name=name, avatar_hash=avatar, lang="en")
    ]
    for i, fan in enumerate(["f1", "f2", "f3", "f4", "journo"]):
        events.append(ev("follow", f"fol-{i}", fan, 1 + i, target="P"))
    events.append(ev("enforcement", "s", "P", 10, action="suspend", reason="terrorism"))
    return events


def test_replacement_is_linked_to_its_parent_with_evidence():
    det = EvasionDetector()
    stream = [
        *_network(),
        ev(
            "account_created",
            "c-c",
            "C",
            14,
            handle="ashen_media2",
            display_name="Ashen Media",
            avatar_hash="av-1",
            lang="en",
        ),
    ]
    (sig,) = _run(det, stream)
    assert sig.account_id == "C" and sig.label == "evasion.link"
    assert sig.evidence["parent_account_id"] == "P" and sig.evidence["parent_reason"] == "terrorism"
    assert sig.evidence["trigger"] == "created"
    assert {"name", "avatar"} <= set(sig.evidence["evidence_lines"])
    assert sig.score > 0.9
    assert set(sig.evidence["contributions"]) <= set(sig.evidence["features"])


def test_promotion_by_the_parents_audience_raises_the_link():
    det = EvasionDetector(allowlist=["journo"])
    _run(det, [*_network(), ev("account_created", "c-c", "C", 14, handle="media_of_ashen", lang="en")])
    eng = det.engine
    at = eng.young["C"].created_at
    (before, parent, _f) = eng.rank(eng.observe("C", at))[0]
    shoutouts = [
        ev(
            "post_created",
            f"so{i}",
            fan,
            14,
            post_id=f"so{i}",
            text="new",
            mentions=[{"handle": "x", "account_id": "C"}],
        )
        for i, fan in enumerate(["f1", "f2", "f3", "f4"])
    ]
    _run(det, shoutouts)
    assert eng.young["C"].promoters == {"f1", "f2", "f3", "f4"}
    (after, parent_after, feats) = eng.rank(eng.observe("C", at))[0]
    assert parent_after is parent and parent.account_id == "P"
    assert after > before
    assert feats["audience_recovered"] == 1.0 and feats["audience_top"] == 1.0
    from cauterize.evasion.features import evidence_lines

    assert "audience" in evidence_lines(feats)


def test_allowlisted_watchers_are_never_promoters():
    det = EvasionDetector(allowlist=["journo"])
    stream = [
        *_network(),
        ev("account_created", "c-c", "C", 14, handle="quiet_garden", lang="en"),
        ev("follow", "j", "journo", 15, target="C"),
    ]
    assert _run(det, stream) == []
    assert "journo" not in det.engine.index.fingerprints[1].audience


def test_a_lookalike_with_only_a_similar_name_is_never_auto_actioned():
    det = EvasionDetector()
    stream = [
        *_network(),
        ev("account_created", "c-l", "L", 600, handle="ashen_medina", display_name="Medina Ashen", lang="en"),
    ]
    signals = _run(det, stream)
    policy = ThresholdPolicy(auto_actions=True)
    from cauterize.events import AccountCreated
    from tests.conftest import T0

    event = AccountCreated(platform="testnet", event_id="x", actor="L", time=T0 + timedelta(minutes=600))
    for d in policy.decide(event, signals):
        assert d.action != "suspend"
    assert all(s.evidence["independent_signals"] < 2 for s in signals)


def test_unsuspended_parents_stop_being_parents():
    det = EvasionDetector()
    stream = [*_network(), ev("enforcement", "u", "P", 12, action="unsuspend")]
    stream.append(
        ev("account_created", "c-c", "C", 14, handle="ashen_media2", display_name="Ashen Media", avatar_hash="av-1")
    )
    assert _run(det, stream) == []


def test_auto_suspension_needs_two_lines_and_a_terrorism_parent():
    policy = ThresholdPolicy(auto_actions=True)
    from cauterize.events import AccountCreated
    from tests.conftest import T0

    event = AccountCreated(platform="p", event_id="e", actor="C", time=T0)

    def sig(lines, reason):
        return Signal(
            "evasion",
            "1",
            "evasion.link",
            0.97,
            "p",
            "C",
            "e",
            None,
            {"independent_signals": lines, "parent_reason": reason},
        )

    assert policy.decide(event, [sig(2, "terrorism")])[0].action == "suspend"
    assert policy.decide(event, [sig(1, "terrorism")])[0].action == "flag_for_review"
    assert policy.decide(event, [sig(3, "spam")])[0].action == "flag_for_review"


def test_a_second_ingest_remembers_the_suspensions_of_the_first(cfg, tmp_path):
    """State survives a restart: the pipeline warms the detector up from the store."""
    from cauterize.app import build_pipeline, open_store
    from cauterize.ingest.sources import BytesSource
    from tests.conftest import jsonl

    store = open_store(cfg)
    first = build_pipeline(cfg, store).run([BytesSource(jsonl(*_network()), "day1")])
    assert first.events_new == len(_network())
    child = ev("account_created", "c-c", "C", 14, handle="ashen_media2", display_name="Ashen Media", avatar_hash="av-1")
    second = build_pipeline(cfg, store).run([BytesSource(jsonl(child), "day2")])
    assert second.decisions["flag_for_review"] == 1
    (decision,) = store.decisions_for("testnet", "C")
    assert decision["evidence"]["signals"][0]["evidence"]["parent_account_id"] == "P"
    store.close()
