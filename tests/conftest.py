from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config

# Property-based tests draw the same examples on every run by default, so CI is never red by
# chance; `HYPOTHESIS_PROFILE=explore pytest` draws new ones to hunt for bugs.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

WATCHLIST = {
    "hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}},
    "terms": {"ashen media office": {"label": "watchlist.propaganda", "weight": 0.5}},
}


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def ev(kind: str, event_id: str, actor: str, minutes: float = 0, platform: str = "testnet", **fields: Any) -> dict:
    return {
        "kind": kind,
        "platform": platform,
        "event_id": event_id,
        "actor": actor,
        "time": iso(T0 + timedelta(minutes=minutes)),
        **fields,
    }


def jsonl(*events: dict) -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events)


@pytest.fixture(scope="session")
def postgres_url():
    from tests.postgres import postgres_server, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL variant skipped: {reason}")
    with postgres_server() as url:
        yield url


def _reset(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def cfg(request, tmp_path: Path) -> Config:
    """Each store test runs on the embedded SQLite and on a real PostgreSQL."""
    config = Config(data_dir=tmp_path / "data", detectors={"watchlist": WATCHLIST})
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        _reset(url)
        config.database_url = url
    return config


@pytest.fixture
def store(cfg: Config):
    s = open_store(cfg)
    yield s
    s.close()


@pytest.fixture
def pipeline(cfg: Config, store):
    return build_pipeline(cfg, store)
