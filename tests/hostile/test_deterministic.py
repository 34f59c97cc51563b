"""Same input, same decisions, always (issue 12, point 5: two clean runs of one world differed).

Each run is a separate process with its own hash seed: set and dict orders that depend on string
hashing differ between processes, and nothing a detector decides may depend on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cauterize", *args], env={**os.environ, **env}, capture_output=True, timeout=600
    )


def test_two_clean_runs_of_one_world_decide_the_same(tmp_path):
    world = tmp_path / "world.jsonl"
    sim = _cli(
        "sim",
        "--scenario",
        str(REPO / "bench" / "scenarios" / "small.toml"),
        "--accounts",
        "1500",
        "--days",
        "2",
        "--seed",
        "11",
        "--out",
        str(world),
        env={},
    )
    assert sim.returncode == 0, sim.stderr.decode()[-2000:]
    runs = []
    for hash_seed in ("1", "2"):
        env = {"CAUTERIZE_DATA_DIR": str(tmp_path / f"run{hash_seed}"), "PYTHONHASHSEED": hash_seed}
        done = _cli("ingest", "-q", "-c", str(REPO / "cauterize.toml"), str(world), env=env)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        out = _cli("decisions", "export", "-c", str(REPO / "cauterize.toml"), env=env)
        decisions = [json.loads(line) for line in out.stdout.decode().splitlines() if line.strip()]
        runs.append(
            sorted(
                (d["account_id"], d["action"], d["rule"], json.dumps(d["evidence"], sort_keys=True)) for d in decisions
            )
        )
    assert runs[0], "the world produced no decision: the test would prove nothing"
    assert runs[0] == runs[1]
