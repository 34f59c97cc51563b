"""A retro-hunt: a bank imported after the fact finds the archived posts that match it, and only them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cauterize.app import open_store
from cauterize.cli.main import app
from cauterize.config import load_config
from cauterize.known import io as bank_io
from cauterize.known.banks import Bank
from tests.backfill.conftest import parquet_rows
from tests.conftest import ev, jsonl

POSTER = hashlib.sha256(b"ashen banner poster, synthetic").hexdigest()
OTHER = hashlib.sha256(b"a holiday photo").hexdigest()
OUTLET = "https://ashen-outlet.example/statement/7"


def _media(sha: str) -> list[dict]:
    return [{"media_id": f"m-{sha[:6]}", "type": "image", "hashes": {"sha256": sha}}]


#: Posts over three days: two match the bank (a banked image on day 1, a banked link on day 3),
#: the rest are near misses (another image, the same site's other page, the link's words as text).
EVENTS = [
    ev("account_created", "c1", "a1", 0, handle="first"),
    ev("account_created", "c2", "a2", 0, handle="second"),
    ev("post_created", "e1", "a1", 10, post_id="p1", text="new release", media=_media(POSTER)),
    ev("post_created", "e2", "a2", 20, post_id="p2", text="holiday", media=_media(OTHER)),
    ev("post_created", "e3", "a2", 60 * 24 * 2, post_id="p3", text="read this", urls=[OUTLET]),
    ev("post_created", "e4", "a1", 60 * 24 * 2 + 5, post_id="p4", urls=["https://ashen-outlet.example/about"]),
    ev("post_created", "e5", "a1", 60 * 24 * 2 + 9, post_id="p5", text=f"not a link: {OUTLET[8:]}"),
]


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    archive = tmp_path / "archive.jsonl"
    archive.write_bytes(jsonl(*EVENTS))
    conf = tmp_path / "cauterize.toml"
    conf.write_text('data_dir = "data"\n')
    result = CliRunner().invoke(app, ["ingest", str(archive), "--config", str(conf), "-q"])
    assert result.exit_code == 0, result.output
    bank = Bank("outlet-2026-12", default_labels=("terrorist_media",))
    bank.add("sha256", POSTER, entry_id="poster-1")
    bank.add("url", OUTLET, entry_id="statement-7")
    bank_io.dump([bank], tmp_path / "new-bank.json")
    return archive, conf, tmp_path / "new-bank.json"


def _known_signals(conf: Path) -> dict[str, dict]:
    store = open_store(load_config(conf))
    try:
        with store.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "select post_id, label, evidence from signals where detector = 'known_material'"
            ).fetchall()
        return {r[0]: {"label": r[1], **json.loads(r[2])} for r in rows}
    finally:
        store.close()


def test_new_bank_finds_the_matching_archived_posts_and_only_them(setup: tuple[Path, Path, Path]) -> None:
    archive, conf, bank = setup
    assert _known_signals(conf) == {}, "the ingest ran without the bank: nothing may be known yet"

    result = CliRunner().invoke(
        app,
        ["backfill", str(archive), "--only", "known_material", "--bank", str(bank), "--config", str(conf), "--json"],
    )

    assert result.exit_code == 0, result.output
    found = _known_signals(conf)
    assert set(found) == {"p1", "p3"}
    assert (found["p1"]["entry_id"], found["p3"]["entry_id"]) == ("poster-1", "statement-7")
    assert {f["label"] for f in found.values()} == {"known.terrorist_media"}
    report = json.loads(result.stdout)
    assert report["versions"]["banks"]["outlet-2026-12"]["entries"] == 2
    assert set(report["versions"]["detectors"]) == {"known_material"}
    assert report["events_written_to_store"] == 0, "the archive was ingested already: no event is stored twice"


def test_since_limits_the_hunt_and_parquet_results_carry_the_bank_version(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    pytest.importorskip("pyarrow", reason="Parquet results need pyarrow (the backfill extra)")
    archive, conf, bank = setup
    out = tmp_path / "hunt"
    result = CliRunner().invoke(
        app,
        ["backfill", str(archive), "--bank", str(bank), "--only", "known_material", "--since", "2024-03-02T12:00:00",
         "--out", str(out), "--config", str(conf), "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    rows = parquet_rows(out / "signals.parquet")
    assert [r["post_id"] for r in rows] == ["p3"]
    report = json.loads((out / "report.json").read_text())
    assert rows[0]["bank_version"] == report["versions"]["banks"]["outlet-2026-12"]["version"]
    assert report["events_scored"] == 3
    decisions = parquet_rows(out / "decisions.parquet")
    # The same policy as ingest: a banked copy meets the strong-signal rule, which with automatic
    # actions off (the default) queues the account for review with suspension proposed.
    assert [(d["post_id"], d["rule"], d["action"]) for d in decisions] == [("p3", "strong-signal", "flag_for_review")]
    assert json.loads(decisions[0]["evidence"])["proposed_action"] == "suspend"
    assert _known_signals(conf) == {}, "--out writes Parquet, never the store"
