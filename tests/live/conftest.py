from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA
from tests.live.replay import ReplayServer

MASTODON = SHARED_DATA / "formats" / "mastodon"
TWITTER = SHARED_DATA / "formats" / "twitter-v2"


def recorded(folder: Path, name: str) -> Any:
    path = folder / name
    if not path.exists():
        pytest.skip(f"shared recording {path} is absent (see shared/data/README.md)")
    return json.loads(path.read_text()) if path.suffix == ".json" else path.read_text()


@pytest.fixture
def replay():
    server = ReplayServer()
    yield server
    server.close()
