"""HTTP ingest must neither freeze the server nor hold oversized bodies (issue 12, points 3 and 4)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from cauterize.config import Config
from cauterize.web.ingest_api import ingest_router
from cauterize.web.server import free_port


@dataclass
class _Summary:
    run_id: int = 1
    dead_letters: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "events_new": 1}


@dataclass
class _SlowPipeline:
    """A pipeline run that takes as long as the test says: a 100,000-event POST, in effect."""

    release: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    bodies: list[int] = field(default_factory=list)

    def run(self, sources: list[Any], fmt: str) -> _Summary:
        self.started.set()
        self.release.wait(20)
        return _Summary()


@pytest.fixture
def server(tmp_path):
    pipeline = _SlowPipeline()
    cfg = Config(data_dir=tmp_path)
    app = FastAPI()
    app.include_router(ingest_router(cfg, store=None, pipeline=pipeline, max_waiting=1))
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", pipeline, cfg
    pipeline.release.set()
    srv.should_exit = True
    thread.join(10)


def test_other_requests_are_answered_while_an_ingest_runs_and_excess_runs_are_told_to_retry(server):
    url, pipeline, _ = server
    results: dict[str, int] = {}

    def post(name: str) -> None:
        results[name] = httpx.post(f"{url}/v1/ingest", content=b"{}\n", timeout=30).status_code

    first = threading.Thread(target=post, args=("first",))
    first.start()
    assert pipeline.started.wait(10)
    t0 = time.monotonic()
    assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    assert time.monotonic() - t0 < 2.0, "the health check waited for the ingest"
    # One run in progress holds the only queue slot: the next is refused with Retry-After.
    busy = httpx.post(f"{url}/v1/ingest", content=b"{}\n", timeout=5)
    assert busy.status_code == 503 and busy.headers.get("retry-after")
    pipeline.release.set()
    first.join(10)
    assert results["first"] == 200


def test_an_oversized_body_is_refused_before_it_is_held(server):
    url, _, cfg = server
    limit = cfg.max_record_bytes * 16
    declared = httpx.post(f"{url}/v1/ingest", content=b"x" * (limit + 1), timeout=30)
    assert declared.status_code == 413

    def chunks():
        piece = b"y" * 65536
        for _ in range(limit // len(piece) + 2):
            yield piece

    streamed = httpx.post(f"{url}/v1/ingest", content=chunks(), timeout=30)
    assert streamed.status_code == 413


def test_the_served_console_ingests_in_its_own_process_and_survives_its_death(tmp_path):
    import os
    import signal

    from fastapi.testclient import TestClient

    from cauterize.web.app import create_console_app
    from tests.conftest import ev, jsonl
    from tests.web.conftest import make_world_config

    cfg = make_world_config(tmp_path)
    app = create_console_app(cfg, ingest_process=True)
    pipeline = app.state.svc._pipeline
    try:
        assert pipeline._proc.pid != os.getpid()
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {app.state.svc.users.create_token('alice', 't')}"}
        body = jsonl(ev("account_created", "w1", "W1", 900, handle="worker_made"))
        r = client.post("/v1/ingest", content=body, headers=headers)
        assert r.status_code == 200 and r.json()["events_new"] == 1
        assert app.state.store.account("testnet", "W1")["handle"] == "worker_made"
        # The worker dies (OOM killer, an operator's kill): the request in flight is told to
        # retry, a new worker takes the next one.
        os.kill(pipeline._proc.pid, signal.SIGKILL)
        pipeline._proc.join(5)
        r = client.post("/v1/ingest", content=jsonl(ev("follow", "w2", "W1", 901, target="C")), headers=headers)
        assert r.status_code == 503 and r.headers["retry-after"]
        r = client.post("/v1/ingest", content=jsonl(ev("follow", "w2", "W1", 901, target="C")), headers=headers)
        assert r.status_code == 200 and r.json()["events_new"] == 1
    finally:
        pipeline.close()
