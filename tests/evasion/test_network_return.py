"""Returns under a fresh common name: the number a handle carries on, and the network's promotion."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from importlib import resources

import pytest

from cauterize.detectors.evasion import EvasionDetector
from cauterize.evasion.features import evidence_lines, number_kept
from cauterize.evasion.fingerprint import Fingerprint
from cauterize.evasion.index import RECENT_MAX, RECENT_WINDOW, CandidateIndex
from cauterize.evasion.model import DEFAULT_MODEL
from cauterize.events import AccountCreated, decode_event
from cauterize.policy.threshold import ThresholdPolicy
from tests.conftest import T0, ev


@pytest.mark.parametrize(
    ("new", "old", "kept"),
    [(6340, 63, True), (64, 63, True), (534, 534, True), (10, 9, False), (36, 63, False), (6, 63, False)],
)
def test_number_kept(new, old, kept):
    assert number_kept(new, old) is kept


def test_a_common_stem_names_a_parent_only_with_its_number():
    common = {"handle_similarity": 0.9, "stem_popularity": 3.5, "skeleton_length": 7.0}
    assert "name" not in evidence_lines(common)
    assert "name" in evidence_lines({**common, "handle_number_kept": 1.0})


def _fp(fid: int, minutes: float) -> Fingerprint:
    at = T0 + timedelta(minutes=minutes)
    return Fingerprint(
        fid, "p", f"a{fid}", (f"h{fid}",), None, None, None, "en", at, "terrorism", frozenset(), Counter()
    )


def test_recent_suspensions_are_the_newest_within_the_window():
    idx = CandidateIndex()
    minutes = [-600, -30, -20, -10, 5, -15]  # out of order on purpose; one after the creation
    for fid, m in enumerate(minutes, 1):
        idx.add(_fp(fid, m))
    idx.deactivate(4)
    assert idx.recent(T0) == [6, 3, 2]
    assert idx.recent(T0 + RECENT_WINDOW + timedelta(minutes=1)) == [5]
    for fid in range(10, 10 + 2 * RECENT_MAX):
        idx.add(_fp(fid, -1))
    assert len(idx.recent(T0)) == RECENT_MAX


def _run(detector, events):
    out = []
    for raw in events:
        out += detector.detect(decode_event(json.dumps(raw)), None)
    return out


def _world():
    """Four suspended network accounts, each promoted by the regulars r1..r3; an ordinary user
    ``u1`` once followed one of them."""
    events = []
    for i in range(4):
        events.append(ev("account_created", f"c{i}", f"P{i}", 0, handle=f"abu_talha{i}", lang="ar"))
        for r in ("r1", "r2", "r3"):
            events.append(ev("follow", f"f{i}{r}", r, 1, target=f"P{i}"))
    events.append(ev("follow", "fu", "u1", 1, target="P0"))
    for i in range(4):
        events.append(ev("enforcement", f"s{i}", f"P{i}", 10 + i, action="suspend", reason="terrorism"))
    return events


def test_a_newcomer_promoted_by_the_networks_regulars_is_a_review_only_lead():
    det = EvasionDetector()
    stream = [
        *_world(),
        ev("account_created", "cn", "N", 20, handle="umm_harith851", lang="ar"),
        ev("follow", "n1", "r1", 22, target="N"),
    ]
    assert _run(det, stream) == []  # one regular is not the network
    (sig,) = _run(det, [ev("post_created", "n2", "r2", 24, post_id="x", mentions=[{"handle": "a", "account_id": "N"}])])
    assert sig.label == "evasion.network_return" and sig.account_id == "N"
    assert sig.score == det.engine.model.network_return
    e = sig.evidence
    assert e["review_only"]
    assert {c["account_id"] for c in e["candidate_parents"]} <= {"P0", "P1", "P2", "P3"}
    # It names its best candidate exactly when that one holds at least half of the candidates'
    # link probability and twice the runner-up's; here nothing but the promoters' audiences
    # points at any of the four, and the model must not single one out.
    top, second = e["candidate_parents"][:2]
    clear = top["share"] >= 0.5 and top["link_probability"] >= 2 * second["link_probability"]
    assert ("parent_account_id" in e) is clear
    assert not clear
    assert e["candidate_parents"][0]["minutes_before_creation"] > 0
    assert e["network_promoters"] == 2
    # Once is enough: the next regular does not repeat the lead.
    assert _run(det, [ev("follow", "n3", "r3", 25, target="N")]) == []
    event = AccountCreated(platform="testnet", event_id="x", actor="N", time=T0)
    for d in ThresholdPolicy(auto_actions=True).decide(event, [sig]):
        assert d.action == "flag_for_review"


def test_ordinary_followers_of_one_suspended_account_are_not_the_network():
    det = EvasionDetector()
    stream = [
        *_world(),
        ev("account_created", "cn", "N", 20, handle="garden_notes", lang="en"),
        ev("follow", "n1", "u1", 22, target="N"),
        ev("follow", "n2", "r1", 23, target="N"),
    ]
    assert _run(det, stream) == []


def test_no_lead_without_a_calibrated_share(tmp_path):
    raw = json.loads(resources.files("cauterize.evasion").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8"))
    raw.pop("network_return")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(raw))
    det = EvasionDetector(model=str(path))
    stream = [
        *_world(),
        ev("account_created", "cn", "N", 20, handle="umm_harith851", lang="ar"),
        ev("follow", "n1", "r1", 22, target="N"),
        ev("follow", "n2", "r2", 23, target="N"),
    ]
    assert _run(det, stream) == []


def test_a_lead_whose_best_candidate_is_clear_names_it():
    """Four unrelated parents promoted by the same regulars; the newcomer's reordered handle points
    at one of them (not the newest) without being close enough for a link of its own."""
    events = []
    for i, name in enumerate(["abu_talha", "ashen_wire", "umm_omar", "ibn_bakr"]):
        events.append(ev("account_created", f"c{i}", f"P{i}", 0, handle=name, lang="ar"))
        events += [ev("follow", f"f{i}{r}", r, 1, target=f"P{i}") for r in ("r1", "r2", "r3")]
    events += [ev("enforcement", f"s{i}", f"P{i}", 10 + i, action="suspend", reason="terrorism") for i in range(4)]
    det = EvasionDetector()
    _run(det, events)
    newcomer = [
        ev("account_created", "cn", "N", 20, handle="omar_umm9", lang="ar"),
        ev("follow", "n1", "r1", 22, target="N"),
        ev("post_created", "n2", "r2", 24, post_id="x", mentions=[{"handle": "a", "account_id": "N"}]),
    ]
    (sig,) = _run(det, newcomer)
    e = sig.evidence
    assert sig.label == "evasion.network_return" and e["review_only"]
    top, second = e["candidate_parents"][:2]
    assert e["parent_account_id"] == top["account_id"] == "P2"
    assert top["share"] >= 0.5 and top["link_probability"] >= 2 * second["link_probability"]
