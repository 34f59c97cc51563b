from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "demo-world.jsonl"
CONFIG = REPO / "cauterize.toml"
runner = CliRunner()


def _run(tmp_path: Path, *args: str, **env: str):
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200", **env}
    return runner.invoke(app, [*args, "--config", str(CONFIG)], env=env, catch_exceptions=False)


def test_admin_tools_from_the_cli(tmp_path):
    assert _run(tmp_path, "ingest", str(SAMPLE), "-q").exit_code == 0
    r = _run(tmp_path, "users", "create", "ada", "--role", "admin", CAUTERIZE_PASSWORD="admin password 1")
    assert r.exit_code == 0, r.output
    assert _run(tmp_path, "users", "create", "ada", CAUTERIZE_PASSWORD="admin password 1").exit_code == 2
    assert _run(tmp_path, "users", "create", "bad", "--role", "root", CAUTERIZE_PASSWORD="x" * 9).exit_code == 2
    assert "ada" in _run(tmp_path, "users", "list").output
    token = _run(tmp_path, "users", "token", "ada", "--role", "viewer").output.strip()
    assert token.startswith("cz_")

    synced = _run(tmp_path, "review", "sync")
    assert synced.exit_code == 0 and "case(s) opened" in synced.output
    verified = _run(tmp_path, "review", "verify-audit")
    assert verified.exit_code == 0 and '"ok": true' in verified.output

    out = tmp_path / "case1.zip"
    assert _run(tmp_path, "review", "evidence", "1", "--out", str(out)).exit_code == 0
    key = tmp_path / "pub.pem"
    key.write_text(_run(tmp_path, "review", "signing-key").output)
    ok = runner.invoke(app, ["review", "verify-evidence", str(out), "--public-key", str(key)])
    assert ok.exit_code == 0 and "intact" in ok.output
    out.write_bytes(out.read_bytes()[:-40])
    assert runner.invoke(app, ["review", "verify-evidence", str(out), "--public-key", str(key)]).exit_code == 1

    assert _run(tmp_path, "review", "metrics").exit_code == 0

    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nname = "threats-strict"\nlabels = "threat.*"\nthreshold = 0.8\naction = "escalate"\n')
    bt = _run(tmp_path, "review", "backtest", str(rules))
    assert bt.exit_code == 0 and "threats-strict" in bt.output
