"""``cauterize run``: the one command of the live loop, as a process, against the Mastodon replay server.

The replay server (tests/live/replay.py) serves real recorded Mastodon statuses
(../shared/data/formats/mastodon, read at run time) as the streaming API's SSE, drops the
connection, refuses the next one with a 502, and serves the rest: the run must reconnect, store
every status once, keep its health in ``live/status.json``, and stop cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from sqlalchemy import create_engine, func, select

from cauterize.store import schema as s
from tests.live.conftest import MASTODON, recorded
from tests.live.replay import Reply, json_reply


def test_run_reads_a_stream_that_goes_away_and_comes_back_then_stops_on_sigterm(replay, tmp_path):
    statuses = recorded(MASTODON, "timeline_public_default.json")["body"]
    calls: list[int] = []

    @replay.route("GET", "/api/v1/streaming/public")
    def stream(req):
        calls.append(1)
        if len(calls) == 2:
            return json_reply({"error": "bad gateway"}, 502)
        part = statuses[:10] if len(calls) == 1 else statuses[10:]

        def body():
            for st in part:
                yield f"event: update\ndata: {json.dumps(st)}\n\n".encode()
            if len(calls) > 2:
                time.sleep(60)

        return Reply(200, body(), "text/event-stream")

    data = tmp_path / "data"
    (tmp_path / "cauterize.toml").write_text(f'data_dir = "{data}"\n')
    env = {**os.environ, "MASTODON_TOKEN": "t0ken", "CAUTERIZE_LIVE_BACKOFF_SCALE": "0.01"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cauterize",
            "run",
            "--config",
            str(tmp_path / "cauterize.toml"),
            "--source",
            f"mastodon:{replay.url};stream=public",
            "--status-every",
            "0",
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    status_file = data / "live" / "status.json"
    deadline = time.monotonic() + 60
    status: dict = {}
    while time.monotonic() < deadline:
        if status_file.exists():
            try:
                status = json.loads(status_file.read_text())
            except json.JSONDecodeError:
                status = {}
            src = (status.get("sources") or [{}])[0]
            if src.get("records", 0) >= len(statuses) and src.get("connected"):
                break
        time.sleep(0.2)
    time.sleep(1.5)  # one flush bound and more: the last records reach the store
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    src = status["sources"][0]
    assert src["records"] == len(statuses) and src["connects"] >= 2 and src["errors"] >= 1, src
    assert "HTTP 502" in (src["last_error"] or "") or src["errors"] >= 2
    assert replay.requests("GET", "/api/v1/streaming/public")[0].headers["Authorization"] == "Bearer t0ken"
    engine = create_engine(f"sqlite:///{data / 'cauterize.db'}")
    with engine.connect() as conn:
        posts = conn.execute(select(func.count()).select_from(s.posts)).scalar_one()
    want = {st["uri"] for st in statuses} | {st["reblog"]["uri"] for st in statuses if st.get("reblog")}
    assert posts >= len(want)
    assert '"summary"' in err  # the run's summary, printed on the way out
