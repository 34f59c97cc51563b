"""The census plot reads honestly: whole-number axes from zero, a partial last day marked."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from cauterize.network.census import CensusDay, census

pytest.importorskip("matplotlib")


def test_the_last_day_is_partial_when_the_data_ends_in_it():
    day0 = datetime(2026, 1, 5, tzinfo=UTC)
    day1 = datetime(2026, 1, 6, tzinfo=UTC)
    member = np.array([True, True])
    created = np.array([day0.timestamp(), day1.timestamp() + 3600])
    suspended = np.array([np.nan, np.nan])
    followers = np.array([3, 0])
    days = census(member, created, suspended, followers, [day0, day1], now=day1.timestamp() + 7200)
    assert [d.partial for d in days] == [False, True]


def test_axes_are_whole_numbers_from_zero(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cauterize.network import plot

    days = [
        CensusDay("2026-01-05", 3.0, 2.0, 4.0, 0, 3, 0),
        CensusDay("2026-01-06", 3.0, 2.0, 4.0, 0, 0, 0, partial=True),
    ]
    seen = {}
    close = plt.close

    def keep(fig):  # type: ignore[no-untyped-def]
        seen["axes"] = fig.axes
        close(fig)

    monkeypatch.setattr(plt, "close", keep)
    plot.census_plot(days, tmp_path / "c.png", "t", "m")
    accounts, followers = seen["axes"]
    for ax in (accounts, followers):
        assert ax.get_ylim()[0] == 0
        assert all(float(t).is_integer() for t in ax.get_yticks())
    assert any(t.get_text() == "partial day" for t in accounts.texts)
    assert (tmp_path / "c.png").stat().st_size > 0
