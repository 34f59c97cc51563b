"""Conventions an operator expects of any command-line tool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cauterize import __version__
from cauterize.cli.main import app

REPO = Path(__file__).resolve().parents[2]


def test_python_dash_m_runs_the_cli_and_version_is_printed():
    out = subprocess.run([sys.executable, "-m", "cauterize", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"cauterize {__version__}"


def test_flags_are_not_labelled_as_taking_a_value():
    result = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    quiet = next(line for line in result.output.splitlines() if "--quiet" in line)
    assert "<bool>" not in quiet and "No progress bar" in quiet
    config = next(line for line in result.output.splitlines() if "--config" in line)
    assert "<path>" in config  # options that take a value still say what value


def test_the_licence_named_in_pyproject_ships():
    assert 'license = "Apache-2.0"' in (REPO / "pyproject.toml").read_text()
    assert "Apache License" in (REPO / "LICENSE").read_text()


def test_the_demo_refuses_a_busy_port_before_simulating_anything(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "demo"), "--port", str(port)])
    assert result.exit_code == 2
    assert "ready: log in" not in result.output and "--port" in result.output
    assert not (tmp_path / "demo").exists(), "it simulated a world before finding the port taken"


def _sample_store(tmp_path: Path) -> dict[str, str]:
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "80"}
    sample = REPO / "samples" / "demo-world.jsonl"
    assert (
        CliRunner().invoke(app, ["ingest", "-q", "-c", str(REPO / "cauterize.toml"), str(sample)], env=env).exit_code
        == 0
    )
    return env


def test_accounts_show_at_80_columns_shows_the_post_behind_a_signal_uncut(tmp_path):
    env = _sample_store(tmp_path)
    out = CliRunner().invoke(app, ["accounts", "show", "@ashen_media", "-c", str(REPO / "cauterize.toml")], env=env)
    assert out.exit_code == 0
    signals = out.output.split("signals")[1].split("decisions")[0]
    # The "why" column, read down the table: wrapped across lines, never cut.
    why = " ".join(cells[4].strip() for line in signals.splitlines() if len(cells := line.split("│")) > 5)
    assert "post: “ExamplePlatform staff will pay for every suspension”" in " ".join(why.split())
    assert "…" not in why


def test_accounts_show_json_is_one_object_per_account(tmp_path):
    import json

    env = _sample_store(tmp_path)
    out = CliRunner().invoke(
        app, ["accounts", "show", "@ashen_media", "--json", "-c", str(REPO / "cauterize.toml")], env=env
    )
    assert out.exit_code == 0
    (rec,) = [json.loads(line) for line in out.output.splitlines() if line.strip()]
    assert rec["account"]["status"] == "suspended"
    assert any(s["label"] == "threat.employees" and "staff will pay" in s["post_text"] for s in rec["signals"])


def test_why_names_the_parent_and_its_lines_for_a_ban_evasion_link():
    from cauterize.cli.accounts import why

    text = why(
        {
            "parent_account_id": "P1",
            "parent_handles": ["ashen_media"],
            "evidence_lines": ["name", "avatar"],
            "trigger": "late_suspension",
        }
    )
    assert text == "parent P1 (@ashen_media); lines: name, avatar; trigger: late_suspension"


def test_ingest_explains_late_events_and_inputs_with_nothing_to_ingest():
    from cauterize.cli.ingest import run_notes
    from cauterize.pipeline import RunSummary

    late = RunSummary(records=10, events_parsed=100, late=44)
    (note,) = run_notes(late, 300)
    assert "44% of events" in note and "[ingest] reorder_window_seconds" in note
    assert run_notes(RunSummary(records=10, events_parsed=100, late=1), 300) == []
    (empty,) = run_notes(RunSummary(records=1), 300)
    assert "nothing was stored" in empty


def test_sim_takes_the_format_names_ingest_takes(tmp_path):
    out = tmp_path / "w.jsonl"
    result = CliRunner().invoke(
        app, ["sim", "--format", "twitter-v2", "--accounts", "50", "--days", "0.2", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    first = out.read_text().splitlines()[0]
    assert '"data"' in first or '"includes"' in first  # a Twitter v2 page, not canonical JSONL
    assert CliRunner().invoke(app, ["sim", "--format", "friendster", "--out", str(out)]).exit_code != 0


def test_table_commands_take_json(tmp_path):
    import json

    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "80"}
    cfg = ["-c", str(REPO / "cauterize.toml")]
    sample = str(REPO / "samples" / "demo-world.jsonl")
    ran = CliRunner().invoke(app, ["ingest", "-q", "--json", *cfg, sample], env=env)
    assert ran.exit_code == 0
    summary = json.loads(ran.output.splitlines()[-1])
    assert summary["events_new"] > 0 and summary["dead_letters"] >= 1 and "notes" in summary
    dead = CliRunner().invoke(app, ["dead-letters", "--json", *cfg], env=env)
    rows = [json.loads(line) for line in dead.output.splitlines() if line.strip()]
    assert len(rows) == summary["dead_letters"] and all(r["reason"] for r in rows)
    tree = CliRunner().invoke(app, ["lineage", "@ashen_media", "--json", *cfg], env=env)
    (lineage,) = [json.loads(line) for line in tree.output.splitlines() if line.strip()]
    assert any(i["handle"] == "ashen_media" for i in lineage["incarnations"])


def test_models_info_reads_at_80_columns_and_as_json():
    import json

    narrow = CliRunner().invoke(app, ["models", "info"], env={"COLUMNS": "80"})
    assert narrow.exit_code == 0
    assert "model: propaganda-fast@" in narrow.output and "sha256: " in narrow.output
    assert "propagan…" not in narrow.output  # no cut cells
    rows = [json.loads(x) for x in CliRunner().invoke(app, ["models", "info", "--json"]).output.splitlines()]
    assert {r["model"] for r in rows} >= {"metrics"} and all(len(r["sha256"]) == 64 for r in rows)
