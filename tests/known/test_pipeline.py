"""known_material through the real pipeline, configured the way cauterize.toml configures it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.ingest.sources import BytesSource
from cauterize.known import io as bank_io
from cauterize.known.banks import Bank
from tests.conftest import ev, jsonl

SHA = hashlib.sha256(b"ashen banner poster").hexdigest()


def test_known_material_signal_is_stored_with_evidence(tmp_path: Path) -> None:
    bank = Bank("posters", default_labels=("terrorist_media",))
    bank.add("sha256", SHA, entry_id="p-1")
    bank_io.dump([bank], tmp_path / "banks.json")
    cfg = Config(data_dir=tmp_path / "data", detectors={"known_material": {"banks": [str(tmp_path / "banks.json")]}})
    store = open_store(cfg)
    try:
        events = [
            ev("post_created", "e1", "a1", 1, post_id="p1", media=[{"media_id": "m1", "type": "image", "hashes": {"sha256": SHA}}]),
            ev("post_created", "e2", "a2", 2, post_id="p2", media=[{"media_id": "m2", "type": "image", "hashes": {"sha256": "0" * 64}}]),
        ]  # fmt: skip
        build_pipeline(cfg, store).run([BytesSource(jsonl(*events), "t")])
        [sig] = [s for s in store.signals_for("testnet", "a1") if s["detector"] == "known_material"]
        assert sig["label"] == "known.terrorist_media"
        assert (sig["evidence"]["bank"], sig["evidence"]["entry_id"], sig["evidence"]["media_id"]) == (
            "posters",
            "p-1",
            "m1",
        )
        assert not [s for s in store.signals_for("testnet", "a2") if s["detector"] == "known_material"]
    finally:
        store.close()
