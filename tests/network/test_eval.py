from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cauterize.evaluation import network as ne
from cauterize.evaluation.truth import AccountTruth, Truth, TruthHeader

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def _truth() -> Truth:
    h = TruthHeader(platform="s", seed=1, start=T0, end=T0 + timedelta(days=2), scenario="t", counts={"accounts": 10})
    t = Truth(header=h)
    rows = [
        ("n1", "extremist", "official", T0, T0 + timedelta(hours=30)),
        ("n2", "extremist", "amplifier", T0, None),
        ("n3", "extremist", "sympathiser", T0 + timedelta(hours=36), None),
        ("n4", "extremist", "recruiter", T0, T0 + timedelta(hours=2)),
        ("j1", "confounder", "journalist", T0, None),
        ("c1", "confounder", "counter_messaging", T0, None),
    ]
    for acct, label, role, created, suspended in rows:
        t.accounts[("s", acct)] = AccountTruth("s", acct, acct, label, role, created, suspended_at=suspended)
    return t


KEYS = [("s", k) for k in ("n1", "n2", "n3", "n4", "j1", "c1", "b1", "b2", "b3", "b4")]


def test_membership_auc_leaves_the_seeds_out():
    scores = {("s", "n1"): 0.9, ("s", "n2"): 0.8, ("s", "n3"): 0.1, ("s", "j1"): 0.5, ("s", "b1"): 0.2}
    m = ne.membership(_truth(), scores, {("s", "n1")}, KEYS)
    # Positives n2 (0.8), n3 (0.1), n4 (0); negatives j1 (0.5), b1 (0.2), c1, b2, b3, b4 (0).
    # n2 beats all 6; n3 beats the 4 zeros; n4 ties the 4 zeros (half each): (6 + 4 + 2) / 18.
    assert m["positives"] == 3 and m["negatives"] == 6
    assert m["auc"] == pytest.approx((6 + 4 + 2) / 18)


def test_watchers_in_top_decile():
    scores = {("s", "j1"): 0.9, ("s", "n1"): 0.5}
    w = ne.watchers_in_top(_truth(), scores, KEYS, share=0.1)
    assert w["top_size"] == 1 and w["in_top"] == 1 and w["watchers"] == 2
    assert w["by_type"]["journalist"] == {"accounts": 1, "top_decile": 1}
    w2 = ne.watchers_in_top(_truth(), {("s", "n1"): 0.5}, KEYS, share=0.1)
    assert w2["in_top"] == 0  # zero scores never count as "top", even when tied at the cut


def test_role_accuracy_folds_official_media_affiliate():
    r = ne.role_accuracy(
        _truth(), {("s", "n1"): "official/media", ("s", "n2"): "sympathiser", ("s", "j1"): "recruiter"}
    )
    assert r["accounts"] == 2 and r["accuracy"] == 0.5
    assert r["confusion"]["amplifier"] == {"sympathiser": 1}


def test_census_against_the_true_daily_count():
    # Day 1: n1, n2, n4 exist (n4 suspended during it) -> 3; day 2: n1 (suspended during), n2, n3 -> 3.
    t = _truth()
    assert ne.true_active(t, T0, T0 + timedelta(days=1)) == 3
    assert ne.true_active(t, T0 + timedelta(days=1), T0 + timedelta(days=2)) == 3
    c = ne.census_error(t, {"2026-01-05": (3.3, 3.0, 4.0), "2026-01-06": (2.7, 2.0, 2.9)})
    assert c["days"]["2026-01-05"]["error"] == pytest.approx(0.1)
    assert c["days"]["2026-01-05"]["covered"] and not c["days"]["2026-01-06"]["covered"]
    assert c["max_abs_error"] == pytest.approx(0.1)


def test_pick_seeds_is_a_reproducible_share_of_the_network():
    t = _truth()
    assert ne.pick_seeds(t, 0.5, 3) == ne.pick_seeds(t, 0.5, 3)
    assert len(ne.pick_seeds(t, 0.5, 3)) == 2 and len(ne.pick_seeds(t, 0.01)) == 1
    assert all(t.accounts[k].label == "extremist" for k in ne.pick_seeds(t, 1.0))
