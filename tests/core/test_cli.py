from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from cauterize.cli.main import app

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "demo-world.jsonl"
CONFIG = REPO / "cauterize.toml"
runner = CliRunner()


def _run(tmp_path: Path, *args: str):
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    return runner.invoke(app, [*args], env=env, catch_exceptions=False)


def test_ingest_the_bundled_sample_then_look_at_an_account(tmp_path):
    result = _run(tmp_path, "ingest", str(SAMPLE), "--config", str(CONFIG), "-q")
    assert result.exit_code == 0, result.output
    assert "new events stored" in result.output and "dead letters" in result.output
    assert (tmp_path / "data" / "cauterize.db").exists()

    shown = _run(tmp_path, "accounts", "show", "@ashen_media", "--config", str(CONFIG))
    assert shown.exit_code == 0
    assert "suspended" in shown.output and "threat.employees" in shown.output and "escalate" in shown.output

    missing = _run(tmp_path, "accounts", "show", "@nobody_here", "--config", str(CONFIG))
    assert missing.exit_code == 1


def test_decisions_export_jsonl_and_csv_agree(tmp_path):
    _run(tmp_path, "ingest", str(SAMPLE), "--config", str(CONFIG), "-q")
    as_jsonl = _run(tmp_path, "decisions", "export", "--config", str(CONFIG))
    records = [json.loads(line) for line in as_jsonl.output.splitlines()]
    as_csv = _run(tmp_path, "decisions", "export", "--format", "csv", "--config", str(CONFIG))
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(records) == len(rows) > 0
    first = records[0]
    assert set(first) >= {"event_time", "decided_at", "account_id", "action", "evidence"}
    assert first["evidence"]["signals"][0]["detector"] == "watchlist"
    assert json.loads(rows[0]["evidence"]) == first["evidence"]
    escalations = _run(tmp_path, "decisions", "export", "--action", "escalate", "--config", str(CONFIG))
    assert [json.loads(x)["action"] for x in escalations.output.splitlines()] == ["escalate"]


def test_dead_letters_are_listed_with_line_and_reason(tmp_path):
    _run(tmp_path, "ingest", str(SAMPLE), "--config", str(CONFIG), "-q")
    out = _run(tmp_path, "dead-letters", "--config", str(CONFIG)).output
    assert "RFC3339" in out and "10" in out


def test_unknown_format_and_missing_file_exit_2(tmp_path):
    assert _run(tmp_path, "ingest", str(SAMPLE), "--format", "myspace").exit_code == 2
    assert _run(tmp_path, "ingest", str(tmp_path / "nope.jsonl")).exit_code == 2


def test_bad_config_is_reported_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[ingest\n")
    result = runner.invoke(app, ["ingest", str(SAMPLE), "--config", str(bad)], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "not valid TOML" in result.output


def test_ingest_reads_stdin(tmp_path):
    data = SAMPLE.read_bytes()
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    result = runner.invoke(app, ["ingest", "-", "--config", str(CONFIG), "-q"], input=data, env=env)
    assert result.exit_code == 0, result.output
    shown = _run(tmp_path, "accounts", "show", "@ashen_media2", "--config", str(CONFIG))
    assert "ashen_media2" in shown.output


def test_tweet_compliance_jobs_find_authors_in_the_store(tmp_path):
    post = {
        "kind": "post_created",
        "platform": "twitter",
        "event_id": "tweet:123",
        "actor": "42",
        "time": "2024-03-01T12:00:00Z",
        "post_id": "123",
        "text": "hello",
    }
    (tmp_path / "post.jsonl").write_text(json.dumps(post) + "\n")
    job = {
        "id": "123",
        "action": "delete",
        "created_at": "2024-03-01T12:00:00Z",
        "redacted_at": "2024-03-02T08:00:00Z",
        "reason": "deleted",
    }
    unknown = {**job, "id": "999"}
    (tmp_path / "job.jsonl").write_text(json.dumps(job) + "\n" + json.dumps(unknown) + "\n")
    assert _run(tmp_path, "ingest", str(tmp_path / "post.jsonl"), "-q").exit_code == 0
    result = _run(tmp_path, "ingest", str(tmp_path / "job.jsonl"), "-f", "twitter-compliance-tweets", "-q")
    assert result.exit_code == 0, result.output
    from cauterize.store.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'cauterize.db'}")
    from sqlalchemy import select

    from cauterize.store.schema import posts

    with store.engine.connect() as conn:
        deleted_at = conn.execute(select(posts.c.deleted_at).where(posts.c.post_id == "123")).scalar_one()
    assert deleted_at is not None and deleted_at.isoformat().startswith("2024-03-02T08:00")
    (row,) = store.dead_letters()
    assert "author of tweet 999 unknown" in row["reason"]
    bad = _run(tmp_path, "ingest", str(tmp_path / "job.jsonl"), "-f", "jsonl", "-o", "kind=tweets")
    assert bad.exit_code == 2
