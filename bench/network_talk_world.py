"""A simulated world with more talk: journalists, researchers, monitors and counter-messaging
accounts that also reply to, mention and name the network's new accounts.

    .venv/bin/python bench/network_talk_world.py IN_DIR OUT_DIR [--posts 30] [--seed 0]

Reads ``IN_DIR/events.jsonl`` and ``IN_DIR/truth.jsonl`` (written by ``cauterize sim``), adds to
each watcher ``--posts`` posts spread over the run: 40% replies to a network post made in the
hour before, 40% bare mentions of a live network account, 20% mentions of a network account
created in the 12 hours before ("the group's new account @x"), and writes the merged stream
(time order) and the same truth to ``OUT_DIR``. The simulator's own watchers only quote; this
is the behaviour real feeds show (a filtered stream's journalists reply and name accounts), and
nothing in network/ was tuned on it. It is a perturbation of a simulated world, not a second
generator: the network itself is unchanged.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

WATCHERS = ("journalist", "researcher", "monitor", "counter_messaging")


def _t(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--posts", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    src, dst = Path(args.src), Path(args.dst)
    dst.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    watchers, network = [], set()
    for line in (src / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("kind") != "account":
            continue
        if row["role"] in WATCHERS:
            watchers.append(row["account_id"])
        if row["label"] == "extremist":
            network.add(row["account_id"])
    lines = (src / "events.jsonl").read_text(encoding="utf-8").splitlines()
    posts: list[tuple[float, str, str]] = []  # (time, post_id, author) of network posts
    created: list[tuple[float, str, str]] = []  # (time, account, handle) of network creations
    handles: dict[str, str] = {}
    times = []
    for line in lines:
        e = json.loads(line)
        t = _t(e["time"])
        times.append(t)
        if e["actor"] not in network:
            continue
        if e["kind"] == "post_created" and not e.get("repost_of"):
            posts.append((t, e["post_id"], e["actor"]))
        elif e["kind"] == "account_created":
            created.append((t, e["actor"], e.get("handle") or e["actor"]))
            handles[e["actor"]] = e.get("handle") or e["actor"]
    start, end = min(times), max(times)
    post_t = [p[0] for p in posts]
    made_t = [c[0] for c in created]
    extra = []
    n = 0
    for w in watchers:
        for _ in range(args.posts):
            t = rng.uniform(start + 3600, end)
            kind = rng.random()
            ev: dict = {"kind": "post_created", "platform": "sim", "actor": w, "text": "reporting", "lang": "en"}
            if kind < 0.4:
                lo, hi = bisect.bisect_left(post_t, t - 3600), bisect.bisect_left(post_t, t)
                if hi <= lo:
                    continue
                _, pid, author = posts[rng.randrange(lo, hi)]
                ev["reply_to"] = {"post_id": pid, "account_id": author}
                ev["mentions"] = [{"handle": handles.get(author, author), "account_id": author}]
            else:
                window = 12 * 3600 if kind >= 0.8 else end - start
                lo, hi = bisect.bisect_left(made_t, t - window), bisect.bisect_left(made_t, t)
                if hi <= lo:
                    continue
                _, acct, handle = created[rng.randrange(lo, hi)]
                ev["mentions"] = [{"handle": handle, "account_id": acct}]
            n += 1
            ev["event_id"] = f"talk-{n}"
            ev["post_id"] = f"talk-{n}"
            ev["time"] = datetime.fromtimestamp(round(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            extra.append((round(t), json.dumps(ev)))
    merged = sorted([(t, line) for t, line in zip(times, lines, strict=True)] + extra, key=lambda x: x[0])
    (dst / "events.jsonl").write_text("\n".join(line for _, line in merged) + "\n", encoding="utf-8")
    shutil.copy(src / "truth.jsonl", dst / "truth.jsonl")
    print(f"{len(extra)} watcher posts added for {len(watchers)} watchers")


if __name__ == "__main__":
    main()
