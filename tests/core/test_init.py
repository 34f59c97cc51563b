"""`cauterize init` and the per-user config: a newcomer outside the repository still gets a config."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app
from cauterize.config import describe, load_config


def _run(*args: str, cwd: Path, xdg: Path):  # type: ignore[no-untyped-def]
    old = Path.cwd()
    os.chdir(cwd)
    try:
        env = {"XDG_CONFIG_HOME": str(xdg), "CAUTERIZE_CONFIG": "", "COLUMNS": "200"}
        return CliRunner().invoke(app, list(args), env=env)
    finally:
        os.chdir(old)


def test_init_writes_a_config_that_passes_its_own_check_and_points_at_the_lists(tmp_path, monkeypatch):
    monkeypatch.delenv("CAUTERIZE_CONFIG", raising=False)
    result = _run("init", str(tmp_path / "site"), cwd=tmp_path, xdg=tmp_path / "xdg")
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "site" / "cauterize.toml")
    trusted = Path(cfg.policy["trusted_file"])
    assert trusted.exists() and trusted.parent == tmp_path / "site"
    assert Path(cfg.detectors["evasion"]["allowlist_file"]).exists()
    assert "first step" in result.output
    # Not twice without --force: an operator's edited config is never overwritten by accident.
    again = _run("init", str(tmp_path / "site"), cwd=tmp_path, xdg=tmp_path / "xdg")
    assert again.exit_code == 2 and "--force" in again.output


def test_the_user_config_is_found_from_any_directory_and_named(tmp_path, monkeypatch):
    monkeypatch.delenv("CAUTERIZE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert _run("init", "--user", cwd=tmp_path, xdg=tmp_path / "xdg").exit_code == 0
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    cfg = load_config()
    assert cfg.source == tmp_path / "xdg" / "cauterize" / "cauterize.toml"
    assert str(cfg.source) in describe(cfg)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
    assert "built-in defaults" in describe(load_config())


def test_ingest_names_the_config_it_loaded_at_the_top(tmp_path, monkeypatch):
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("CAUTERIZE_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(
        app, ["ingest", "-c", str(repo / "cauterize.toml"), str(repo / "samples" / "demo-world.jsonl")]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("config: ") and "cauterize.toml" in first and "store: sqlite" in first
