"""Console latency: server-side time of the pages and API calls a reviewer makes, on a demo world.

    python bench/console_latency.py [--dir DIR] [--n 50]

Prepares (or reuses) the demo world of ``cauterize demo --dir DIR`` (small scenario: 10,000
accounts, 3 days, ~100 cases), then times, in process (no network), each request ``--n`` times
and prints median and 95th percentile in milliseconds. The store is SQLite.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from cauterize.cli.demo import DEMO_PASSWORD, prepare_demo
from cauterize.web.app import create_console_app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--n", type=int, default=50)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory() if args.dir is None else None
    directory = args.dir or Path(tmp.name)  # type: ignore[union-attr]
    cfg = prepare_demo(directory, quiet=True)
    app = create_console_app(cfg)
    client = TestClient(app)
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"username": "reviewer", "password": DEMO_PASSWORD, "csrf_token": csrf})
    queue = client.get("/queues/ban_evasion").text
    case_id = re.search(r'href="/cases/(\d+)"', queue).group(1)
    token = app.state.svc.users.create_token("reviewer", "bench")
    headers = {"Authorization": f"Bearer {token}"}
    cases = len(app.state.svc.engine.connect().exec_driver_sql("select id from review_cases").all())
    print(f"demo world: {cases} cases; {args.n} requests each; milliseconds")
    print(f"{'request':44} {'p50':>7} {'p95':>7}")
    for label, url, hdrs in [
        ("GET /queues/ban_evasion (page)", "/queues/ban_evasion", {}),
        (f"GET /cases/{case_id} (page)", f"/cases/{case_id}", {}),
        ("GET /api/v1/queues/ban_evasion/cases", "/api/v1/queues/ban_evasion/cases", headers),
        (f"GET /api/v1/cases/{case_id}", f"/api/v1/cases/{case_id}", headers),
        ("GET /audit (page)", "/audit", {}),
    ]:
        times = []
        for _ in range(args.n):
            t0 = time.perf_counter()
            r = client.get(url, headers=hdrs)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        times.sort()
        print(f"{label:44} {statistics.median(times):7.1f} {times[int(len(times) * 0.95) - 1]:7.1f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
