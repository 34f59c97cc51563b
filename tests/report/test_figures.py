"""The report's pure figure functions on hand-made rows, edge cases first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cauterize.report import figures as F

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def acted(
    name: str,
    hours: float,
    created: float | None = 0.0,
    post: float | None = None,
    report: float | None = None,
    decision: float | None = None,
    followers: int = 0,
    reposts: int = 0,
    source: str = "platform",
    rule: str | None = None,
) -> F.Actioned:
    def at(h: float | None) -> datetime | None:
        return None if h is None else T0 + timedelta(hours=h)

    return F.Actioned(
        account_id=name,
        action_at=T0 + timedelta(hours=hours),
        source=source,
        created_at=at(created),
        first_post_at=at(post),
        first_report_at=at(report),
        first_decision_at=at(decision),
        rule=rule,
        followers_at_action=followers,
        reposts_before_action=reposts,
    )


def test_no_actions_gives_zero_counts_and_no_shares():
    f = F.actioned_figures([])
    assert f["accounts_actioned"] == 0
    assert f["surfaced_before_report"] == {"n": 0, "of": 0, "share": None}
    assert f["hours_creation_to_action"] == {"n": 0, "median": None, "p90": None}
    assert f["reach_before_action"]["followers_median"] is None


def test_an_account_without_a_creation_event_is_counted_but_not_timed():
    f = F.actioned_figures([acted("a", 5, created=None), acted("b", 4, created=0)])
    assert f["accounts_actioned"] == 2
    assert f["creation_unknown"] == 1
    assert f["hours_creation_to_action"] == {"n": 1, "median": 4.0, "p90": 4.0}


def test_surfaced_first_needs_a_decision_before_the_first_report_and_no_later_than_the_action():
    assert F.surfaced_first(acted("a", 5, decision=1, report=2))
    assert F.surfaced_first(acted("a", 5, decision=1, report=None))
    assert not F.surfaced_first(acted("a", 5, decision=2, report=2))  # a tie is not "before"
    assert not F.surfaced_first(acted("a", 5, decision=3, report=2))
    assert not F.surfaced_first(acted("a", 5, decision=6))  # decided only after the platform acted
    assert not F.surfaced_first(acted("a", 5, decision=None))
    f = F.actioned_figures([acted("a", 5, decision=1, report=2), acted("b", 5, report=1), acted("c", 5)])
    assert f["surfaced_before_report"] == {"n": 1, "of": 3, "share": 0.3333}
    assert f["reported_by_users"]["n"] == 2  # a and b were reported before the action


def test_before_first_post_and_ten_followers():
    rows = [
        acted("never-posted", 3, post=None, followers=9),
        acted("posted-later", 3, post=4, followers=10),
        acted("posted-before", 3, post=2, followers=0),
        acted("posted-at-action", 3, post=3, followers=50),
    ]
    f = F.actioned_figures(rows)
    assert f["before_first_post"]["n"] == 2
    assert f["before_10_followers"]["n"] == 2  # 9 and 0; exactly 10 is not "before 10"
    assert f["reach_before_action"]["followers_total"] == 69


def test_quantile_matches_numpy_linear():
    np = pytest.importorskip("numpy")
    vals = [5.0, 1.0, 9.0, 2.5, 7.0, 3.0]
    for q in (0.0, 0.5, 0.9, 1.0):
        assert F.quantile(vals, q) == pytest.approx(float(np.quantile(vals, q)))
    assert F.quantile([], 0.5) is None


@pytest.mark.parametrize(
    ("t", "period", "start", "label"),
    [
        (datetime(2026, 3, 4, 23, 59, tzinfo=UTC), "day", datetime(2026, 3, 4, tzinfo=UTC), "2026-03-04"),
        (datetime(2026, 3, 8, 23, 0, tzinfo=UTC), "week", datetime(2026, 3, 2, tzinfo=UTC), "2026-W10"),
        (datetime(2026, 3, 9, 0, 0, tzinfo=UTC), "week", datetime(2026, 3, 9, tzinfo=UTC), "2026-W11"),
        (datetime(2026, 12, 31, 12, tzinfo=UTC), "month", datetime(2026, 12, 1, tzinfo=UTC), "2026-12"),
    ],
)
def test_period_boundaries(t, period, start, label):
    assert F.period_start(t, period) == start
    assert F.period_label(start, period) == label


def test_a_period_with_nothing_in_it_is_listed():
    days = F.periods_between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 4, 5, tzinfo=UTC), "day")
    assert [F.period_label(d, "day") for d in days] == ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
    months = F.periods_between(datetime(2025, 11, 20, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC), "month")
    assert [F.period_label(m, "month") for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    with pytest.raises(ValueError, match="period"):
        F.period_start(T0, "fortnight")


def test_returns_replacement_rate_latency_and_relink():
    r = [
        F.Return("c1", "p1", T0 + timedelta(minutes=10), T0 + timedelta(minutes=12), T0),
        F.Return("c2", "p2", T0 + timedelta(minutes=30), T0 + timedelta(minutes=90), T0),
        F.Return("c3", "p3", None, T0 + timedelta(minutes=5), T0),  # no creation event: not timed
    ]
    f = F.return_figures(r, suspensions=4)
    assert f["returns_linked"] == 3 and f["replacement_rate"] == 0.75
    assert f["minutes_suspension_to_return"] == {"n": 2, "median": 20.0, "p90": 28.0}
    assert f["minutes_creation_to_relink"]["median"] == 31.0
    assert F.return_figures([], 0)["replacement_rate"] is None


def test_lineage_depth_follows_links_and_stops_at_a_cycle():
    d = F.lineage_depths([("b", "a"), ("c", "b"), ("d", "c"), ("y", "x")])
    assert d == {"a": 0, "b": 1, "c": 2, "d": 3, "x": 0, "y": 1}
    assert F.lineage_figures([("b", "a"), ("c", "b")])["max_depth"] == 2
    cyc = F.lineage_depths([("a", "b"), ("b", "a")])
    assert cyc == {"a": 1, "b": 1}
    assert F.lineage_figures([]) == {"linked_accounts": 0, "roots": 0, "max_depth": 0, "accounts_by_depth": {}}


def test_review_queue_ages_against_sla():
    now = T0 + timedelta(hours=10)
    cases = [
        {"queue": "threat", "status": "open", "opened_at": T0, "sla_due_at": T0 + timedelta(hours=1), "resolved_at": None},
        {"queue": "threat", "status": "open", "opened_at": T0 + timedelta(hours=9.5), "sla_due_at": now + timedelta(hours=1), "resolved_at": None},
        {"queue": "threat", "status": "actioned", "opened_at": T0, "sla_due_at": T0 + timedelta(hours=1), "resolved_at": T0 + timedelta(hours=2)},
        {"queue": "ban_evasion", "status": "dismissed", "opened_at": T0, "sla_due_at": T0 + timedelta(hours=12), "resolved_at": T0 + timedelta(hours=1)},
    ]  # fmt: skip
    f = F.review_figures(cases, [{"status": "overturned"}, {"status": "upheld"}, {"status": "open"}], now)
    t = f["queues"]["threat"]
    assert t["open"] == 2 and t["open_past_sla"] == 1
    assert t["open_age_hours"]["median"] == 5.25
    assert t["resolved_within_sla"] == {"n": 0, "of": 1, "share": 0.0}
    assert f["queues"]["ban_evasion"]["resolved_within_sla"]["share"] == 1.0
    assert f["appeals"] == {"filed": 3, "decided": 2, "overturned": 1, "overturn_rate_of_decided": 0.5}


def test_suspension_waves():
    assert F.suspension_waves([]) == []
    assert F.suspension_waves([0, 0]) == []
    assert F.suspension_waves([1, 2, 1, 9, 2]) == [3]
    assert F.suspension_waves([2, 2, 2]) == []  # below the floor of 3
