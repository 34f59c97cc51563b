"""Run the console in a background thread (demo, screenshots, browser tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from cauterize.config import Config


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def console_in_thread(cfg: Config, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
    """Serve the console on ``host:port`` (a free port by default) until the block ends; yields its URL."""
    import uvicorn

    from cauterize.web.app import create_console_app

    port = port or free_port(host)
    server = uvicorn.Server(uvicorn.Config(create_console_app(cfg), host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the console did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
