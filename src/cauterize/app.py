"""Wiring: a config in, a ready store and pipeline out. The CLI and the server both start here."""

from __future__ import annotations

from cauterize.config import Config
from cauterize.detectors.registry import build_detectors
from cauterize.pipeline import Pipeline
from cauterize.policy.registry import build_policy
from cauterize.store.store import Store


def open_store(cfg: Config) -> Store:
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    if cfg.store_url.startswith("postgresql"):
        # PostgreSQL's bulk path (COPY) and a checked connection pool; SQLite keeps Store.
        from cauterize.store.copy_writer import CopyStore

        return CopyStore.open(cfg.store_url)
    return Store.open(cfg.store_url)


def build_pipeline(cfg: Config, store: Store) -> Pipeline:
    return Pipeline(
        store,
        build_detectors(cfg.detectors),
        build_policy(cfg.policy),
        reorder_window=cfg.reorder_window,
        max_hold_seconds=cfg.max_hold_seconds,
        batch_size=cfg.batch_size,
        max_batch_seconds=cfg.max_batch_seconds,
    )
