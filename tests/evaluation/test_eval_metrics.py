"""Evaluation on a hand-built world where every figure is worked out by hand below."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cauterize.evaluation.decisions import parse_decision, read_decisions, read_signals
from cauterize.evaluation.followers import follower_timelines
from cauterize.evaluation.metrics import EvalReport, evaluate
from cauterize.evaluation.report import to_json, to_markdown
from cauterize.evaluation.stats import Confusion, percentile, roc_auc
from cauterize.evaluation.truth import AccountTruth, Truth, TruthHeader, format_time, read_truth, write_truth
from cauterize.events import AccountCreated, Follow, Unfollow, encode_event

T0 = datetime(2026, 1, 5, tzinfo=UTC)
P = "sim"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def account(aid: str, label: str, role: str, created: float, **kw: Any) -> AccountTruth:
    return AccountTruth(
        platform=P, account_id=aid, handle=f"h_{aid}", label=label, role=role, created_at=at(created), **kw
    )


def hand_truth() -> Truth:
    """Ten accounts: a chain A0 -> A1 -> A2, a journalist, a lookalike, five ordinary users (unlisted)."""
    header = TruthHeader(platform=P, seed=1, start=T0, end=at(600), scenario="hand", counts={"accounts": 10})
    accts = [
        account("A0", "extremist", "official", 0, persona="x", suspended_at=at(60), followers=[(0, 500)]),
        account(
            "A1",
            "extremist",
            "official",
            65,
            persona="x",
            generation=1,
            parent_account_id="A0",
            technique="digit_suffix",
            first_post_at=at(80),
            suspended_at=at(170),
            followers=[(0, 0), (300, 5), (600, 12)],
        ),
        account(
            "A2",
            "extremist",
            "official",
            180,
            persona="x",
            generation=2,
            parent_account_id="A1",
            technique="homoglyph",
            followers=[(0, 0), (60, 20)],
        ),
        account("C1", "confounder", "journalist", 0),
        account("C2", "confounder", "lookalike", 0, lookalike_of="A0"),
    ]
    return Truth(header=header, accounts={a.key: a for a in accts})


def sig(detector: str, label: str, score: float, **evidence: Any) -> dict[str, Any]:
    return {"detector": detector, "detector_version": "1", "label": label, "score": score, "evidence": evidence}


def decision(account_id: str, action: str, minutes: float, *signals: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision_id": 1,
        "platform": P,
        "account_id": account_id,
        "handle": None,
        "action": action,
        "policy": "threshold",
        "policy_version": "1",
        "rule": "r",
        "reason": "because",
        "event_id": "e1",
        "post_id": None,
        "event_time": format_time(at(minutes)),
        "decided_at": "2030-01-01T00:00:00Z",
        "evidence": {"signals": list(signals)},
    }


def hand_decisions() -> list[dict[str, Any]]:
    return [
        # A1: 5 minutes after creation, before its first post (80), with 5 followers; right parent, rank 1.
        decision("A1", "suspend", 70, sig("evasion", "evasion.handle", 0.9, parent_account_id="A0", rank=1)),
        decision("A1", "flag_for_review", 75, sig("watchlist", "watchlist.hashtag", 0.4)),
        # A2: 30 minutes in, never posted, 20 followers; right parent (A1) linked but ranked second.
        decision(
            "A2",
            "flag_for_review",
            210,
            sig("evasion", "evasion.handle", 0.8, parent_account_id="A0", rank=1),
            sig("evasion", "evasion.handle", 0.7, parent_account_id="A1", rank=2),
        ),
        decision("C1", "flag_for_review", 30, sig("watchlist", "watchlist.hashtag", 0.4)),
        decision("C2", "flag_for_review", 40, sig("evasion", "evasion.handle", 0.6, parent_account_id="A0", rank=1)),
        decision("B1", "suspend", 50, sig("watchlist", "watchlist.hashtag", 0.2)),
    ]


@pytest.fixture
def report() -> EvalReport:
    return evaluate(hand_truth(), [parse_decision(d) for d in hand_decisions()])


def test_end_to_end_confusion(report: EvalReport) -> None:
    # Flagged {A1, A2, C1, C2, B1}; positives {A0, A1, A2}; 10 accounts.
    assert report.flagged == {
        "tp": 2,
        "fp": 3,
        "fn": 1,
        "tn": 4,
        "precision": pytest.approx(2 / 5),
        "recall": pytest.approx(2 / 3),
        "f1": pytest.approx(2 * 0.4 * (2 / 3) / (0.4 + 2 / 3)),
    }
    # Actioned {A1, B1}.
    assert (report.actioned["tp"], report.actioned["fp"], report.actioned["fn"], report.actioned["tn"]) == (1, 1, 2, 6)
    assert report.actioned["precision"] == pytest.approx(0.5)
    assert report.actioned["recall"] == pytest.approx(1 / 3)
    assert report.benign_flagged == 1 and report.benign_actioned == 1


def test_per_detector(report: EvalReport) -> None:
    det = {d.detector: d for d in report.detectors}
    assert set(det) == {"evasion", "watchlist"}
    # evasion cites A1, A2 (positives) and C2: TP 2, FP 1, FN 1 (A0).
    e = det["evasion"].confusion
    assert (e["tp"], e["fp"], e["fn"]) == (2, 1, 1)
    assert e["precision"] == pytest.approx(2 / 3) and e["recall"] == pytest.approx(2 / 3)
    # watchlist cites A1, C1, B1: TP 1, FP 2, FN 2.
    w = det["watchlist"].confusion
    assert (w["tp"], w["fp"], w["fn"]) == (1, 2, 2)
    # ROC-AUC from decision scores, unscored accounts at 0. evasion: A1 .9, A2 .8 (max), C2 .6;
    # positives {.9, .8, 0}, negatives {.6, 0 x6}: .9 and .8 beat all 7 (14), A0 at 0 beats none
    # and ties six (3): 17 / 21.
    assert det["evasion"].roc_auc == pytest.approx(17 / 21)
    assert det["evasion"].auc_source == "decisions"


def test_evasion_figures(report: EvalReport) -> None:
    e = report.evasion
    assert e.replacements == 2 and e.flagged == 2 and e.flagged_share == 1.0
    assert e.before_first_post == 2  # A1 at 70 < 80; A2 never posted
    assert e.before_10_followers == 1 and e.before_10_followers_share == 0.5  # A1 had 5, A2 had 20
    # Minutes to flag: A1 70-65 = 5, A2 210-180 = 30.
    assert e.minutes_to_flag_median == pytest.approx(17.5)
    assert e.minutes_to_flag_p95 == pytest.approx(5 + 0.95 * 25)
    assert e.followers_at_flag_median == pytest.approx(12.5)
    assert e.linked == 2
    assert e.correct_parent == 2 and e.correct_parent_share == 1.0
    assert e.correct_parent_first == 1 and e.correct_parent_first_share == 0.5
    assert e.correct_lineage == 2
    assert e.false_links == 1  # C2, a lookalike
    assert e.by_technique["digit_suffix"]["flagged"] == 1 and e.by_technique["homoglyph"]["correct_parent"] == 1


def test_harm_by_confounder_type(report: EvalReport) -> None:
    assert report.harm["journalist"].flagged == 1 and report.harm["journalist"].actioned == 0
    assert report.harm["lookalike"].flagged_share == 1.0
    assert (report.harm_total.total, report.harm_total.flagged, report.harm_total.actioned) == (2, 2, 0)


def test_signals_file_overrides_scores_for_auc() -> None:
    # watchlist scores A0 .9, A1 .4, C1 .4, B1 .2; 3 positives, 7 negatives (5 unscored at 0).
    # A0 beats 7; A1 beats B1 and 5 zeros and ties C1: 6.5; A2 (unscored) ties 5 zeros: 2.5. 16 / 21.
    signals = [
        {"detector": "watchlist", "label": "w", "score": s, "platform": P, "account_id": a}
        for a, s in (("A0", 0.9), ("A1", 0.4), ("C1", 0.4), ("B1", 0.2))
    ]
    from cauterize.evaluation.decisions import SignalRecord

    recs = [
        SignalRecord(detector=s["detector"], label=s["label"], score=s["score"], platform=P, account_id=s["account_id"])
        for s in signals
    ]
    rep = evaluate(hand_truth(), [parse_decision(d) for d in hand_decisions()], recs)
    det = {d.detector: d for d in rep.detectors}
    assert det["watchlist"].roc_auc == pytest.approx(16 / 21)
    assert det["watchlist"].auc_source == "signals"


def test_followers_from_events_when_truth_has_none(tmp_path: Path) -> None:
    truth = hand_truth()
    for a in truth.accounts.values():
        a.followers = None
    events = [
        AccountCreated(platform=P, event_id="c1", actor="A1", time=at(65), followers_count=3),
        Follow(platform=P, event_id="f1", actor="x1", time=at(66), target="A1"),
        Follow(platform=P, event_id="f2", actor="x2", time=at(69), target="A1"),
        Unfollow(platform=P, event_id="u1", actor="x1", time=at(71), target="A1"),
        AccountCreated(platform=P, event_id="c2", actor="A2", time=at(180)),
        *[Follow(platform=P, event_id=f"g{i}", actor=f"y{i}", time=at(181 + i), target="A2") for i in range(12)],
    ]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(encode_event(e) + b"\n" for e in events))
    tl = follower_timelines(path, [(P, "A1"), (P, "A2")])
    assert [tl[(P, "A1")].at(at(m)) for m in (64, 65, 66, 70, 71)] == [0, 3, 4, 5, 4]
    rep = evaluate(truth, [parse_decision(d) for d in hand_decisions()], followers=tl)
    # At flag time A1 had 5 (3 + 2), A2 had 12 (flagged at 210, after all twelve follows).
    assert rep.evasion.followers_at_flag_median == pytest.approx(8.5)
    assert rep.evasion.before_10_followers == 1


def test_stats_primitives() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert percentile([], 50) is None
    assert roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert roc_auc([0.1], [0.9]) == 0.0
    assert roc_auc([0.5, 0.5], [0.5]) == 0.5
    assert roc_auc([], [0.1]) is None
    c = Confusion(tp=0, fp=0, fn=3, tn=1)
    assert c.precision is None and c.recall == 0.0 and c.f1 is None


def test_truth_round_trips_in_both_encodings(tmp_path: Path) -> None:
    truth = hand_truth()
    for name in ("t.json", "t.jsonl"):
        write_truth(tmp_path / name, truth.header, truth.accounts.values(), truth.posts)
        back = read_truth(tmp_path / name)
        assert back.accounts == truth.accounts
        assert back.header.counts == {"accounts": 10}
    assert (tmp_path / "t.json").read_text().startswith('{"header":')
    assert json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])["kind"] == "header"


def test_readers_and_report_rendering(tmp_path: Path) -> None:
    dpath = tmp_path / "decisions.jsonl"
    dpath.write_text("".join(json.dumps(d) + "\n" for d in hand_decisions()))
    spath = tmp_path / "signals.jsonl"
    spath.write_text(
        json.dumps({"detector": "w", "label": "w.x", "score": 0.3, "platform": P, "account_id": "A0"}) + "\n"
    )
    decisions = read_decisions(dpath)
    assert len(decisions) == 6 and decisions[0].event_time == at(70) and decisions[0].signals[0].is_evasion
    assert read_signals(spath)[0].key == (P, "A0")
    rep = evaluate(hand_truth(), decisions)
    md = to_markdown(rep)
    assert "| end to end: flagged | 2 | 3 | 1 | 0.400 | 0.667 |" in md
    assert json.loads(to_json(rep))["evasion"]["correct_parent_first"] == 1
    dpath.write_text('{"platform": "sim"}\n')
    with pytest.raises(ValueError, match=r"decisions\.jsonl:1"):
        read_decisions(dpath)


def test_shadow_decisions_are_scored_apart_from_the_live_ones(tmp_path: Path) -> None:
    live = hand_decisions()
    # A shadow rule flags every account of the world: counted with the live decisions it would
    # inflate recall; scored on its own it is the rule's trial.
    shadow = [
        {**d, "policy": "threshold:shadow", "evidence": {**d.get("evidence", {}), "shadow": True}}
        for d in hand_decisions()
    ]
    shadow.append({**shadow[0], "account_id": "A0", "policy": "threshold:shadow"})
    dpath = tmp_path / "decisions.jsonl"
    dpath.write_text("".join(json.dumps(d) + "\n" for d in live + shadow))
    only_live = read_decisions(dpath)
    only_shadow = read_decisions(dpath, shadow=True)
    assert len(only_live) == len(live) and not any(d.shadow for d in only_live)
    assert len(only_shadow) == len(shadow) and all(d.shadow for d in only_shadow)
    assert to_markdown(evaluate(hand_truth(), only_live)) == to_markdown(
        evaluate(hand_truth(), read_decisions_list(live))
    )


def read_decisions_list(objs: list[dict]) -> list:
    return [parse_decision(o) for o in objs]


def test_link_precision_and_the_naive_rule_beside_it(report: EvalReport) -> None:
    # Linked accounts: A1 (A0: right), A2 (A0 and A1: both its ancestors), C2 (a confounder): 2 of 3.
    assert report.evasion.link_precision == pytest.approx(2 / 3)
    assert report.naive is None
    naive = [
        parse_decision(
            decision("C2", "flag_for_review", 40, sig("naive", "evasion.naive", 0.9, parent_account_id="A0"))
        )
    ]
    both = evaluate(hand_truth(), [parse_decision(d) for d in hand_decisions()], naive=naive)
    assert both.naive is not None
    n = both.naive.evasion
    assert (n.linked, n.correct_parent, n.false_links, n.link_precision) == (0, 0, 1, 0.0)
    assert both.naive.harm_total.flagged == 1 and both.naive.harm_total.actioned == 0
    assert "naive rule" in to_markdown(both) and "naive rule" not in to_markdown(report)


def test_calibration_bands_count_each_link_once_at_its_best_score() -> None:
    links = [
        decision("A1", "flag_for_review", 70, sig("evasion", "evasion.link", 0.95, parent_account_id="A0")),
        decision("A1", "flag_for_review", 75, sig("evasion", "evasion.link", 0.92, parent_account_id="A0")),
        decision("C2", "flag_for_review", 40, sig("evasion", "evasion.link", 0.4, parent_account_id="A0")),
    ]
    e = evaluate(hand_truth(), [parse_decision(d) for d in links]).evasion
    assert e.calibration == [
        {"band": "0.3-0.5", "links": 1, "mean_probability": 0.4, "correct_share": 0.0},
        {"band": "0.9-1.0", "links": 1, "mean_probability": 0.95, "correct_share": 1.0},
    ]
    assert e.brier == pytest.approx(round(((0.95 - 1) ** 2 + 0.4**2) / 2, 4))


def test_before_first_post_or_takedown_report() -> None:
    # A takedown reported late: A1 appears at 65 and posts at 80, but A0's takedown is only
    # reported at 120. A link found when the report arrives (120) is after the first post, so
    # it misses "before first post", but is counted by the figure beside it; one found a
    # minute after the report is counted by neither.
    truth = hand_truth()
    a0 = truth.accounts[(P, "A0")]
    a0.suspended_at = at(120)
    link = sig("evasion", "evasion.link", 0.9, parent_account_id="A0", rank=1)
    on_time = evaluate(truth, [parse_decision(decision("A1", "flag_for_review", 120, link))]).evasion
    assert on_time.before_first_post == 0
    assert on_time.before_first_post_or_report == 1 and on_time.posted_before_report == 1
    assert on_time.before_first_post_or_report_share == pytest.approx(0.5)
    late = evaluate(truth, [parse_decision(decision("A1", "flag_for_review", 121, link))]).evasion
    assert late.before_first_post == 0 and late.before_first_post_or_report == 0
    # Where the report came before the first post (A1's own at 170, A2 never posted), the two agree.
    prompt = evaluate(hand_truth(), [parse_decision(d) for d in hand_decisions()]).evasion
    assert prompt.posted_before_report == 0
    assert prompt.before_first_post_or_report == prompt.before_first_post == 2


def test_before_first_post_naming_an_earlier_incarnation() -> None:
    # A1 flagged at 70 (< first post 80) naming A0: counts. A2 never posted and was flagged at
    # 210 naming A0 (its grandparent, an earlier incarnation) and A1: counts. The same flags
    # naming an unrelated account count as "before first post" but not here.
    right = evaluate(hand_truth(), [parse_decision(d) for d in hand_decisions()]).evasion
    assert right.before_first_post == 2 and right.before_first_post_right_parent == 2
    wrong = [
        decision("A1", "flag_for_review", 70, sig("evasion", "evasion.link", 0.9, parent_account_id="C2", rank=1)),
        # Right parent, but only after A1's first post (80).
        decision("A1", "flag_for_review", 90, sig("evasion", "evasion.link", 0.9, parent_account_id="A0", rank=1)),
    ]
    e = evaluate(hand_truth(), [parse_decision(d) for d in wrong]).evasion
    assert e.before_first_post == 1 and e.before_first_post_right_parent == 0
    assert e.before_first_post_right_parent_share == 0.0


def test_the_figures_beside_before_first_post_leave_reach_alone() -> None:
    # A flag that names no parent still counts for "before 10 followers" (it is about reach).
    only_watchlist = [decision("A1", "flag_for_review", 70, sig("watchlist", "watchlist.hashtag", 0.9))]
    e = evaluate(hand_truth(), [parse_decision(d) for d in only_watchlist]).evasion
    assert e.before_first_post_right_parent == 0
    assert e.before_10_followers == 1 and e.followers_at_flag_median == pytest.approx(5.0)
