"""The review console under load while a large HTTP ingest runs (issue 12's acceptance check).

    python bench/console_under_load.py [--clients 20] [--events 100000] [--seconds 60] [--dir DIR]

Prepares (or reuses) the demo world of ``cauterize demo --dir DIR``, serves the console in a
child process with uvicorn on a free local port, exactly as ``cauterize serve`` runs it (review
loop on, pipeline in its own ingest process), and then, from this process, at the same time:

* one client POSTs ``--events`` generated canonical events to ``/v1/ingest`` (bench/gen_events.py's
  mix, in one request, so the pipeline holds its lock for the whole run);
* ``--clients`` reviewers, each with its own session, load the ban-evasion queue page in a loop.

It prints the queue page's latency (p50, p95, p99, max) during the ingest and after it, the
requests served, and the ingest's own duration. "No request waiting on the ingest" shows as a
max latency far below the ingest's duration.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_events import generate

from cauterize.cli.demo import DEMO_PASSWORD, prepare_demo
from cauterize.events import encode_event
from cauterize.web.app import create_console_app
from cauterize.web.server import free_port


def _login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "reviewer", "password": DEMO_PASSWORD, "csrf_token": csrf})
    assert r.status_code in (200, 303), r.status_code
    return client


def _pct(xs: list[float], q: float) -> float:
    return xs[min(len(xs) - 1, int(len(xs) * q))] if xs else float("nan")


def _config(directory: Path):  # type: ignore[no-untyped-def]
    cfg = prepare_demo(directory, quiet=True)
    cfg.server = {**cfg.server, "rate_limit_per_minute": {"client": 10**7, "credential": 10**7}}
    cfg.max_record_bytes = max(cfg.max_record_bytes, 64 * 1024 * 1024)
    return cfg


def _serve_child(directory: Path, port: int) -> None:
    app = create_console_app(_config(directory), background=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve-child":
        _serve_child(Path(sys.argv[2]), int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=10.0, help="keep loading this long after the ingest ends")
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory() if args.dir is None else None
    directory = args.dir or Path(tmp.name)  # type: ignore[union-attr]
    cfg = _config(directory)
    body = b"".join(encode_event(e) + b"\n" for e in generate(args.events, seed=3))
    from cauterize.app import open_store
    from cauterize.review.auth import Users

    store = open_store(cfg)
    token = Users(store.engine).create_token("reviewer", "bench")
    store.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-child", str(directory), str(port)])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("the console did not start")
        time.sleep(0.2)
    clients = [_login(base) for _ in range(args.clients)]

    ingest_window: list[float] = []
    during: list[float] = []
    after: list[float] = []
    stop = threading.Event()

    def ingest() -> None:
        t0 = time.perf_counter()
        r = httpx.post(
            f"{base}/v1/ingest?format=jsonl", content=body, headers={"Authorization": f"Bearer {token}"}, timeout=3600
        )
        ingest_window.extend([t0, time.perf_counter()])
        assert r.status_code == 200, (r.status_code, r.text[:300])
        print(f"ingest: {r.json().get('events_new')} new events in {ingest_window[1] - t0:.1f} s")

    def reviewer(client: httpx.Client) -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            r = client.get("/queues/ban_evasion")
            dt = (time.perf_counter() - t0) * 1000
            assert r.status_code == 200, r.status_code
            (after if len(ingest_window) == 2 and t0 > ingest_window[1] else during).append(dt)

    workers = [threading.Thread(target=reviewer, args=(c,), daemon=True) for c in clients]
    for w in workers:
        w.start()
    time.sleep(1.0)  # reviewers are busy before the ingest starts
    pusher = threading.Thread(target=ingest)
    pusher.start()
    pusher.join()
    time.sleep(args.seconds)
    stop.set()
    for w in workers:
        w.join(timeout=30)
    server.terminate()
    server.wait(30)
    span = ingest_window[1] - ingest_window[0]
    print(f"{args.clients} reviewers loading /queues/ban_evasion; milliseconds")
    print(f"{'phase':28} {'requests':>9} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>8}")
    for label, xs, secs in (("during the ingest (+1 s)", during, span + 1.0), ("after it", after, args.seconds)):
        xs.sort()
        print(
            f"{label:28} {len(xs):9d} {len(xs) / secs:7.1f} {statistics.median(xs) if xs else float('nan'):7.1f} "
            f"{_pct(xs, 0.95):7.1f} {_pct(xs, 0.99):7.1f} {xs[-1] if xs else float('nan'):8.1f}"
        )
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
