"""Restart from saved detector state: a second ingest loads the ban-evasion registry the first
saved and replays only the events stored after it, deciding exactly as one ingest of both would.

The world is simulated (its own seed, never used for tuning) and cut in two at a moment in time;
decisions and signals are compared field by field, evidence included.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import update

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import BytesSource
from cauterize.sim.config import config_from_dict
from cauterize.sim.run import simulate
from cauterize.store.schema_state import detector_state

WORLD = {
    "scenario": "test-restart",
    "seed": 515151,
    "days": 2.0,
    "benign": {"accounts": 600},
    "networks": [
        {
            "name": "Ashen Banner",
            "slug": "ashen",
            "official": 2,
            "media": 2,
            "affiliates": 2,
            "amplifiers": 6,
            "recruiters": 1,
            "sympathisers": 12,
        }
    ],
}
HISTORY = {"account_created", "profile_changed", "follow", "post_created", "enforcement"}


@pytest.fixture(scope="module")
def halves(tmp_path_factory) -> tuple[bytes, bytes, int]:
    """The world's events before and after the middle of its time span; A's history-kind count."""
    d = tmp_path_factory.mktemp("world")
    simulate(config_from_dict(WORLD), d / "events.jsonl", d / "truth.json")
    lines = (d / "events.jsonl").read_bytes().splitlines()
    times = [json.loads(line)["time"] for line in lines]
    middle = sorted(times)[len(times) // 2]
    a = [line for line, t in zip(lines, times, strict=True) if t < middle]
    b = [line for line, t in zip(lines, times, strict=True) if t >= middle]
    in_history = sum(json.loads(line)["kind"] in HISTORY for line in a)
    return b"\n".join(a) + b"\n", b"\n".join(b) + b"\n", in_history


@pytest.fixture(scope="module")
def reference(halves, tmp_path_factory) -> tuple[list, list]:
    """The decisions and signals of both halves ingested in one call."""
    a, b, _ = halves
    cfg = Config(data_dir=tmp_path_factory.mktemp("one"))
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(a + b, "a+b")])
    outcome = _outcome(store)
    store.close()
    return outcome


def _outcome(store) -> tuple[list, list]:
    decisions = sorted(
        (
            d["platform"],
            d["account_id"],
            d["event_id"],
            d["action"],
            d["rule"],
            json.dumps(d["evidence"], sort_keys=True),
        )
        for d in store.iter_decisions()
    )
    links = {}
    for platform, account in {(d[0], d[1]) for d in decisions}:
        links[(platform, account)] = [
            (s["event_id"], s["label"], s["score"], json.dumps(s["evidence"], sort_keys=True))
            for s in store.signals_for(platform, account)
        ]
    return decisions, sorted(links.items())


def _config(tmp: Path, name: str) -> Config:
    return Config(data_dir=tmp / name)


def test_two_ingests_decide_as_one_and_the_second_replays_nothing_of_the_first(halves, reference, tmp_path):
    a, b, _ = halves

    two = open_store(_config(tmp_path, "two"))
    first = build_pipeline(_config(tmp_path, "two"), two).run([BytesSource(a, "a")])
    assert first.replayed == 0 and not first.warnings
    saved = two.detector_state("evasion")
    assert saved is not None and saved["position"] == two.last_event_position()
    second = build_pipeline(_config(tmp_path, "two"), two).run([BytesSource(b, "b")])
    assert second.replayed == 0, "the saved state covers every event of the first ingest"
    assert not second.warnings

    expected, got = reference, _outcome(two)
    assert expected[0], "the world should lead to decisions"
    assert any(r[3] == "flag_for_review" and '"evasion.link"' in r[5] for r in expected[0])
    assert got == expected
    two.close()


@pytest.mark.parametrize("damage", ["corrupt", "stale", "truncated"])
def test_an_unusable_saved_state_falls_back_to_a_full_replay_with_a_warning(
    halves, reference, tmp_path, damage, caplog
):
    a, b, in_history = halves

    cfg = _config(tmp_path, "two")
    two = open_store(cfg)
    build_pipeline(cfg, two).run([BytesSource(a, "a")])
    saved = two.detector_state("evasion")
    assert saved is not None
    values = {
        "corrupt": {"payload": bytes(saved["payload"])[:30] + b"\x00garbage" * 10},
        "stale": {"state_key": "evasion/0/link-lr-0/another-model"},
        "truncated": {"payload": bytes(saved["payload"])[: len(saved["payload"]) // 2]},
    }[damage]
    with two.engine.begin() as conn:
        conn.execute(update(detector_state).values(**values))

    with caplog.at_level(logging.WARNING, logger="cauterize.pipeline"):
        second = build_pipeline(cfg, two).run([BytesSource(b, "b")])
    assert second.replayed == in_history, "every stored event of the first ingest is replayed"
    assert len(second.warnings) == 1 and "replaying every stored event" in second.warnings[0]
    assert second.warnings[0] in caplog.text
    assert _outcome(two) == reference
    # The run saved a fresh state: the next start uses it again.
    assert two.detector_state("evasion")["state_key"] == build_pipeline(cfg, two).detectors[-1].state_key()
    two.close()


def test_a_pipeline_kept_open_takes_in_what_another_writer_stored(halves, reference, tmp_path):
    a, b, _ = halves

    cfg = _config(tmp_path, "two")
    two = open_store(cfg)
    kept = build_pipeline(cfg, two)
    kept.run([BytesSource(b"", "nothing")])  # warmed up on an empty store
    build_pipeline(cfg, two).run([BytesSource(a, "a")])  # another writer
    second = kept.run([BytesSource(b, "b")])
    assert second.replayed > 0
    assert _outcome(two) == reference
    two.close()


def test_the_ingest_command_says_what_it_replayed_and_warns_of_an_unusable_state(halves, tmp_path):
    from typer.testing import CliRunner

    from cauterize.cli.main import app

    a, b, in_history = halves
    (tmp_path / "a.jsonl").write_bytes(a)
    (tmp_path / "b.jsonl").write_bytes(b)
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(tmp_path / "a.jsonl"), "-q", "--json"], env=env)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["ingest", str(tmp_path / "b.jsonl"), "-q", "--json"], env=env)
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["replayed"] == 0

    store = open_store(Config(data_dir=tmp_path / "data"))
    with store.engine.begin() as conn:
        conn.execute(update(detector_state).values(state_key="evasion/0/another"))
    store.close()
    (tmp_path / "c.jsonl").write_bytes(b"")
    third = runner.invoke(app, ["ingest", str(tmp_path / "c.jsonl"), "-q"], env=env)
    assert third.exit_code == 0, third.output
    assert "warning: saved state of detector 'evasion' was built by other code" in " ".join(third.output.split())
    replayed = re.search(r"stored events replayed first\D+(\d+)", third.output)
    assert replayed is not None and int(replayed.group(1)) == in_history + sum(
        json.loads(line)["kind"] in HISTORY for line in b.splitlines()
    )


class _Breaks(BytesSource):
    """A source that fails after its records (a dropped connection, a full disk)."""

    def records(self):  # type: ignore[no-untyped-def]
        yield from super().records()
        raise OSError("connection reset")


def test_a_run_that_fails_saves_no_state_and_the_next_start_replays(halves, tmp_path):
    a, b, _ = halves
    cfg = _config(tmp_path, "two")
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(a, "a")])
    saved = store.detector_state("evasion")
    pipeline = build_pipeline(cfg, store)
    pipeline.batch_size = 500  # some batches are stored before the failure
    with pytest.raises(OSError):
        pipeline.run([_Breaks(b, "b")])
    stored = store.last_event_position()
    assert stored > saved["position"], "part of the failed run was stored"
    pipeline.run([BytesSource(b"", "nothing")])  # the same pipeline, again: it must not save its state
    assert store.detector_state("evasion")["position"] == saved["position"]
    after = build_pipeline(cfg, store).run([BytesSource(b"", "nothing")])
    assert after.replayed > 0 and not after.warnings
    store.close()


def test_the_saved_state_round_trips_on_each_database(halves, cfg):
    a, b, _ = halves
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(a, "a")])
    second = build_pipeline(cfg, store).run([BytesSource(b, "b")])
    assert second.replayed == 0 and not second.warnings
    assert store.detector_state("evasion")["position"] == store.last_event_position()
    store.close()
