"""The census and coordination over a backfilled archive give the figures the single-process commands give."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from cauterize.backfill.network import merge_pairs
from cauterize.cli.main import app
from cauterize.network.coordination import co_action_pairs


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_backfill_network_matches_census_and_coordination_after_ingest(archive: list[Path], tmp_path: Path) -> None:
    ref = tmp_path / "ref.toml"
    ref.write_text('data_dir = "ref"\n')
    _cli("ingest", *map(str, archive), "--config", str(ref), "-q")
    census = json.loads(_cli("census", "--json", "--config", str(ref)))
    pairs = [
        json.loads(line) for line in _cli("coordination", "--json", "--top", "1000", "--config", str(ref)).splitlines()
    ]
    assert census["seeds"] > 0 and pairs, "the world must have confirmed seeds and coordinated pairs to compare"

    mine = tmp_path / "bf.toml"
    mine.write_text('data_dir = "bf"\n')
    # The local engine: coordination is still dealt out in shards by item and summed (the Dask
    # engine itself is exercised in test_same_as_ingest.py; one cluster start per test run is enough).
    report = json.loads(_cli("backfill", *map(str, archive), "--network", "--json", "--config", str(mine)))

    net = report["network"]
    assert net["census"]["days"] == census["days"]
    assert (net["census"]["seeds"], net["census"]["method"]) == (census["seeds"], census["method"])
    got = sorted((kind, p["a"], p["b"], p["items"]) for kind, c in net["coordination"].items() for p in c["top"])
    want = sorted((p["kind"], p["a"], p["b"], p["items"]) for p in pairs)
    # The batch lists the top 15 per kind; every one of them is a pair the single process found.
    assert got and set(got) <= set(want)
    for kind, c in net["coordination"].items():
        listed = sum(1 for p in pairs if p["kind"] == kind)  # the single process's, up to --top 1000
        assert listed == min(c["pairs_at_least_min_items"], 1000), kind


def test_pairs_computed_on_disjoint_items_add_up_to_the_whole() -> None:
    rng = np.random.default_rng(3)
    n = 4000
    item = rng.integers(0, 300, n)
    t = rng.uniform(0, 3600, n)
    acc = rng.integers(0, 80, n)
    # Two items in a burst (more posts within the window than max_burst): left out as trending.
    item = np.concatenate([item, np.full(20, 998), np.full(20, 999)])
    t = np.concatenate([t, rng.uniform(100, 110, 40)])
    acc = np.concatenate([acc, rng.integers(0, 80, 40)])
    whole = co_action_pairs(item, t, acc, 60.0, 8)
    shards = [co_action_pairs(item[item % 5 == k], t[item % 5 == k], acc[item % 5 == k], 60.0, 8) for k in range(5)]
    merged = merge_pairs(shards)
    assert len(whole) > 100 and whole.trending == 2
    assert merged.as_dict() == whole.as_dict()
    assert merged.trending == whole.trending
    assert np.array_equal(merged.last, whole.last)
