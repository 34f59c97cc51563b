"""The report as text a person reads: display rows for the template, and the self-contained HTML file.

The console page and the HTML file render the same template (``web/templates/report.html``); the
file swaps the console's layout for :data:`STANDALONE` (inline CSS, images as ``data:`` URIs, no
scripts, nothing fetched), so it can be mailed to a regulator and opened offline.
"""

from __future__ import annotations

import base64
from typing import Any

from cauterize.report.plots import plots

STANDALONE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %}</title>
<style>
body { font-family: system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 15px; color: #1d232b;
  background: #f6f7f9; margin: 0; line-height: 1.4; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 28px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 6px; } h2 { font-size: 1.15rem; margin: 22px 0 8px; }
.card { background: #fff; border: 1px solid #d9dee5; border-radius: 10px; padding: 14px 16px; margin: 12px 0; }
.muted { color: #5c6673; } .plain { border-collapse: collapse; width: 100%; background: #fff; font-size: .9em; }
th, td { text-align: left; padding: 6px 9px; border-bottom: 1px solid #d9dee5; vertical-align: top; }
th { font-size: .78em; text-transform: uppercase; letter-spacing: .03em; color: #5c6673; background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; }
.headline div { background: #fff; border: 1px solid #d9dee5; border-radius: 10px; padding: 10px 12px; }
.headline b { display: block; font-size: 1.5rem; } figure { margin: 10px 0; } figure img { max-width: 100%; }
figcaption { color: #5c6673; font-size: .85em; }
</style></head>
<body><main>{% block main %}{% endblock %}</main></body></html>
"""


def _pct(s: dict[str, Any] | None) -> str:
    if not s or s.get("share") is None:
        return "—"
    return f"{s['share']:.0%} ({s['n']}/{s['of']})"


def _num(v: Any, digits: int = 1) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def _baseline(b: dict[str, Any] | None) -> str:
    if b is None:
        return "not computed"
    return f"{_num(b['replacement_rate'], 2)} ({b['returns_linked']})"


def _census_cell(c: dict[str, Any] | None) -> str:
    if not c:
        return "—"
    return f"{c['active']:,.0f} ({c['low']:,.0f}–{c['high']:,.0f})"


def _group_rows(groups: dict[str, dict[str, Any]]) -> list[list[str]]:
    return [
        [
            name,
            _num(g["accounts_actioned"]),
            _pct(g["surfaced_before_report"]),
            _pct(g["before_first_post"]),
            _pct(g["before_10_followers"]),
            _num(g["hours_creation_to_action"]["median"]),
            _num(g["hours_creation_to_action"]["p90"]),
        ]
        for name, g in groups.items()
    ]


GROUP_HEAD = [
    "",
    "Actioned",
    "Surfaced before a report",
    "Before first post",
    "Before 10 followers",
    "Median h",
    "p90 h",
]
PERIOD_HEAD = [
    "Period",
    "Actioned",
    "Surfaced by cauterize before a report",
    "Reported by users before action",
    "Before first post",
    "Before 10 followers",
    "Creation → action, median h",
    "p90 h",
    "Followers reached",
    "Reposts before action",
]
PERIOD_HEAD_2 = [
    "Period",
    "Returns per suspension",
    "Edit-distance baseline",
    "Return latency, median min",
    "Relink, median min",
    "Census end of period (90% interval)",
    "Census created / suspended",
    "Appeals filed / overturned",
    "Trusted flagged / actioned",
    "Overturned / reinstated",
]


def view(
    report: dict[str, Any], images: dict[str, bytes] | None = None, plots_note: str | None = None
) -> dict[str, Any]:
    """Everything the template shows, as strings: the template formats nothing itself."""
    o = report["overall"]
    ret = o["returns"]
    headline = [
        ("Accounts actioned", _num(o["accounts_actioned"]), ", ".join(f"{k}: {v}" for k, v in o["by_source"].items())),
        (
            "Surfaced by cauterize before any user report",
            _pct(o["surfaced_before_report"]),
            f"baseline, users reported before the action: {_pct(o['reported_by_users'])}",
        ),
        ("Actioned before their first post", _pct(o["before_first_post"]), ""),
        ("Actioned before 10 observed followers", _pct(o["before_10_followers"]), ""),
        (
            "Creation → action (median / p90)",
            f"{_num(o['hours_creation_to_action']['median'])} h / {_num(o['hours_creation_to_action']['p90'])} h",
            f"{o['creation_unknown']} without a creation event left out",
        ),
        (
            "Returns linked per suspension",
            _num(ret["replacement_rate"], 2),
            f"{ret['returns_linked']} returns, deepest lineage {o['lineages']['max_depth']};"
            f" edit-distance baseline: {_baseline(o['returns_edit_distance_baseline'])}",
        ),
        (
            "Return latency / time to relink (median)",
            f"{_num(ret['minutes_suspension_to_return']['median'])} / {_num(ret['minutes_creation_to_relink']['median'])} min",
            "suspension → new account / new account → link",
        ),
        (
            "Collateral",
            f"{o['collateral']['trusted_flagged']} trusted flagged",
            f"{o['collateral']['overturned_on_appeal']} overturned on appeal"
            + ("" if o["collateral"]["trusted_list_checked"] else "; no trusted list configured"),
        ),
    ]
    periods = [
        [
            p["period"],
            _num(p["accounts_actioned"]),
            _pct(p["surfaced_before_report"]),
            _pct(p["reported_by_users"]),
            _pct(p["before_first_post"]),
            _pct(p["before_10_followers"]),
            _num(p["hours_creation_to_action"]["median"]),
            _num(p["hours_creation_to_action"]["p90"]),
            _num(p["reach_before_action"]["followers_total"]),
            _num(p["reach_before_action"]["reposts_total"]),
        ]
        for p in report["periods"]
    ]
    periods_2 = [
        [
            p["period"],
            _num(p["returns"]["replacement_rate"], 2),
            _baseline(p["returns_edit_distance_baseline"]),
            _num(p["returns"]["minutes_suspension_to_return"]["median"]),
            _num(p["returns"]["minutes_creation_to_relink"]["median"]),
            _census_cell(p["census"]),
            f"{p['census']['created']} / {p['census']['suspended']}" if p["census"] else "—",
            f"{p['appeals']['filed']} / {p['appeals']['overturned']}",
            f"{p['collateral']['trusted_flagged']} / {p['collateral']['trusted_actioned']}",
            f"{p['collateral']['overturned_on_appeal']} / {p['collateral']['reinstated']}",
        ]
        for p in report["periods"]
    ]
    review = [
        [
            q,
            _num(v["open"]),
            _num(v["open_age_hours"]["median"]),
            _num(v["open_age_hours"]["p90"]),
            _num(v["open_past_sla"]),
            _pct(v["resolved_within_sla"]),
        ]
        for q, v in report["review"]["queues"].items()
    ]
    ap = report["review"]["appeals"]
    captions = {
        "census": "Estimated active network accounts per day with the census's 90% interval; grey bars are"
        " suspensions, shaded days are suspension waves (at least 3 and twice the median suspension day).",
        "time_to_action": "Hours from account creation to its first account-level action, by who acted.",
        "return_latency": "Left: minutes from a suspension to the replacement's creation. Right: minutes from"
        " the replacement's creation to cauterize linking it to the suspended account.",
    }
    lin = o["lineages"]
    return {
        "r": report,
        "headline": headline,
        "period_head": PERIOD_HEAD,
        "period_rows": periods,
        "period_head_2": PERIOD_HEAD_2,
        "period_rows_2": periods_2,
        "as_of": report["as_of"][:19].replace("T", " ") + " UTC",
        "group_head": GROUP_HEAD,
        "by_rule": _group_rows(report["by_rule"]),
        "by_network": _group_rows(report["by_network"]),
        "review_rows": review,
        "appeals": f"{ap['filed']} filed, {ap['decided']} decided, {ap['overturned']} overturned"
        + (f" ({ap['overturn_rate_of_decided']:.0%} of decided)" if ap["overturn_rate_of_decided"] is not None else ""),
        "lineages": f"{lin['linked_accounts']} accounts linked under {lin['roots']} roots; by depth "
        + (", ".join(f"{k}: {v}" for k, v in lin["accounts_by_depth"].items()) or "none"),
        "images": [
            {"id": f"plot-{k.replace('_', '-')}", "src": data_uri(v), "caption": captions[k]}
            for k, v in (images or {}).items()
        ],
        "plots_note": plots_note,
        "census_note": _census_note(report["census"]),
    }


def _census_note(c: dict[str, Any]) -> str:
    if c["available"]:
        return f"Method: {c['method']}"
    if not c.get("asked"):
        return "Census not computed (asked not to)."
    return f"Census unavailable: {c['why']}"


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def with_plots(report: dict[str, Any], want: bool = True) -> dict[str, Any]:
    if not want:
        return view(report, {}, "plots not asked for")
    images, why = plots(report)
    return view(report, images, why)


def _env() -> Any:
    from jinja2 import ChoiceLoader, DictLoader, Environment, PackageLoader, select_autoescape

    return Environment(
        loader=ChoiceLoader([DictLoader({"standalone.html": STANDALONE}), PackageLoader("cauterize.web", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def html(report: dict[str, Any], want_plots: bool = True) -> str:
    """The self-contained HTML file."""
    return _env().get_template("report.html").render(layout="standalone.html", **with_plots(report, want_plots))
