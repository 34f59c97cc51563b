from __future__ import annotations

import pytest
from sqlalchemy import select

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.detectors.network_proximity import NetworkProximityDetector
from cauterize.ingest.sources import BytesSource
from cauterize.store import schema as s
from tests.conftest import jsonl


def test_proximity_signals_queue_members_for_review_and_spare_watchers(world, tmp_path):
    cfg = Config(data_dir=tmp_path / "data", detectors={"network_proximity": {"every_hours": 0.1}})
    store = open_store(cfg)
    pipe = build_pipeline(cfg, store)
    pipe.run([BytesSource(jsonl(*world.events), "w")])
    with store.engine.connect() as conn:
        sig = conn.execute(select(s.signals).where(s.signals.c.detector == "network_proximity")).mappings().all()
        dec = conn.execute(select(s.decisions)).mappings().all()
    flagged = {r["account_id"] for r in sig}
    assert {"off1", "sym0", "amp0", "new0"} <= flagged
    assert not flagged & {*world.watchers, *world.benign, "off0"}  # watchers protected; the seed is known
    assert all(r["score"] <= 0.55 and r["label"] == "network.proximity" for r in sig)
    ev = next(r["evidence"] for r in sig if r["account_id"] == "new0")
    assert ev["closeness"] >= 0.3 and ev["confirmed_seeds"] == 1 and "review" in ev["review_only"]
    prox_decisions = [d for d in dec if d["account_id"] in flagged]
    assert prox_decisions and {d["action"] for d in prox_decisions} == {"flag_for_review"}
    # A restart replays history into the detector and does not report the same accounts again.
    again = build_pipeline(cfg, store)
    again.run([BytesSource(jsonl(*world.events), "w")])
    with store.engine.connect() as conn:
        n = len(conn.execute(select(s.signals.c.id).where(s.signals.c.detector == "network_proximity")).all())
    assert n == len(sig)
    store.close()


def test_proximity_cannot_be_configured_to_reach_action_thresholds():
    with pytest.raises(ValueError, match="review"):
        NetworkProximityDetector(max_score=0.96)
