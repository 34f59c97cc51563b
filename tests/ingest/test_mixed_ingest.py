"""One run over inputs that mix formats: line by line in one file, and several files merged by time.

The world here is written in this test, in the shapes of the Twitter API v2 documentation (a
filtered stream's ``{"data": tweet, "includes": {...}}`` lines and batch compliance job results)
and the other adapters' documented shapes; its accounts are fictional ("Ashen Banner").
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.events import EnforcementApplied, ProfileChanged
from cauterize.ingest import registry
from cauterize.ingest.auto import AutoDetect
from cauterize.ingest.sources import BytesSource, FileSource
from cauterize.ingest.twitter_compliance import TwitterCompliance

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def ts(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


USERS = {
    "1001": {"username": "ashen_media", "name": "Ashen Media", "created": -60 * 24 * 30},
    "1002": {"username": "ashen_relay", "name": "Relay", "created": -60 * 24 * 10},
    "1003": {"username": "city_desk", "name": "City Desk News", "created": -60 * 24 * 900},
    "1004": {"username": "ashen_media_2", "name": "Ashen Media", "created": 95},  # after 1001 is suspended
}


def user(uid: str) -> dict[str, Any]:
    u = USERS[uid]
    return {
        "id": uid,
        "username": u["username"],
        "name": u["name"],
        "created_at": ts(u["created"]),
        "description": "Ashen Banner bulletins" if uid != "1003" else "local news",
        "profile_image_url": f"https://pbs.twimg.com/profile_images/{uid}77/av_normal.jpg",
        "public_metrics": {"followers_count": 10, "following_count": 5},
    }


def stream_line(tid: int, author: str, minutes: float, text: str, **extra: Any) -> dict[str, Any]:
    tweet = {"id": str(tid), "author_id": author, "created_at": ts(minutes), "text": text, "lang": "en", **extra}
    return {"data": tweet, "includes": {"users": [user(author)]}, "matching_rules": [{"id": "1", "tag": "ashen"}]}


def job_line(uid: str, minutes: float) -> dict[str, Any]:
    return {"id": uid, "action": "delete", "created_at": ts(minutes), "reason": "suspended"}


def world() -> tuple[list[dict], list[dict], list[dict]]:
    """(the stream lines, the compliance lines, both merged in time order as a collector stores them)."""
    tag = {"entities": {"hashtags": [{"start": 0, "end": 12, "tag": "AshenBanner"}]}}
    stream = [
        stream_line(5001, "1001", 0, "#AshenBanner bulletin one", **tag),
        stream_line(5002, "1002", 10, "#AshenBanner relay", **tag),
        stream_line(5003, "1003", 30, "report on the banner group"),
        stream_line(5004, "1001", 60, "#AshenBanner bulletin two", **tag),
        stream_line(5005, "1004", 120, "#AshenBanner we are back", **tag),
        stream_line(5006, "1002", 130, "#AshenBanner relay again", **tag),
        stream_line(5007, "1004", 200, "#AshenBanner bulletin three", **tag),
    ]
    compliance = [job_line("1001", 90), job_line("1002", 210)]
    merged = sorted(
        stream + compliance,
        key=lambda line: line["data"]["created_at"] if "data" in line else line["created_at"],
    )
    return stream, compliance, merged


def write(path: Path, lines: list[dict]) -> Path:
    path.write_bytes(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    return path


@pytest.fixture
def fresh(tmp_path: Path):
    """A factory of empty stores with the default detectors and policy (ban evasion included)."""
    made = []

    def make(name: str):
        cfg = Config(data_dir=tmp_path / name)
        store = open_store(cfg)
        made.append(store)
        return store, build_pipeline(cfg, store)

    yield make
    for store in made:
        store.close()


def decisions(store) -> list[tuple]:
    return store.snapshot()["decisions"]


def test_a_mixed_stream_and_compliance_file_ingests_whole_in_one_run(tmp_path: Path, fresh) -> None:
    stream, compliance, merged = world()
    store, pipeline = fresh("mixed")
    summary = pipeline.run([FileSource(write(tmp_path / "mixed.jsonl", merged))])
    assert summary.dead_letters == 0, store.dead_letters()
    assert summary.per_source[str(tmp_path / "mixed.jsonl")]["formats"] == {
        "twitter-v2": len(stream),
        "twitter-compliance": len(compliance),
    }
    suspended = {r[1] for r in store.snapshot()["enforcements"] if "'suspend'" in r}
    assert suspended == {"'1001'", "'1002'"}
    assert summary.decisions  # the watch-list hashtag is decided on


def test_the_mixed_file_and_its_two_halves_store_the_same_events_and_decisions(tmp_path: Path, fresh) -> None:
    stream, compliance, merged = world()
    mixed_store, mixed = fresh("mixed")
    in_one = mixed.run([FileSource(write(tmp_path / "mixed.jsonl", merged))])
    # the halves as two files of one run: merged by event time
    halves_store, halves = fresh("halves")
    summary = halves.run(
        [
            FileSource(write(tmp_path / "stream.jsonl", stream)),
            FileSource(write(tmp_path / "compliance.jsonl", compliance)),
        ]
    )
    # "late" counts only what the stream itself holds out of order (accounts created long before
    # the page that shows them); read one file after the other, the suspensions would be late too
    assert summary.dead_letters == 0 and summary.late == in_one.late
    assert halves_store.snapshot() == mixed_store.snapshot()
    assert decisions(mixed_store)
    # the same halves given the other way round merge the same way
    swapped_store, swapped = fresh("swapped")
    swapped.run([FileSource(tmp_path / "compliance.jsonl"), FileSource(tmp_path / "stream.jsonl")])
    assert swapped_store.snapshot() == mixed_store.snapshot()


def test_halves_in_two_runs_store_the_same_events(tmp_path: Path, fresh) -> None:
    stream, compliance, merged = world()
    mixed_store, mixed = fresh("mixed")
    mixed.run([FileSource(write(tmp_path / "mixed.jsonl", merged))])
    store, pipeline = fresh("apart")
    pipeline.run([FileSource(write(tmp_path / "stream.jsonl", stream))])
    # --format twitter-compliance, as the CLI builds it: job ids resolved against the store
    adapter = TwitterCompliance(
        tweet_authors=lambda pid: store.post_author("twitter", pid),
        known_account=lambda uid: store.account("twitter", uid) is not None,
    )
    summary = pipeline.run([FileSource(write(tmp_path / "compliance.jsonl", compliance))], adapter)
    assert summary.dead_letters == 0
    assert store.snapshot()["events"] == mixed_store.snapshot()["events"]


def test_each_line_is_sniffed_only_when_the_last_format_refuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = registry.sniff_class

    def counting(data: bytes):
        calls.append(data[:20])
        return real(data)

    monkeypatch.setattr("cauterize.ingest.auto.sniff_class", counting)
    stream, compliance, _ = world()
    auto = AutoDetect()
    for line in stream * 20:
        list(auto.parse(json.dumps(line).encode()))
    assert len(calls) == 1
    for line in compliance:
        list(auto.parse(json.dumps(line).encode()))
    for line in stream:
        list(auto.parse(json.dumps(line).encode()))
    assert len(calls) == 2  # the compliance format once; the stream's adapter was kept
    assert auto.formats == {"twitter-v2": len(stream) * 21, "twitter-compliance": len(compliance)}


def test_a_job_result_is_read_by_what_its_id_is_known_as() -> None:
    stream, _, _ = world()
    auto = AutoDetect()
    for line in stream:
        list(auto.parse(json.dumps(line).encode()))
    (suspend,) = auto.parse(json.dumps(job_line("1004", 300)).encode())
    assert isinstance(suspend, EnforcementApplied) and (suspend.actor, suspend.action) == ("1004", "suspend")
    # a tweet id: the tweets job's meaning, an event about its author
    (deleted,) = auto.parse(json.dumps({**job_line("5007", 300), "reason": "deleted"}).encode())
    assert (deleted.kind, deleted.actor, deleted.post_id) == ("post_deleted", "1004", "5007")
    with pytest.raises(Exception, match="neither a known account nor a known post"):
        list(auto.parse(json.dumps(job_line("77777", 300)).encode()))


def test_every_format_in_one_file(tmp_path: Path, fresh) -> None:
    stream, compliance, _ = world()
    canonical = {
        "kind": "follow",
        "platform": "twitter",
        "event_id": "f-1",
        "actor": "1002",
        "time": ts(15),
        "target": "1001",
    }
    stream_event = {"data": {"user_protect": {"user": {"id": "1003"}, "event_at": ts(40)}}}
    jetstream = {
        "did": "did:plc:ashenrelay2222222222222222",
        "time_us": 1709280000000000,
        "kind": "identity",
        "identity": {"did": "did:plc:ashenrelay2222222222222222", "handle": "ashen.example.com", "seq": 7},
    }
    lines = [stream[0], canonical, compliance[0], stream_event, jetstream, stream[1], compliance[1]]
    store, pipeline = fresh("all")
    summary = pipeline.run([FileSource(write(tmp_path / "all.jsonl", lines))])
    assert summary.dead_letters == 0, store.dead_letters()
    formats = summary.per_source[str(tmp_path / "all.jsonl")]["formats"]
    assert formats == {"twitter-v2": 2, "jsonl": 1, "twitter-compliance": 3, "jetstream": 1}


def test_files_of_different_formats_and_compression_merge_by_time(tmp_path: Path, fresh) -> None:
    stream, compliance, merged = world()
    gz = tmp_path / "compliance.jsonl.gz"
    gz.write_bytes(gzip.compress(b"".join(json.dumps(line).encode() + b"\n" for line in compliance)))
    _, one_file = fresh("one")
    in_one = one_file.run([FileSource(write(tmp_path / "mixed.jsonl", merged))])
    _, pipeline = fresh("gz")
    summary = pipeline.run([FileSource(write(tmp_path / "stream.jsonl", stream)), FileSource(gz)])
    assert summary.dead_letters == 0 and summary.late == in_one.late
    assert {s: v["records"] for s, v in summary.per_source.items()} == {
        str(tmp_path / "stream.jsonl"): len(stream),
        str(gz): len(compliance),
    }


def test_a_replay_adds_no_dead_letter_twice(tmp_path: Path, fresh) -> None:
    _, _, merged = world()
    bad = [*merged[:3], b"{not json", merged[3], {"id": "424242", "action": "delete", "reason": "suspended"}]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join((x if isinstance(x, bytes) else json.dumps(x).encode()) + b"\n" for x in bad))
    store, pipeline = fresh("replay")
    first = pipeline.run([FileSource(path)])
    assert first.dead_letters == 2 and first.dead_letters_known == 0
    again = pipeline.run([FileSource(path)])
    assert again.dead_letters == 2 and again.dead_letters_known == 2
    assert len(store.dead_letters()) == 2
    # the same bad bytes from another source are that source's own dead letters
    other = pipeline.run([BytesSource(path.read_bytes(), "upload")])
    assert other.dead_letters_known == 0 and len(store.dead_letters()) == 4


def test_a_withheld_tweet_leaves_its_author_active(tmp_path: Path, fresh) -> None:
    line = stream_line(6001, "1002", 5, "notice", withheld={"copyright": False, "country_codes": ["DE"]})
    store, pipeline = fresh("withheld")
    pipeline.run([FileSource(write(tmp_path / "w.jsonl", [line]))])
    assert store.account("twitter", "1002")["status"] == "active"
    (post,) = [e for e in store.iter_events({"post_created"})]
    assert post.withheld_in == ("DE",)


def test_a_suspension_reported_in_errors_names_the_account_by_handle(tmp_path: Path, fresh) -> None:
    line = stream_line(6002, "1002", 5, "@ashen_old hello")
    line["errors"] = [
        {
            "parameter": "entities.mentions.username",
            "resource_id": "ashen_old",
            "value": "ashen_old",
            "detail": "User has been suspended: [ashen_old].",
            "title": "Forbidden",
            "resource_type": "user",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
    ]
    store, pipeline = fresh("errors")
    pipeline.run([FileSource(write(tmp_path / "e.jsonl", [line]))])
    pipeline.run([FileSource(tmp_path / "e.jsonl")])  # a replay adds nothing
    assert store.find_accounts("@ashen_old") == [("twitter", "@ashen_old")]
    assert store.account("twitter", "@ashen_old")["status"] == "suspended"
    handles = [
        e for e in store.iter_events({"profile_changed"}) if isinstance(e, ProfileChanged) and e.actor == "@ashen_old"
    ]
    assert [e.handle for e in handles] == ["ashen_old"]


def test_the_cli_takes_mixed_files_and_twitter_compliance_as_the_readme_says(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cauterize.cli.main import app

    stream, _, merged = world()
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    runner = CliRunner()
    args = ["ingest", str(write(tmp_path / "stream.jsonl", stream)), str(write(tmp_path / "mixed.jsonl", merged)), "-q"]
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "twitter-compliance 2, twitter-v2 7" in result.output  # the mixed file's formats, by record
    # --format twitter-compliance without a kind: ids resolved against what the store holds
    extra = write(tmp_path / "late.jsonl", [job_line("1004", 400), job_line("5001", 400) | {"reason": "deleted"}])
    result = runner.invoke(app, ["ingest", str(extra), "-f", "twitter-compliance", "-q"], env=env)
    assert result.exit_code == 0, result.output
    from cauterize.store.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'cauterize.db'}")
    try:
        assert store.account("twitter", "1004")["status"] == "suspended"
        assert store.dead_letters() == []
        assert [e.post_id for e in store.iter_events({"post_deleted"})] == ["5001"]
    finally:
        store.close()
