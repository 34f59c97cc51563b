"""A real local AT Protocol network (PLC, PDS, AppView, Ozone) from devnet/ (@atproto/dev-env).

Started once per test session: a throwaway PostgreSQL (tests/postgres.py), then
``node -r ./localhost.js start.js`` in devnet/, which binds every server to 127.0.0.1 and prints
its URLs and a moderator account as one JSON line. Stopped (and the cluster removed) at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEVNET = Path(__file__).resolve().parents[2] / "devnet"


def unavailable_reason() -> str | None:
    from tests.postgres import unavailable_reason as pg_reason

    if shutil.which("node") is None:
        return "node is not installed (the AT Protocol dev network runs on Node 20)"
    if not (DEVNET / "node_modules" / "@atproto" / "dev-env").exists():
        return "devnet/node_modules is missing: run `npm ci --prefix devnet` (.ci/run does)"
    try:
        import atproto  # noqa: F401
    except ImportError:
        return "the atproto client is not installed (pip install -e '.[live]')"
    return pg_reason()


@contextmanager
def dev_network(timeout: float = 120.0) -> Iterator[dict[str, Any]]:
    from tests.postgres import postgres_server

    with postgres_server() as url:
        tmp = tempfile.mkdtemp(prefix="cauterize-devnet-")
        env = {
            **os.environ,
            "DB_POSTGRES_URL": url.replace("postgresql+psycopg://", "postgresql://"),
            "DB_POSTGRES_SCHEMA": "cauterize_devnet",
            "TMPDIR": tmp,
        }
        log = open(Path(tmp) / "devnet.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            ["node", "-r", "./localhost.js", "start.js"],
            cwd=DEVNET,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            line: list[str] = []
            reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
            reader.start()
            reader.join(timeout)
            if not line or not line[0].strip():
                log.flush()
                raise RuntimeError(f"the dev network did not start: {(Path(tmp) / 'devnet.log').read_text()[-3000:]}")
            info = json.loads(line[0])
            info["log"] = str(Path(tmp) / "devnet.log")
            yield info
        finally:
            try:
                proc.stdin.close()  # type: ignore[union-attr]
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
            shutil.rmtree(tmp, ignore_errors=True)
