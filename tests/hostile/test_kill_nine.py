"""kill -9 in the middle of an ingest loses, doubles and corrupts nothing (issue 12's "what holds").

A real `cauterize ingest` process is killed with SIGKILL while it writes; the same command is run
again to the end; every event of the input is then stored exactly once, and the store verifies.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))


def test_an_ingest_killed_mid_run_and_rerun_stores_every_event_once(tmp_path):
    from gen_events import generate

    from cauterize.events import encode_event

    n = 60_000
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"".join(encode_event(e) + b"\n" for e in generate(n, seed=9)))
    env = {**os.environ, "CAUTERIZE_DATA_DIR": str(tmp_path / "data")}
    cmd = [sys.executable, "-m", "cauterize", "ingest", "-q", "-c", str(REPO / "cauterize.toml")]
    # Small batches, so that several commits happen before the kill.
    config = tmp_path / "c.toml"
    config.write_text((REPO / "cauterize.toml").read_text().replace("batch_size = 50000", "batch_size = 5000"))
    cmd[-1] = str(config)
    db = tmp_path / "data" / "cauterize.db"
    proc = subprocess.Popen([*cmd, str(events)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as conn:
                    stored = conn.execute("select count(*) from events").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= 10_000:
                break
    assert proc.poll() is None, "the ingest finished before it could be killed: make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with sqlite3.connect(db) as conn:
        partial = conn.execute("select count(*) from events").fetchone()[0]
    assert 0 < partial < n
    rerun = subprocess.run([*cmd, str(events)], env=env, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        total, distinct = conn.execute(
            "select count(*), count(distinct platform || ':' || event_id) from events"
        ).fetchone()
    assert total == distinct == n
