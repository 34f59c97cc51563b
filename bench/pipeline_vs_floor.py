"""The default pipeline (watch-list + ban evasion) beside a floor, on the same file, in one run.

    python bench/pipeline_vs_floor.py WORLD.jsonl

The floor is the least any ingest of canonical JSONL must do: decode each line with msgspec and
write the same tables (events, accounts, posts, edges) with ``executemany`` in 50,000-row
transactions into a store made by the same migrations, with no detector, policy or projection
logic. Both run in this process, one after the other, each on a fresh store; the figure is
events per CPU-second, and the ratio is the pipeline's share of the floor (issue 19 asks >= 0.5).

A third run, the same pipeline with the ban-evasion detector off, shows what the detector costs;
the pipeline's line also gives the CPU seconds its end-of-run state save took (the snapshot a
restart loads instead of replaying the store).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import msgspec

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.events import AnyEvent, PostCreated, encode_event
from cauterize.ingest.sources import FileSource

WATCHLIST = {"hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}}}
BATCH = 50_000


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def floor(path: Path, directory: Path) -> int:
    store = open_store(Config(data_dir=directory))
    decode, raw = msgspec.json.Decoder(AnyEvent).decode, store.engine.raw_connection()
    cur, n, now = raw.cursor(), 0, time.strftime("%Y-%m-%d %H:%M:%S")
    ev, acct, post, edge = [], [], [], []

    def flush() -> None:
        cur.executemany(
            "INSERT OR IGNORE INTO events (platform,event_id,kind,actor,event_time,ingested_at,payload) VALUES (?,?,?,?,?,?,?)",
            ev,
        )
        cur.executemany(
            "INSERT OR IGNORE INTO accounts (platform,account_id,status,first_seen,last_seen) VALUES (?,?,'active',?,?)",
            acct,
        )
        cur.executemany(
            "INSERT OR IGNORE INTO posts (platform,post_id,account_id,created_at,text) VALUES (?,?,?,?,?)", post
        )
        cur.executemany("INSERT INTO edges (platform,src,dst,kind,event_time,event_id) VALUES (?,?,?,?,?,?)", edge)
        raw.commit()
        for rows in (ev, acct, post, edge):
            rows.clear()

    with path.open("rb") as fh:
        for line in fh:
            e = decode(line)
            t = e.time.isoformat(" ")
            ev.append((e.platform, e.event_id, e.kind, e.actor, t, now, encode_event(e)))
            acct.append((e.platform, e.actor, t, t))
            if isinstance(e, PostCreated):
                post.append((e.platform, e.post_id, e.actor, t, e.text))
                edge.extend(
                    (e.platform, e.actor, m.account_id or m.handle, "mention", t, e.event_id) for m in e.mentions
                )
            elif e.kind == "follow":
                edge.append((e.platform, e.actor, e.target, "follow", t, e.event_id))  # type: ignore[union-attr]
            n += 1
            if len(ev) >= BATCH:
                flush()
    flush()
    raw.close()
    store.close()
    return n


SAVE_CPU = [0.0]


def pipeline(path: Path, directory: Path, evasion: bool = True) -> int:
    detectors: dict[str, object] = {"watchlist": WATCHLIST}  # evasion is on by default
    if not evasion:
        detectors["evasion"] = {"enabled": False}
    cfg = Config(data_dir=directory, detectors=detectors)
    store = open_store(cfg)
    pipe = build_pipeline(cfg, store)
    save = getattr(pipe, "_save_states", None)
    if save is not None:  # time the state save apart (the commit before it has none)

        def timed(*args: object, **kw: object) -> None:
            t0 = _cpu()
            save(*args, **kw)
            SAVE_CPU[0] = _cpu() - t0

        pipe._save_states = timed  # type: ignore[method-assign]
    summary = pipe.run([FileSource(path)], "jsonl")
    store.close()
    return summary.events_parsed


def without_evasion(path: Path, directory: Path) -> int:
    return pipeline(path, directory, evasion=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file", type=Path)
    args = ap.parse_args()
    rates = {}
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, run in (("floor", floor), ("pipeline", pipeline), ("no-evasion", without_evasion)):
        SAVE_CPU[0] = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            cpu0, t0 = _cpu(), time.perf_counter()
            n = run(args.file, Path(tmp))
            cpu, wall = _cpu() - cpu0, time.perf_counter() - t0
        rates[name] = n / cpu
        saved = f" (state save {SAVE_CPU[0]:.2f})" if SAVE_CPU[0] else ""
        print(f"{name:10} events={n} cpu_s={cpu:.2f}{saved} wall_s={wall:.1f} events_per_cpu_s={n / cpu:,.0f}")
    print(f"pipeline / floor = {rates['pipeline'] / rates['floor']:.2f}")
    print(f"pipeline without the evasion detector / floor = {rates['no-evasion'] / rates['floor']:.2f}")


if __name__ == "__main__":
    main()
