"""`cauterize sim` and `cauterize eval` end to end, with an oracle pipeline whose figures are known."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app
from cauterize.evaluation.truth import format_time, read_truth

runner = CliRunner()


def oracle_decisions(truth_path: Path, out: Path) -> int:
    """Flag every extremist account at creation, linking replacements to their true parent."""
    truth = read_truth(truth_path)
    n = 0
    with out.open("w") as fp:
        for a in truth.accounts.values():
            if a.label != "extremist":
                continue
            signals = []
            if a.parent_account_id:
                signals.append(
                    {
                        "detector": "evasion",
                        "detector_version": "1",
                        "label": "evasion.handle",
                        "score": 0.9,
                        "post_id": None,
                        "evidence": {
                            "parent_account_id": a.parent_account_id,
                            "parent_platform": a.platform,
                            "rank": 1,
                        },
                        "rule": "r",
                    }
                )
            n += 1
            rec = {
                "decision_id": n,
                "platform": a.platform,
                "account_id": a.account_id,
                "handle": a.handle,
                "action": "suspend",
                "policy": "oracle",
                "policy_version": "1",
                "rule": "truth",
                "reason": "oracle",
                "event_id": f"e{n}",
                "post_id": None,
                "event_time": format_time(a.created_at),
                "decided_at": "2030-01-01T00:00:00Z",
                "evidence": {"signals": signals},
            }
            fp.write(json.dumps(rec) + "\n")
    return n


def test_sim_then_eval_with_an_oracle(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.toml"
    scenario.write_text('scenario = "tiny"\nseed = 3\ndays = 1.0\n[benign]\naccounts = 400\n')
    events, truth = tmp_path / "events.jsonl", tmp_path / "truth.json"
    result = runner.invoke(app, ["sim", "--scenario", str(scenario), "--out", str(events), "--truth", str(truth), "-q"])
    assert result.exit_code == 0, result.output
    header = read_truth(truth).header
    assert header.scenario == "tiny" and header.counts["events"] == len(events.read_bytes().splitlines())
    n = oracle_decisions(truth, tmp_path / "decisions.jsonl")
    out_json, out_md = tmp_path / "report.json", tmp_path / "report.md"
    result = runner.invoke(
        app,
        [
            "eval",
            "--truth",
            str(truth),
            "--decisions",
            str(tmp_path / "decisions.jsonl"),
            "--json",
            str(out_json),
            "--markdown",
            str(out_md),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Ban evasion" in result.output
    rep = json.loads(out_json.read_text())
    assert rep["decisions"] == n == rep["extremist"]
    assert rep["flagged"]["precision"] == 1.0 and rep["flagged"]["recall"] == 1.0
    ev = rep["evasion"]
    assert ev["replacements"] > 0
    assert ev["before_first_post_share"] == 1.0 and ev["before_10_followers_share"] == 1.0
    assert ev["minutes_to_flag_median"] == 0.0 and ev["correct_parent_first_share"] == 1.0
    assert rep["harm_total"]["flagged"] == 0 and rep["benign_flagged"] == 0
    assert out_md.read_text().startswith("# Evaluation: tiny")


def test_sim_rejects_unknown_format_and_bad_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sim", "--out", str(tmp_path / "x"), "--format", "nope"])
    assert result.exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("dayz = 3\n")
    result = runner.invoke(app, ["sim", "--out", str(tmp_path / "x"), "--scenario", str(bad)])
    assert result.exit_code == 2 and "dayz" in result.output


def test_eval_reports_bad_input(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text("{}")
    (tmp_path / "d.jsonl").write_text("")
    result = runner.invoke(app, ["eval", "--truth", str(tmp_path / "t.json"), "--decisions", str(tmp_path / "d.jsonl")])
    assert result.exit_code == 2


def test_eval_scores_only_the_simulated_platform(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.toml"
    scenario.write_text('scenario = "tiny"\nseed = 4\ndays = 1.0\n[benign]\naccounts = 300\n')
    events, truth = tmp_path / "events.jsonl", tmp_path / "truth.json"
    assert (
        runner.invoke(
            app, ["sim", "--scenario", str(scenario), "--out", str(events), "--truth", str(truth), "-q"]
        ).exit_code
        == 0
    )
    decisions = tmp_path / "decisions.jsonl"
    n = oracle_decisions(truth, decisions)
    # The bundled sample's decisions land in the same store when both are ingested into one.
    stray = {
        "decision_id": n + 1,
        "platform": "demo",
        "account_id": "100",
        "handle": "ashen_media",
        "action": "suspend",
        "policy": "p",
        "policy_version": "1",
        "rule": "r",
        "reason": "x",
        "event_id": "s1",
        "post_id": None,
        "event_time": "2024-03-01T09:00:00Z",
        "decided_at": "2024-03-01T09:00:00Z",
        "evidence": {"signals": []},
    }
    with decisions.open("a") as fp:
        fp.write(json.dumps(stray) + "\n")
    out_json = tmp_path / "report.json"
    result = runner.invoke(
        app,
        ["eval", "--truth", str(truth), "--decisions", str(decisions), "--json", str(out_json)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "1 decision(s) about other platforms (demo) left out" in result.output
    rep = json.loads(out_json.read_text())
    assert rep["decisions"] == n and rep["harm_total"]["flagged"] == 0 and rep["benign_flagged"] == 0
