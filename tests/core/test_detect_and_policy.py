from __future__ import annotations

import pytest

from cauterize.detectors.base import Signal
from cauterize.detectors.registry import build_detectors, detector_classes
from cauterize.detectors.watchlist import WatchlistDetector
from cauterize.events import PostCreated, ProfileChanged
from cauterize.policy.threshold import ThresholdPolicy
from tests.conftest import T0, WATCHLIST


def _post(text="", hashtags=()):
    return PostCreated(platform="p", event_id="e", actor="a", time=T0, post_id="1", text=text, hashtags=hashtags)


def test_watchlist_matches_hashtags_case_and_width_insensitively():
    d = WatchlistDetector(**WATCHLIST)
    (sig,) = d.detect(_post(hashtags=("ashenbanner",)), None)
    assert sig.label == "watchlist.propaganda" and sig.score == 0.6
    (sig,) = d.detect(_post(hashtags=("ＡｓｈｅｎＢａｎｎｅｒ",)), None)  # full-width letters
    assert sig.score == 0.6


def test_watchlist_terms_need_word_boundaries_and_report_spans():
    d = WatchlistDetector(**WATCHLIST)
    assert list(d.detect(_post("the ashen media officer"), None)) == []
    text = "From the Ashen Media Office today"
    (sig,) = d.detect(_post(text), None)
    (m,) = sig.evidence["matches"]
    assert text[slice(*m["span"])] == "Ashen Media Office" and m["field"] == "text"


def test_weak_hits_combine_but_never_reach_certainty():
    d = WatchlistDetector(**WATCHLIST)
    (sig,) = d.detect(_post("ashen media office", hashtags=("AshenBanner",)), None)
    assert sig.score == pytest.approx(1 - 0.4 * 0.5)
    assert len(sig.evidence["matches"]) == 2


def test_watchlist_reads_profiles_too():
    d = WatchlistDetector(**WATCHLIST)
    event = ProfileChanged(platform="p", event_id="e", actor="a", time=T0, bio="Ashen Media Office relay")
    (sig,) = d.detect(event, None)
    assert sig.evidence["matches"][0]["field"] == "bio"


def test_watchlist_rejects_weights_outside_unit_interval():
    with pytest.raises(ValueError, match="outside"):
        WatchlistDetector(hashtags={"x": {"weight": 2}})


def test_detectors_are_discovered_and_unknown_names_refused():
    assert {"watchlist", "evasion"} <= set(detector_classes())
    default = [d.name for d in build_detectors({})]
    assert default[0] == "watchlist" and "evasion" in default  # cheapest first
    assert "watchlist" not in [d.name for d in build_detectors({"watchlist": {"enabled": False}})]
    with pytest.raises(ValueError, match="unknown detector"):
        build_detectors({"nope": {}})


def _sig(label, score, account="a"):
    return Signal("d", "1", label, score, "p", account, "e", "1")


def test_policy_takes_the_most_severe_rule_and_keeps_all_evidence():
    policy = ThresholdPolicy()
    (d,) = policy.decide(_post(), [_sig("watchlist.x", 0.6), _sig("threat.named_person", 0.9)])
    assert d.action == "escalate" and d.rule == "threat-to-life"
    assert {s["label"] for s in d.evidence["signals"]} == {"watchlist.x", "threat.named_person"}


def test_automatic_suspension_is_held_back_unless_enabled():
    (held,) = ThresholdPolicy().decide(_post(), [_sig("known.media", 0.97)])
    assert held.action == "flag_for_review" and held.evidence["proposed_action"] == "suspend"
    (auto,) = ThresholdPolicy(auto_actions=True).decide(_post(), [_sig("known.media", 0.97)])
    assert auto.action == "suspend" and "proposed_action" not in auto.evidence


def test_below_every_threshold_means_no_decision():
    assert ThresholdPolicy().decide(_post(), [_sig("watchlist.x", 0.2)]) == []


def test_one_decision_per_account():
    ds = ThresholdPolicy().decide(_post(), [_sig("a.x", 0.6, "u1"), _sig("a.y", 0.7, "u2")])
    assert sorted(d.account_id for d in ds) == ["u1", "u2"]


def test_a_review_only_signal_never_causes_more_than_a_review():
    lead = Signal("network_proximity", "1", "network.proximity", 0.99, "p", "a", "e", None, {"review_only": "lead"})
    (d,) = ThresholdPolicy(auto_actions=True).decide(_post(), [lead])
    assert d.action == "flag_for_review" and d.rule == "review"
    # The same score without the mark takes the suspending rule.
    plain = Signal("network_proximity", "1", "network.proximity", 0.99, "p", "a", "e", None, {})
    (d,) = ThresholdPolicy(auto_actions=True).decide(_post(), [plain])
    assert d.action == "suspend"


def test_a_trusted_account_is_neither_queued_nor_actioned_but_a_threat_still_escalates(tmp_path):
    listed = tmp_path / "trusted.txt"
    listed.write_text("# the platform's known reporters\np:journo  # a journalist\n\nresearcher-7\n")
    policy = ThresholdPolicy(auto_actions=True, trusted_file=str(listed))
    quoting = [_sig("watchlist.propaganda", 0.6, "journo"), _sig("known.media", 0.99, "journo")]
    assert policy.decide(_post(), quoting) == []
    assert policy.decide(_post(), [_sig("evasion.link", 0.95, "researcher-7")]) == []
    (d,) = policy.decide(_post(), [_sig("threat.named_person", 0.9, "journo")])
    assert d.action == "escalate" and d.evidence["trusted_account"] is True
    # The same signals on an account nobody listed are queued and acted on as usual.
    assert {d.action for d in policy.decide(_post(), [_sig("known.media", 0.99, "stranger")])} == {"suspend"}
    assert ThresholdPolicy(trusted=["other:journo"]).decide(_post(), quoting)[0].account_id == "journo"
