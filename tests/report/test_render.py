"""The HTML without matplotlib, and with hostile strings in the data."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from cauterize.report import render
from cauterize.report.build import CANNOT_KNOW
from cauterize.report.figures import actioned_figures, lineage_figures, return_figures, review_figures


def _report(rule: str = "watchlist") -> dict:
    empty = actioned_figures([])
    return {
        "platform": "testnet",
        "period": "day",
        "from": None,
        "to": None,
        "as_of": datetime(2026, 1, 5, tzinfo=UTC).isoformat(),
        "periods": [],
        "overall": {
            **empty,
            "returns": return_figures([], 0),
            "returns_edit_distance_baseline": None,
            "lineages": lineage_figures([]),
            "collateral": {
                "trusted_flagged": 0,
                "trusted_actioned": 0,
                "trusted_list_checked": False,
                "overturned_on_appeal": 0,
            },
        },
        "by_rule": {rule: empty},
        "by_network": {},
        "review": review_figures([], [], datetime(2026, 1, 5, tzinfo=UTC)),
        "census": {"available": False, "asked": True, "why": "LookupError: no seeds", "method": None, "days": []},
        "distributions": {
            "hours_creation_to_action": [{"hours": 1.0, "source": "platform"}],
            "minutes_suspension_to_return": [],
            "minutes_creation_to_relink": [],
        },
        "cannot_know": list(CANNOT_KNOW),
    }


def test_without_matplotlib_the_report_says_plots_are_off(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes "import matplotlib" raise ImportError
    page = render.html(_report())
    assert "plots are off" in page and "<img" not in page
    assert 'id="report-empty"' in page and "Census unavailable: LookupError: no seeds" in page


def test_with_matplotlib_the_plot_it_has_data_for_is_inline():
    page = render.html(_report())
    assert page.count('src="data:image/png;base64,') == 1 and 'id="plot-time-to-action"' in page


def test_a_rule_name_is_escaped_not_rendered():
    page = render.html(_report(rule='<img src=x onerror="alert(1)">'), want_plots=False)
    assert '<img src=x onerror="alert(1)">' not in page and "&lt;img src=x" in page
