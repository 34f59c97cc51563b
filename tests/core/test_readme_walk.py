"""A newcomer's walk through the README's tour, command by command, on a fresh directory.

Each command is checked to be in the README as written here, so the walk and the README cannot
drift apart silently.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _in_readme(command: str) -> None:
    assert " ".join(command.split()) in " ".join(README.split()), f"the README no longer shows `{command}`"


def test_the_readme_tour_works_on_a_fresh_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAUTERIZE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COLUMNS", "200")
    run = CliRunner().invoke

    def ok(*args: str) -> str:
        result = run(app, list(args))
        assert result.exit_code == 0, (args, result.output[-2000:])
        return result.output

    # 0. The first command of the README, without its server: a world simulated, processed and
    # ready for the console (the server part is the browser tests' business).
    _in_readme(".venv/bin/cauterize demo")
    out = ok("demo", "--no-serve", "--dir", str(tmp_path / "demo"))
    assert "ready: log in at" in out and (tmp_path / "demo" / "data" / "cauterize.db").exists()

    # 1. The sample, end to end on the command line (with the repository's config, as in the README).
    (tmp_path / "samples").symlink_to(REPO / "samples")
    (tmp_path / "cauterize.toml").symlink_to(REPO / "cauterize.toml")
    _in_readme("cauterize ingest samples/demo-world.jsonl && cauterize accounts show @ashen_media")
    ok("ingest", "samples/demo-world.jsonl")
    assert "suspended" in ok("accounts", "show", "@ashen_media")
    os.remove("cauterize.toml")

    # 2. A simulated world: simulate, ingest, export, evaluate.
    (tmp_path / "bench").symlink_to(REPO / "bench")
    _in_readme("cauterize sim --scenario bench/scenarios/small.toml --out events.jsonl --truth truth.json")
    ok(
        "sim",
        "--scenario",
        "bench/scenarios/small.toml",
        "--accounts",
        "800",
        "--days",
        "1",
        "--out",
        "events.jsonl",
        "--truth",
        "truth.json",
        "-q",
    )
    _in_readme("cauterize ingest events.jsonl")
    monkeypatch.setenv("CAUTERIZE_DATA_DIR", str(tmp_path / "world"))
    ok("ingest", "-q", "events.jsonl")
    _in_readme("cauterize decisions export -o decisions.jsonl")
    ok("decisions", "export", "-o", "decisions.jsonl")
    _in_readme("cauterize eval --truth truth.json --decisions decisions.jsonl --events events.jsonl")
    out = ok(
        "eval",
        "--truth",
        "truth.json",
        "--decisions",
        "decisions.jsonl",
        "--events",
        "events.jsonl",
        "--json",
        "r.json",
    )
    assert "naive" in out.lower() and json.loads(Path("r.json").read_text())["decisions"] >= 0

    # 3. A config of one's own, then the report.
    _in_readme("cauterize init")
    ok("init", str(tmp_path / "site"))
    assert (tmp_path / "site" / "trusted-accounts.txt").exists()
    ok("report", "--period", "day", "--json", "--no-census")
