"""How far the report's figures are from a simulated world's truth, on both generators.

    nice -n 10 .venv/bin/python -m tests.report.truth_check --seeds 3 --accounts 1000 --days 3

Each world's evaders' habits are drawn at random (``--randomise``); nothing in the report was
chosen on these worlds (its only constants are the "10 followers" mark and the wave rule, fixed by
definition). The truth side is computed here from the truth file alone. Not a default test: it
takes about a minute; docs/report.md keeps its output.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from cauterize.cli.main import app

runner = CliRunner()


def _t(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _followers_at(a: dict, when: datetime) -> int | None:
    pts = a.get("followers")
    if pts is None:
        return None
    off, n = (when - _t(a["created_at"])).total_seconds(), 0
    for at, count in pts:
        if at > off:
            break
        n = count
    return n


def truth_figures(truth: dict) -> dict:
    acc = {a["account_id"]: a for a in truth["accounts"]}
    sus = {k: _t(a["suspended_at"]) for k, a in acc.items() if a["suspended_at"]}
    children = [a for a in acc.values() if a["parent_account_id"] in sus and a["label"] == "extremist"]
    latency = [(_t(c["created_at"]) - sus[c["parent_account_id"]]).total_seconds() / 60 for c in children]
    fol = [_followers_at(acc[k], t) for k, t in sus.items()]
    known = [f for f in fol if f is not None]
    start, end = _t(truth["header"]["start"]), _t(truth["header"]["end"])
    active = {}
    day = start.replace(hour=0, minute=0, second=0)
    while day <= end:
        nxt = day + timedelta(days=1)
        active[day.strftime("%Y-%m-%d")] = sum(
            1
            for a in acc.values()
            if a["label"] == "extremist"
            and _t(a["created_at"]) < nxt
            and (a["suspended_at"] is None or sus[a["account_id"]] >= day)
        )
        day = nxt
    return {
        "actioned": len(sus),
        "replacement_rate": len(children) / len(sus) if sus else None,
        "return_median_min": float(np.median(latency)) if latency else None,
        "before_10_followers": (
            f"{sum(f < 10 for f in known) / len(known):.2f} of {len(known)}" if known else "not recorded"
        ),
        "before_first_post": sum(
            1 for k, t in sus.items() if acc[k]["first_post_at"] is None or t < _t(acc[k]["first_post_at"])
        )
        / len(sus)
        if sus
        else None,
        "active": active,
    }


def one_world(root: Path, generator: str, seed: int, accounts: int, days: float) -> dict:
    out, truth = root / "w.jsonl", root / "t.json"
    args = ["sim", "--generator", generator, "--seed", str(seed), "--accounts", str(accounts), "--days", str(days)]
    if generator == "cauterize":
        args.append("--randomise")
    res = runner.invoke(app, [*args, "--out", str(out), "--truth", str(truth), "-q"])
    assert res.exit_code == 0, res.output
    runner.invoke(app, ["init", str(root)])
    cfg = str(root / "cauterize.toml")
    assert runner.invoke(app, ["ingest", "-q", "-c", cfg, str(out)]).exit_code == 0
    res = runner.invoke(app, ["report", "--json", "--bootstrap", "10", "-c", cfg])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    t = truth_figures(json.loads(truth.read_text()))
    o = rep["overall"]
    days_in = [d for d in rep["census"]["days"] if d["day"] in t["active"]]
    covered = sum(d["low"] <= t["active"][d["day"]] <= d["high"] for d in days_in)
    return {
        "world": f"{generator} seed {seed}",
        "actioned": (o["accounts_actioned"], t["actioned"]),
        "replacement_rate": (o["returns"]["replacement_rate"], t["replacement_rate"]),
        "edit_distance_baseline": (o["returns_edit_distance_baseline"]["replacement_rate"], t["replacement_rate"]),
        "return_median_min": (o["returns"]["minutes_suspension_to_return"]["median"], t["return_median_min"]),
        "before_first_post": (o["before_first_post"]["share"], t["before_first_post"]),
        "before_10_followers": (
            f"{o['before_10_followers']['share']:.2f} of {o['before_10_followers']['of']}",
            t["before_10_followers"],
        ),
        "census_days_covered": f"{covered}/{len(days_in)}",
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--accounts", type=int, default=1000)
    ap.add_argument("--days", type=float, default=3.0)
    a = ap.parse_args()

    def f(v: object) -> str:
        return "—" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    cols = [
        "actioned",
        "replacement_rate",
        "edit_distance_baseline",
        "return_median_min",
        "before_first_post",
        "before_10_followers",
    ]
    print("| world | " + " | ".join(f"{c} (report / truth)" for c in cols) + " | census interval covers truth |")
    print("|---" * (len(cols) + 2) + "|")
    for generator in ("cauterize", "atproto"):
        for seed in range(100, 100 + a.seeds):
            with tempfile.TemporaryDirectory() as d:
                r = one_world(Path(d), generator, seed, a.accounts, a.days)
            cells = [f"{f(r[c][0])} / {f(r[c][1])}" for c in cols]
            print(f"| {r['world']} | " + " | ".join(cells) + f" | {r['census_days_covered']} days |", flush=True)
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
