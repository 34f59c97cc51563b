"""`cauterize ingest` with the crossplatform detector on, then `cauterize lineage` across platforms."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app
from tests.conftest import ev, jsonl

REPO = Path(__file__).resolve().parents[2]


def test_lineage_shows_the_incarnations_on_both_platforms_with_dates_and_statuses(tmp_path):
    config = tmp_path / "cauterize.toml"
    config.write_text(
        (REPO / "cauterize.toml").read_text() + '\n[detectors.crossplatform]\naliases = { sim = "twitter" }\n'
    )
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "250"}
    stream = tmp_path / "both.jsonl"
    stream.write_bytes(
        jsonl(
            ev("account_created", "t1", "100", 0, platform="sim", handle="ashen_relay5", display_name="Ashen Relay"),
            ev(
                "post_created",
                "t2",
                "100",
                30,
                platform="sim",
                post_id="tp",
                text="[SIM] backup: @grey_lantern@mstdn.sim.example",
            ),
            ev("enforcement", "t3", "100", 60, platform="sim", action="suspend", reason="terrorism"),
            ev("account_created", "m1", "m:gl", 120, platform="mastodon", handle="grey_lantern@mstdn.sim.example"),
            ev("post_created", "m2", "m:gl", 130, platform="mastodon", post_id="mp", text="[SIM] hello"),
        )
    )
    ran = CliRunner().invoke(app, ["ingest", "-q", "-c", str(config), str(stream)], env=env)
    assert ran.exit_code == 0, ran.output
    shown = CliRunner().invoke(app, ["lineage", "-c", str(config), "@grey_lantern@mstdn.sim.example"], env=env)
    assert shown.exit_code == 0, shown.output
    assert "Incarnations across platforms" in shown.output
    assert "@ashen_relay5" in shown.output and "suspended 2024-03-01 13:00" in shown.output
    assert "review on mastodon" in shown.output and "across platforms" in shown.output
    as_json = CliRunner().invoke(app, ["lineage", "--json", "-c", str(config), "@ashen_relay5"], env=env)
    (row,) = [json.loads(line) for line in as_json.output.splitlines() if line.strip()]
    by_platform = {i["platform"]: i for i in row["across_platforms"]}
    assert by_platform["mastodon"]["parent_account_id"] == "100" and by_platform["mastodon"]["link"] == "cross_platform"
    assert by_platform["sim"]["status"] == "suspended" and by_platform["mastodon"]["status"] == "active"
