"""End to end on a simulated world with known truth: sim -> ingest -> report, through the CLI.

Every expected value is computed here from the truth file, the raw event stream or plain SQL on
the store, never by calling the report's own functions.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cauterize.cli.main import app

SCENARIO = Path(__file__).resolve().parents[2] / "bench" / "scenarios" / "small.toml"
runner = CliRunner()


def _t(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


class World:
    def __init__(self, root: Path):
        self.root = root
        self.cfg = root / "cauterize.toml"
        truth = json.loads((root / "truth.json").read_text())
        self.header = truth["header"]
        self.truth = {a["account_id"]: a for a in truth["accounts"]}
        self.events = [json.loads(line) for line in (root / "world.jsonl").read_text().splitlines()]
        self.db = root / ".cauterize" / "cauterize.db"

    def sql(self, q: str) -> list[tuple]:
        with sqlite3.connect(self.db) as c:
            return c.execute(q).fetchall()

    def report(self, *args: str) -> dict:
        res = runner.invoke(app, ["report", "--json", "--bootstrap", "3", "-c", str(self.cfg), *args])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("report-world")
    out, truth = root / "world.jsonl", root / "truth.json"
    args = ["sim", "--scenario", str(SCENARIO), "--accounts", "250", "--days", "1.5", "--out", str(out)]
    res = runner.invoke(app, [*args, "--truth", str(truth), "-q"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    # The confounders (journalists, researchers, ...) are the trusted list, as a platform would keep it.
    confounders = [a["account_id"] for a in json.loads(truth.read_text())["accounts"] if a["label"] == "confounder"]
    (root / "trusted-accounts.txt").write_text("\n".join(confounders) + "\n")
    res = runner.invoke(app, ["ingest", "-q", "-c", str(root / "cauterize.toml"), str(out)])
    assert res.exit_code == 0, res.output
    return World(root)


@pytest.fixture(scope="module")
def daily(world) -> dict:
    return world.report("--period", "day")


def suspended(world: World) -> dict[str, datetime]:
    return {k: _t(a["suspended_at"]) for k, a in world.truth.items() if a["suspended_at"]}


def test_accounts_actioned_per_day_match_the_truth(world, daily):
    expected = Counter(t.strftime("%Y-%m-%d") for t in suspended(world).values())
    assert expected, "the world must have suspensions for this test to mean anything"
    got = {p["period"]: p["accounts_actioned"] for p in daily["periods"]}
    assert {k: v for k, v in got.items() if v} == dict(expected)
    assert daily["overall"]["accounts_actioned"] == sum(expected.values())
    assert daily["overall"]["by_source"] == {"platform": sum(expected.values())}
    for p in daily["periods"]:  # per period, the rules and networks split the same accounts
        assert sum(g["accounts_actioned"] for g in p["by_rule"].values()) == p["accounts_actioned"]
        assert sum(g["accounts_actioned"] for g in p["by_network"].values()) == p["accounts_actioned"]


def test_time_to_action_and_before_first_post_match_the_truth(world, daily):
    sus = suspended(world)
    hours = [(t - _t(world.truth[k]["created_at"])).total_seconds() / 3600 for k, t in sus.items()]
    got = daily["overall"]["hours_creation_to_action"]
    assert got["n"] == len(hours)
    assert got["median"] == pytest.approx(np.quantile(hours, 0.5), abs=0.006)
    assert got["p90"] == pytest.approx(np.quantile(hours, 0.9), abs=0.006)
    pre_post = sum(
        1 for k, t in sus.items() if world.truth[k]["first_post_at"] is None or t < _t(world.truth[k]["first_post_at"])
    )
    assert daily["overall"]["before_first_post"]["n"] == pre_post


def test_followers_and_reposts_before_action_match_the_raw_stream(world, daily):
    sus = suspended(world)
    followers = Counter()
    reposts = Counter()
    for e in world.events:
        t = _t(e["time"])
        if e["kind"] in ("follow", "unfollow") and e["target"] in sus and t <= sus[e["target"]]:
            followers[e["target"]] += 1 if e["kind"] == "follow" else -1
        ref = e.get("repost_of") if e["kind"] == "post_created" else None
        if ref and ref.get("account_id") in sus and t < sus[ref["account_id"]]:
            reposts[ref["account_id"]] += 1
    # The newest profile snapshot of each account with its follower count, if it came before the action.
    newest: dict[str, tuple[datetime, int | None]] = {}
    for e in world.events:
        if e["kind"] in ("account_created", "profile_changed") and e["actor"] in sus:
            t = _t(e["time"])
            if e["actor"] not in newest or t >= newest[e["actor"]][0]:
                newest[e["actor"]] = (t, e.get("followers_count"))
    seen = {}
    for k in sus:
        seen[k] = max(followers[k], 0)
        t, n = newest.get(k, (None, None))
        if n is not None and t <= sus[k]:
            seen[k] = max(seen[k], n)
    under_10 = sum(1 for k in sus if seen[k] < 10)
    reach = daily["overall"]["reach_before_action"]
    assert daily["overall"]["before_10_followers"]["n"] == under_10
    assert reach["followers_total"] == sum(seen.values())
    assert reach["reposts_total"] == sum(reposts.values())


def test_surfaced_before_report_matches_decisions_and_raw_reports(world, daily):
    sus = suspended(world)
    first_decision = {
        a: _t(t + "+00:00") for a, t in world.sql("select account_id, min(event_time) from decisions group by 1")
    }
    first_report: dict[str, datetime] = {}
    for e in world.events:
        if e["kind"] == "report_filed":
            first_report[e["target"]] = min(first_report.get(e["target"], _t(e["time"])), _t(e["time"]))
    n = 0
    for k, t in sus.items():
        d = first_decision.get(k)
        if d is not None and d <= t and (k not in first_report or d < first_report[k]):
            n += 1
    rules = Counter()
    for k in sus:
        rows = world.sql(f"select rule from decisions where account_id = '{k}' order by event_time, id limit 1")
        rules[rows[0][0] if rows else "(no cauterize decision)"] += 1
    assert {r: g["accounts_actioned"] for r, g in daily["by_rule"].items()} == dict(rules)
    assert daily["overall"]["surfaced_before_report"] == {
        "n": n,
        "of": len(sus),
        "share": round(n / len(sus), 4),
    }


def test_returns_and_their_latency_match_the_signals_and_the_truth(world, daily):
    rows = world.sql("select account_id, event_time, evidence from signals where label like 'evasion.%'")
    first: dict[str, tuple[str, str]] = {}
    for acc, t, ev in sorted(rows, key=lambda r: r[1]):
        parent = json.loads(ev).get("parent_account_id")
        if parent and acc not in first:
            first[acc] = (t, parent)
    ret = daily["overall"]["returns"]
    assert ret["returns_linked"] == len(first)
    assert ret["suspensions"] == daily["overall"]["accounts_actioned"]
    # Where cauterize linked the child to its true parent, the latency is the truth's.
    sus = suspended(world)
    truth_latency = sorted(
        round((_t(world.truth[c]["created_at"]) - sus[p]).total_seconds() / 60, 2)
        for c, (_, p) in first.items()
        if c in world.truth and world.truth[c]["parent_account_id"] == p and p in sus
    )
    assert truth_latency, "no correct link in this world: the test would check nothing"
    got = Counter(daily["distributions"]["minutes_suspension_to_return"])
    assert not Counter(truth_latency) - got
    depth = max(world.truth[c]["generation"] for c in first if c in world.truth)
    assert daily["overall"]["lineages"]["max_depth"] >= 1 and depth >= 1


def test_the_edit_distance_baseline_counts_what_the_naive_rule_links_on_the_raw_stream(world, daily):
    from cauterize.evaluation.naive import naive_decisions

    sus = suspended(world)
    flags = [
        d for d in naive_decisions(world.root / "world.jsonl") if d.signals[0].evidence["parent_account_id"] in sus
    ]
    base = daily["overall"]["returns_edit_distance_baseline"]
    assert base["returns_linked"] == len(flags)
    assert base["replacement_rate"] == round(len(flags) / len(sus), 4)
    per_period = sum(p["returns_edit_distance_baseline"]["returns_linked"] for p in daily["periods"])
    assert per_period == len(flags)


def test_collateral_counts_trusted_accounts_cauterize_flagged(world, daily):
    confounders = {k for k, a in world.truth.items() if a["label"] == "confounder"}
    flagged = {a for (a,) in world.sql("select distinct account_id from decisions")}
    c = daily["overall"]["collateral"]
    assert c["trusted_list_checked"] is True
    assert c["trusted_flagged"] == len(confounders & flagged)
    assert c["trusted_actioned"] == len(confounders & set(suspended(world)))


def test_census_is_the_network_census_with_its_interval(world, daily):
    census = daily["census"]
    assert census["available"], census["why"]
    assert "90% interval" in census["method"]
    start, end = _t(world.header["start"]), _t(world.header["end"])
    days = [d["day"] for d in census["days"]]
    assert days[0] == start.strftime("%Y-%m-%d") and days[-1] <= end.strftime("%Y-%m-%d")
    for d in census["days"]:
        assert d["low"] <= d["active"] <= d["high"]
    assert sum(d["suspended"] for d in census["days"]) <= len(suspended(world))


def test_weeks_and_windows_regroup_the_same_actions(world, daily):
    weekly = world.report("--period", "week", "--no-census")
    assert sum(p["accounts_actioned"] for p in weekly["periods"]) == daily["overall"]["accounts_actioned"]
    assert all(re.fullmatch(r"\d{4}-W\d\d", p["period"]) for p in weekly["periods"])
    day2 = sorted({t.strftime("%Y-%m-%d") for t in suspended(world).values()})[-1]
    only = world.report("--from", day2, "--to", day2, "--no-census")
    assert only["overall"]["accounts_actioned"] == sum(
        1 for t in suspended(world).values() if t.strftime("%Y-%m-%d") == day2
    )
    empty = world.report("--from", "2031-01-01", "--no-census")
    assert empty["periods"] == [] and empty["overall"]["accounts_actioned"] == 0


def test_the_html_report_is_one_file_with_its_plots_inline(world, tmp_path):
    out = tmp_path / "report.html"
    res = runner.invoke(app, ["report", "--bootstrap", "3", "-c", str(world.cfg), "--html", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text()
    imgs = re.findall(r'<img id="(plot-[a-z-]+)"[^>]* src="data:image/png;base64,', page)
    assert imgs == ["plot-census", "plot-time-to-action", "plot-return-latency"]
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "What this report cannot know" in page


def test_bad_options_are_refused(world):
    res = runner.invoke(app, ["report", "-c", str(world.cfg), "--period", "fortnight"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["report", "-c", str(world.cfg), "--from", "last tuesday"])
    assert res.exit_code == 2 and "not a date" in res.output


def test_on_the_second_generator_without_creation_events_nothing_is_guessed(tmp_path):
    """The Bluesky-shaped world (nothing tuned on it) has no account_created events: every action is
    counted, none is timed, and the time-to-action plot is absent rather than drawn from guesses."""
    out, truth = tmp_path / "w.jsonl", tmp_path / "t.json"
    args = ["sim", "--generator", "atproto", "--accounts", "200", "--days", "1.5", "--out", str(out)]
    assert runner.invoke(app, [*args, "--truth", str(truth), "-q"]).exit_code == 0
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    cfg = str(tmp_path / "cauterize.toml")
    assert runner.invoke(app, ["ingest", "-q", "-c", cfg, str(out)]).exit_code == 0
    res = runner.invoke(app, ["report", "--json", "--no-census", "-c", cfg])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    n = sum(1 for a in json.loads(truth.read_text())["accounts"] if a["suspended_at"])
    assert n > 0
    o = rep["overall"]
    assert o["accounts_actioned"] == n and o["creation_unknown"] == n
    assert o["hours_creation_to_action"] == {"n": 0, "median": None, "p90": None}
    assert rep["distributions"]["hours_creation_to_action"] == []
    assert rep["census"]["asked"] is False
    html = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--no-census", "-c", cfg, "--html", str(html)]).exit_code == 0
    assert 'id="plot-time-to-action"' not in html.read_text() and "Census not computed" in html.read_text()


def test_an_empty_store_is_refused_with_a_reason(tmp_path):
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    res = runner.invoke(app, ["report", "-c", str(tmp_path / "cauterize.toml")])
    assert res.exit_code == 1 and "no accounts yet" in res.output
