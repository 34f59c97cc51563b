"""Cross-platform links on migration worlds, beside the naive baseline (same handle stem).

    python bench/crossplatform_eval.py --main-seeds 11-20 --atproto-seeds 402-406 \
        --out bench/out/xp --json bench/out/xp/report.json

Builds each world (the main simulator's small scenario with its migration, and the second
generator's world with its own), reads its files back through the real adapters (canonical
JSONL, Mastodon REST and streaming lines, Jetstream lines), replays them through the
``crossplatform`` detector and the default policy with automatic actions ON, and prints one
markdown table: per world and in total, both methods. Tuning seeds (looked at while building):
main 1-3, atproto 401 (bug hunt only; xp-5 also tuned on atproto 402-406). Report on seeds never
used for either.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from cauterize.actors.evaluate import iter_lines, measure, total


def seeds(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += range(int(a), int(b) + 1)
        elif part:
            out.append(int(part))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--main-seeds", default="11-20")
    ap.add_argument("--atproto-seeds", default="402-406")
    ap.add_argument("--scenario", default="bench/scenarios/small.toml")
    ap.add_argument("--out", default="bench/out/xp")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()

    from cauterize.sim import atproto_migration, migration
    from cauterize.sim.config import load_scenario

    rows = []
    began = time.perf_counter()
    for seed in seeds(args.main_seeds):
        cfg = load_scenario(args.scenario)
        cfg.seed = seed
        folder = Path(args.out) / f"main-{seed}"
        migration.build_world(cfg, folder)
        rows.append(measure(folder))
        print(f"main {seed}: done", file=sys.stderr)
    for seed in seeds(args.atproto_seeds):
        folder = Path(args.out) / f"atproto-{seed}"
        atproto_migration.build_world(seed, folder)
        rows.append(measure(folder))
        print(f"atproto {seed}: done", file=sys.stderr)
    print("\n".join(iter_lines(rows)))
    for gen in ("cauterize", "atproto"):
        part = [r for r in rows if r["generator"] == gen]
        if part:
            c, n = total(part, "cauterize"), total(part, "naive")
            print(
                f"\n{gen}: cauterize announced {c['announced_right_parent']}/{c['announced']} "
                f"(leads: parent unclear {c['announced_lead_unclear']}, naming a parent "
                f"{c['announced_lead_named_right']} right / {c['announced_lead_named_other']} other), "
                f"silent {c['silent_right_parent']}/{c['silent']}, innocents {c['innocents_flagged']}/{c['innocents']}, "
                f"wrong parent {c['movers_wrong_parent']}, automatic actions {c['auto_actions']}; "
                f"naive announced {n['announced_right_parent']}/{n['announced']}, silent {n['silent_right_parent']}/{n['silent']}, "
                f"innocents {n['innocents_flagged']}/{n['innocents']}, wrong parent {n['movers_wrong_parent']}"
            )
            for name, m in (("cauterize", c), ("naive", n)):
                right = m["announced_right_parent"] + m["silent_right_parent"]
                made = (
                    m["announced_right_persona"]
                    + m["silent_right_persona"]
                    + m["movers_wrong_parent"]
                    + m["innocents_flagged"]
                    + m["other_flagged"]
                )
                print(
                    f"  {name}: {made} accounts linked, {right} to the right parent (precision {right / made if made else 0:.3f})"
                )
    print(f"\n{time.perf_counter() - began:.0f} s", file=sys.stderr)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
