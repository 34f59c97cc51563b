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
