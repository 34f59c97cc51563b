from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from cauterize.evaluation.truth import Truth, read_truth
from cauterize.events import AnyEvent, decode_event
from cauterize.sim.config import AttackConfig, BenignConfig, EnforcementConfig, NetworkConfig, WorldConfig
from cauterize.sim.run import simulate


def small_world(seed: int = 11, **overrides: object) -> WorldConfig:
    """A world small enough for unit tests but busy enough for every behaviour to occur."""
    cfg = WorldConfig(
        scenario="test",
        seed=seed,
        days=3.0,
        benign=BenignConfig(accounts=600),
        networks=[NetworkConfig(official=3, media=4, affiliates=4, amplifiers=12, recruiters=3, sympathisers=40)],
        enforcement=EnforcementConfig(),
        # Threats are frequent here so that every kind of target occurs in a short run.
        attacks=AttackConfig(count=1, at_hours=[20.0], threats_per_account_per_day=3.0),
    )
    return dataclasses.replace(cfg, **overrides)  # type: ignore[arg-type]


@dataclass
class World:
    cfg: WorldConfig
    events_path: Path
    truth_path: Path
    events: list[AnyEvent]
    truth: Truth


def build_world(tmp: Path, cfg: WorldConfig, truth_name: str = "truth.json") -> World:
    events_path = tmp / "events.jsonl"
    truth_path = tmp / truth_name
    simulate(cfg, events_path, truth_path)
    with events_path.open("rb") as fp:
        events = [decode_event(line) for line in fp]
    return World(cfg, events_path, truth_path, events, read_truth(truth_path))


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("world"), small_world())
