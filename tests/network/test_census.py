from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from cauterize.network.census import active_on, census, days_between

D0 = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
H = 3600.0


def test_daily_counts_created_suspended_followers_and_interval():
    member = np.array([True, True, True, False, True])
    created = np.array([D0, D0 + 2 * H, D0 + 30 * H, D0, D0 + 50 * H])
    suspended = np.array([np.nan, D0 + 26 * H, np.nan, np.nan, np.nan])
    followers = np.array([10, 20, 30, 1000, 40])
    days = days_between(D0, D0 + 49 * H)
    assert [d.strftime("%d") for d in days] == ["05", "06", "07"]
    boot = [member & np.array([True, False, True, True, True]), member]
    out = census(member, created, suspended, followers, days, boot)
    assert [d.active for d in out] == [2, 3, 3]
    assert [d.created for d in out] == [2, 1, 1]
    assert [d.suspended for d in out] == [0, 1, 0]
    assert [d.followers for d in out] == [30, 60, 80]
    assert out[0].low < out[0].active == out[0].high  # bootstraps with one member fewer
    assert not active_on(member, created, suspended, days[2])[1]  # suspended the day before


def test_interval_carries_the_thresholds_held_out_recall_and_never_corrects_seeds():
    from cauterize.network.census import Rerun, rerun_recalls

    member = np.array([True] * 6 + [False] * 4)
    is_seed = np.array([True, True] + [False] * 8)
    created = np.full(10, D0)
    suspended = np.full(10, np.nan)
    days = days_between(D0, D0 + H)
    # Reruns that found every member, but whose threshold found only half the held-out seeds:
    # the four non-seed members stand for eight.
    out = census(member, created, suspended, np.zeros(10), days, [Rerun(member, 0.5)] * 3, is_seed, recall=0.5)
    assert out[0].active == 6 and out[0].low == 6 and out[0].high == 2 + 4 / 0.5
    assert out[0].corrected == 10
    # Plain reruns (recall 1) give the seed interval alone.
    plain = census(member, created, suspended, np.zeros(10), days, [member] * 3, is_seed)
    assert plain[0].high == 6 and plain[0].corrected is None
    # Recalls drawn from pooled out-of-bag outcomes: 3 of 4 found -> draws near 0.75, never below the floor.
    draws, pooled = rerun_recalls([2, 2, 0], [1, 2, 0], 4, np.random.default_rng(0))
    assert pooled == 0.75 and len(draws) == 3 and all(0.2 <= d <= 1 for d in draws)
    assert rerun_recalls([0, 0], [0, 0], 4, np.random.default_rng(0)) == ([1.0, 1.0], None)


def test_interval_floor_is_the_stable_core_members_most_reruns_agree_on():
    member = np.array([True, True, True, True, False])
    is_seed = np.array([True, False, False, False, False])
    created, suspended = np.full(5, D0), np.full(5, np.nan)
    days = days_between(D0, D0 + H)
    swapped = np.array([True, True, True, False, True])
    # Every rerun counts four, but account 3 is a member in only half of them: its membership
    # rests on little, so the floor leaves it out although the counts never move.
    reruns = [member, swapped] * 10
    out = census(member, created, suspended, np.zeros(5), days, reruns, is_seed)
    assert out[0].active == 4 and out[0].low == 3 and out[0].high == 4
