"""Two ingests into one store at once (issue 12, point 5)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cauterize.store.writer_lock import StoreBusy, writer_lock
from tests.conftest import ev, jsonl

REPO = Path(__file__).resolve().parents[2]


def _world(tmp_path: Path) -> Path:
    events = [ev("account_created", f"a{i}", f"u{i}", i, handle=f"user_{i}") for i in range(300)]
    events += [ev("enforcement", "s1", "u1", 400, action="suspend", reason="terrorism")]
    events += [ev("account_created", "c1", "child", 401, handle="user_1x")]
    path = tmp_path / "world.jsonl"
    path.write_bytes(jsonl(*events))
    return path


def test_two_processes_ingesting_a_fresh_store_at_once_both_finish_and_agree_with_one(tmp_path):
    world = _world(tmp_path)
    cli = [sys.executable, "-m", "cauterize.cli.main"]
    env_both = {"CAUTERIZE_DATA_DIR": str(tmp_path / "both"), "PATH": "/usr/bin:/bin"}
    procs = [
        subprocess.Popen(
            [*cli, "ingest", "-q", "-c", str(REPO / "cauterize.toml"), str(world)],
            env=env_both,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode()[-2000:] for o in outs]

    env_one = {"CAUTERIZE_DATA_DIR": str(tmp_path / "one"), "PATH": "/usr/bin:/bin"}
    one = subprocess.run([*cli, "ingest", "-q", "-c", str(REPO / "cauterize.toml"), str(world)], env=env_one)
    assert one.returncode == 0

    def decisions(env):  # type: ignore[no-untyped-def]
        r = subprocess.run(
            [*cli, "decisions", "export", "-c", str(REPO / "cauterize.toml")], env=env, capture_output=True
        )
        assert r.returncode == 0, r.stderr.decode()
        return sorted(line for line in r.stdout.decode().splitlines() if line)

    def strip(lines):  # type: ignore[no-untyped-def]
        import json

        return sorted((d["account_id"], d["action"], d["rule"]) for d in map(json.loads, lines))

    assert strip(decisions(env_both)) == strip(decisions(env_one))


def test_a_writer_waits_for_the_other_and_gives_up_with_a_clear_message(tmp_path):
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writer_lock(engine):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    assert held.wait(5)
    t0 = time.monotonic()
    with pytest.raises(StoreBusy, match="pid"), writer_lock(engine, wait=0.5):
        pass
    assert time.monotonic() - t0 >= 0.5
    release.set()
    t.join()
    with writer_lock(engine, wait=0.5):  # free again
        pass
