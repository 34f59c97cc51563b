"""Scale benchmark of the world simulator: time, events per second and memory over the run.

    .venv/bin/python bench/sim_scale.py bench/scenarios/large.toml [--accounts N] [--days D] [--out DIR]

Prints one markdown table row plus the resident memory sampled every million events, which is
what shows that memory follows the population, not the length of the stream. Output files go
to a temporary directory removed afterwards unless ``--out`` is given.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from cauterize.sim.config import load_scenario
from cauterize.sim.run import simulate


def rss_mib() -> float:
    with open("/proc/self/status") as fp:
        for line in fp:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--accounts", type=int, help="override [benign] accounts")
    ap.add_argument("--days", type=float, help="override days")
    ap.add_argument("--out", type=Path, help="keep the outputs in this directory")
    args = ap.parse_args()
    cfg = load_scenario(args.scenario)
    if args.accounts is not None:
        cfg.benign = dataclasses.replace(cfg.benign, accounts=args.accounts)
    if args.days is not None:
        cfg.days = args.days
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="cauterize-sim-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    samples: list[tuple[int, float, float]] = []
    began = time.perf_counter()
    seen = [0, 0]

    def progress(n: int) -> None:
        seen[0] += n
        if seen[0] // 1_000_000 > seen[1]:
            seen[1] = seen[0] // 1_000_000
            samples.append((seen[0], time.perf_counter() - began, rss_mib()))

    try:
        result = simulate(cfg, out_dir / "events.jsonl", out_dir / "truth.jsonl", progress=progress)
        elapsed = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = (out_dir / "events.jsonl").stat().st_size / 2**20
        truth = (out_dir / "truth.jsonl").stat().st_size / 2**20
    finally:
        if args.out is None:
            shutil.rmtree(out_dir, ignore_errors=True)
    print(f"machine: {platform.platform()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    print("| scenario | accounts | events | wall s | events/s | peak RSS MiB | stream MiB | truth MiB |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {cfg.scenario} | {result.accounts:,} | {result.events:,} | {elapsed:.0f} | {result.events / elapsed:,.0f} "
        f"| {peak:.0f} | {size:,.0f} | {truth:.1f} |"
    )
    print("\nRSS while streaming (events written, seconds, RSS MiB):")
    for n, t, r in samples:
        print(f"  {n:>12,} {t:8.1f} {r:8.0f}")


if __name__ == "__main__":
    main()
