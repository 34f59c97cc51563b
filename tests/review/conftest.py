from __future__ import annotations

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.ingest.sources import BytesSource
from cauterize.review.auth import Principal
from cauterize.review.service import ReviewService
from tests.review.world import review_config, world_bytes


@pytest.fixture
def svc(cfg, tmp_path):
    review_config(cfg, sinks=[{"kind": "jsonl", "path": str(tmp_path / "actions.jsonl")}])
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(world_bytes(), "world")])
    service = ReviewService(cfg, store)
    service.sync()
    yield service
    store.close()


ALICE = Principal("alice", "reviewer", "session")
BOB = Principal("bob", "reviewer", "session")
VIEWER = Principal("vera", "viewer", "session")
