from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import BytesSource
from cauterize.review.auth import Users
from tests.review.world import FAST_ARGON2, review_config, world_bytes

PASSWORD = "a long passphrase"
USERS = {"vera": "viewer", "alice": "reviewer", "bob": "reviewer", "lee": "lead", "ada": "admin"}


def make_world_config(tmp_path, **review) -> Config:
    cfg = review_config(
        Config(data_dir=tmp_path / "data"), sinks=[{"kind": "jsonl", "path": "actions.jsonl"}], **review
    )
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(world_bytes(), "world")])
    users = Users(store.engine, FAST_ARGON2)
    for name, role in USERS.items():
        users.create(name, PASSWORD, role)
    store.close()
    return cfg


@pytest.fixture
def world_cfg(tmp_path):
    return make_world_config(tmp_path)


@pytest.fixture
def app(world_cfg):
    from cauterize.web.app import create_console_app

    return create_console_app(world_cfg)


def token_for(app, username: str, role: str | None = None) -> dict[str, str]:
    tok = app.state.svc.users.create_token(username, "test", role)
    return {"Authorization": f"Bearer {tok}"}


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (read from a page)."""
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    queue = client.get("/queues/ban_evasion")
    return re.search(r'name="csrf_token" value="([^"]+)"', queue.text).group(1)
