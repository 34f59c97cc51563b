"""Network mapping on a simulated world: membership ROC-AUC from 5% seeds, watchers in the top
decile, role accuracy, and the census against the true count (and how often its 90% interval
covers it), with two naive baselines computed in the same run on the same seeds:

* ``seed contacts``: accounts ranked by their interactions of any kind, both directions, with
  the seeds (decayed weights summed);
* ``all interactions``: the analysis as it was before talk and promotion were told apart
  (personalised PageRank over every interaction, mentions as half a promotion, protection by
  quotes/replies only), raw and protected.

    .venv/bin/python bench/network_eval.py --scenario bench/scenarios/small.toml --seed 1 \
        --work /tmp/net-work/eval-small [--seed-share 0.05] [--draws 3] [--json out.json]

Simulates the world (``cauterize sim``), ingests it (``cauterize ingest``: the stored edges
are what the analysis reads), then for each of ``--draws`` random seed sets runs the analysis
as ``cauterize network``/``census`` do, with the seeds given instead of the platform's
suspensions, and scores the result against the truth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from cauterize.app import open_store
from cauterize.config import load_config
from cauterize.evaluation import network as ne
from cauterize.evaluation.truth import read_truth
from cauterize.network.analysis import NetworkParams, analyse
from cauterize.network.service import NetworkSettings, analyse_store, run_census


def seed_contacts(g, seeds: np.ndarray) -> np.ndarray:
    """Per account: decayed interactions of any kind with a seed, both directions."""
    t, w = g.table, g.weights_at()
    is_seed = np.zeros(g.n, bool)
    is_seed[seeds] = True
    out = np.bincount(t.src, w * is_seed[t.dst], g.n) + np.bincount(t.dst, w * is_seed[t.src], g.n)
    out[seeds] = 0.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="bench/scenarios/small.toml")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/net-work/eval")
    ap.add_argument("--seed-share", type=float, default=0.05)
    ap.add_argument("--draws", type=int, default=3)
    ap.add_argument("--bootstrap", type=int, default=20)
    ap.add_argument(
        "--seed-source",
        choices=["truth", "enforcement"],
        default="truth",
        help="truth: a random --seed-share of the network; enforcement: the platform's suspensions (one draw)",
    )
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cli = [str(Path(sys.executable).with_name("cauterize"))]
    events, truth_path, cfg_path = work / "events.jsonl", work / "truth.jsonl", work / "cauterize.toml"
    if not (work / "data" / "cauterize.db").exists():
        subprocess.run(
            [
                *cli,
                "sim",
                "--scenario",
                args.scenario,
                "--seed",
                str(args.seed),
                "--out",
                str(events),
                "--truth",
                str(truth_path),
                "-q",
            ],
            check=True,
        )
        cfg_path.write_text('data_dir = "data"\n', encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([*cli, "ingest", "-c", str(cfg_path), "-q", str(events)], check=True, stdout=subprocess.DEVNULL)
        print(f"ingest {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    truth = read_truth(truth_path)
    store = open_store(load_config(cfg_path))
    report: dict = {"scenario": args.scenario, "seed": args.seed, "seed_share": args.seed_share, "draws": []}
    for draw in range(args.draws if args.seed_source == "truth" else 1):
        if args.seed_source == "truth":
            seeds = ne.pick_seeds(truth, args.seed_share, draw)
            settings = NetworkSettings(
                seeds_from_enforcement=False, seeds=[k[1] for k in seeds], bootstrap=args.bootstrap
            )
        else:
            settings = NetworkSettings(bootstrap=args.bootstrap)
        a = analyse_store(store, settings, truth.header.platform, save=False)
        r, g = a.scores, a.graph
        if args.seed_source == "enforcement":
            seeds = [(g.platform, g.keys[i]) for i in r.seeds.tolist()]
        keys = [(g.platform, k) for k in g.keys]
        raw = {keys[i]: float(r.score[i]) for i in range(g.n)}
        adj = {keys[i]: float(r.adjusted[i]) for i in range(g.n)}
        seedset = set(seeds)
        old = analyse(
            g,
            r.seeds.tolist(),
            followers=a.facts["followers"],
            params=NetworkParams.all_interactions(communities=False),
        )
        base = {
            "seed_contacts": {keys[i]: float(v) for i, v in enumerate(seed_contacts(g, r.seeds))},
            "all_interactions_raw": {keys[i]: float(old.closeness[i]) for i in range(g.n)},
            "all_interactions_protected": {keys[i]: float(old.adjusted[i]) for i in range(g.n)},
        }
        baselines = {
            name: {
                "auc": ne.membership(truth, sc, seedset, keys)["auc"],
                "watchers_in_top": ne.watchers_in_top(truth, sc, keys)["in_top"],
            }
            for name, sc in base.items()
        }
        days, method = run_census(a, args.bootstrap)
        est = {d.day: (d.active, d.low, d.high) for d in days}
        members = {keys[i] for i in r.members}
        ext = {k for k, acc in truth.accounts.items() if acc.label == "extremist"}
        row = {
            "seeds": len(seeds),
            "graph": {"accounts": g.n, "edges": len(g.table)},
            "auc_raw": ne.membership(truth, raw, seedset, keys),
            "auc_adjusted": ne.membership(truth, adj, seedset, keys),
            "watchers_raw": ne.watchers_in_top(truth, raw, keys),
            "watchers_adjusted": ne.watchers_in_top(truth, adj, keys),
            "members": {"estimated": len(members), "true_positive": len(members & ext), "true": len(ext)},
            "roles": ne.role_accuracy(truth, {keys[i]: role for i, role in r.roles.items()}),
            "census": ne.census_error(truth, est),
            "census_method": method,
            "seed_summary": a.seed_summary(),
            "baselines": baselines,
            "seconds": {"total": round(a.seconds, 2), **{k: round(v, 3) for k, v in r.timings.items()}},
        }
        report["draws"].append(row)
        c = row["census"]
        print(
            f"draw {draw}: seeds {len(seeds)}  AUC raw {row['auc_raw']['auc']:.4f} adjusted {row['auc_adjusted']['auc']:.4f}  "
            f"watchers in top decile raw {row['watchers_raw']['in_top']}/{row['watchers_raw']['watchers']} adjusted "
            f"{row['watchers_adjusted']['in_top']}/{row['watchers_adjusted']['watchers']}  members {len(members)} "
            f"({len(members & ext)} true of {len(ext)})  roles {row['roles']['accuracy']:.3f} (n={row['roles']['accounts']})  "
            f"census max |error| {c['max_abs_error']:.3f}, interval covers {c['covered']}/{len(c['days'])} days (median width {c['median_relative_width']:.2f} of the truth)"
        )
        print(f"    seeds: {a.seed_summary()}")
        for name, b in baselines.items():
            print(f"    baseline {name}: AUC {b['auc']:.4f}, watchers in top decile {b['watchers_in_top']}")
        for day, v in c["days"].items():
            print(
                f"    {day}: estimate {v['estimate']:.0f} [{v['low']:.0f}, {v['high']:.0f}] true {v['true']} error {v['error']:+.3f}"
            )
    aucs = [d["auc_adjusted"]["auc"] for d in report["draws"]]
    report["summary"] = {
        "auc_adjusted_mean": float(np.mean(aucs)),
        "auc_adjusted_min": float(np.min(aucs)),
        "census_max_abs_error": max(d["census"]["max_abs_error"] for d in report["draws"]),
        "watchers_top_decile_max": max(d["watchers_adjusted"]["in_top"] for d in report["draws"]),
        "role_accuracy_mean": float(np.mean([d["roles"]["accuracy"] for d in report["draws"]])),
        "census_days_covered": sum(d["census"]["covered"] for d in report["draws"]),
        "census_days": sum(len(d["census"]["days"]) for d in report["draws"]),
        "census_median_relative_width": float(
            np.median([d["census"]["median_relative_width"] for d in report["draws"]])
        ),
        "baseline_auc_mean": {
            k: float(np.mean([d["baselines"][k]["auc"] for d in report["draws"]]))
            for k in report["draws"][0]["baselines"]
        },
        "baseline_watchers_top_decile_max": {
            k: max(d["baselines"][k]["watchers_in_top"] for d in report["draws"])
            for k in report["draws"][0]["baselines"]
        },
    }
    print(json.dumps(report["summary"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
