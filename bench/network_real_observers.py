"""Would the observer rule shield real network accounts? A check on real pro-IS accounts.

    .venv/bin/python bench/network_real_observers.py [--data ../shared/data] [--draws 5] [--json out.json]

Reads ``extremist_tweets/isis_fanboy_tweets.csv`` (real tweets of 81 pro-IS accounts, 2015-16;
see the data README) at run time and prints counts only, never text. Every account in the file
is part of the network, so an account the observer rule protects is a false protection. Each
tweet becomes interactions: ``RT @x:`` a repost of x (the mentions inside the retweeted text are
the original author's and are skipped), any other ``@x`` a mention. The file has no creation
times, so no mention can be a shout-out: this is the "creation unknown" case of a real feed.

Two measurements: (1) with every file account taken as fully close (closeness 1, the other
accounts 0), how many file accounts would be observers; (2) the analysis itself from 5% of the
file's accounts as seeds (``--draws`` random draws): how many of the other file accounts it
protects, how many it makes members or ranks in the top decile, beside the all-interactions
baseline (the analysis before talk and promotion were told apart). The accounts they mention outside the file are not
labelled, so no AUC is computed.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cauterize.network import protect
from cauterize.network.analysis import NetworkParams, analyse
from cauterize.network.graph import InteractionGraph

MENTION = re.compile(r"@(\w{1,30})")


def build(rows: list[dict[str, str]]) -> tuple[InteractionGraph, dict[str, int]]:
    g = InteractionGraph("real")
    kinds = {"repost": 0, "mention": 0}
    for row in rows:
        actor = row["username"].lower()
        t = datetime.strptime(row["time"], "%m/%d/%Y %H:%M").replace(tzinfo=UTC).timestamp()
        text = row["tweets"]
        g.node(actor, t)
        if text.startswith("RT @"):
            m = MENTION.match(text, 3)
            if m:
                kinds["repost"] += g.add(actor, m.group(1).lower(), "repost", t)
            continue
        for m in {x.lower() for x in MENTION.findall(text)}:
            kinds["mention"] += g.add(actor, m, "mention", t)
    g.compact()
    return g, kinds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--draws", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    path = Path(args.data) / "extremist_tweets" / "isis_fanboy_tweets.csv"
    if not path.exists():
        raise SystemExit(f"{path} is absent: this check needs the real data set (see its README)")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    g, kinds = build(rows)
    net = sorted({r["username"].lower() for r in rows})
    idx = np.array([g.ids[a] for a in net])
    close = np.zeros(g.n)
    close[idx] = 1.0
    d = protect.direction(g.n, g.table, g.weights_at(), close)
    watch = protect.watcher_like(d)
    share = d.promotion_share()[idx]
    active = (d.spread_out[idx] + d.talk_out[idx]) > 0
    report: dict = {
        "tweets": len(rows),
        "network_accounts": len(net),
        "graph_accounts": g.n,
        "interactions": kinds,
        "oracle": {
            "interacting_with_network": int(active.sum()),
            "observers": int(watch[idx].sum()),
            "promotion_share_quartiles": [round(float(q), 3) for q in np.percentile(share[active], [25, 50, 75])]
            if active.any()
            else [],
        },
        "draws": [],
    }
    for draw in range(args.draws):
        seeds = random.Random(draw).sample(list(idx), max(1, round(0.05 * len(idx))))
        others = np.setdiff1d(idx, seeds)
        row: dict = {"seeds": len(seeds), "other_network_accounts": len(others)}
        for name, params in (("ours", None), ("all_interactions", NetworkParams.all_interactions())):
            r = analyse(g, seeds, params=params)
            row[name] = {
                "protected": int(r.protected[others].sum()),
                "members": int((r.adjusted[others] >= r.member_closeness).sum()),
                "reached": int((r.closeness[others] > 0).sum()),
                "top_decile": int((r.adjusted[others] >= np.sort(r.adjusted)[::-1][g.n // 10 - 1]).sum()),
            }
        report["draws"].append(row)
    print(json.dumps(report, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
