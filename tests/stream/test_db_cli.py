"""``cauterize db current`` / ``upgrade`` on an empty store and a current one."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cauterize.cli.main import app


def test_upgrade_brings_an_empty_store_to_the_newest_revision(tmp_path, monkeypatch):
    monkeypatch.setenv("CAUTERIZE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    before = json.loads(runner.invoke(app, ["db", "current", "--json"]).stdout)
    assert before["current"] is None and not before["up_to_date"]
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    after = json.loads(runner.invoke(app, ["db", "current", "--json"]).stdout)
    assert after["current"] == after["head"] and after["up_to_date"]
    # Upgrading a current store changes nothing and says so.
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and f"{after['head']} -> {after['head']}" in again.stdout
