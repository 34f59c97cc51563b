"""``cauterize serve``: the review console, its HTTP API and the ingest endpoint (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, console, get_config, untrusted
from cauterize.config import describe


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from config: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config: 8000).")] = None,
    ingest_only: Annotated[
        bool, typer.Option("--ingest-only", help="Serve only POST /v1/ingest and /healthz, unauthenticated.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Serve the review console (/), its API (/api/v1, /docs) and POST /v1/ingest (API token, reviewer)."""
    import uvicorn

    cfg = get_config(config)
    console.print(untrusted(describe(cfg)), soft_wrap=True)
    host = host or cfg.server.get("host", "127.0.0.1")
    port = port or int(cfg.server.get("port", 8000))
    if ingest_only:
        from cauterize.web.ingest_api import create_app

        console.print(f"cauterize ingest endpoint on http://{host}:{port}/v1/ingest (store: {cfg.store_url})")
        uvicorn.run(create_app(cfg), host=host, port=port, log_level="info")
        return
    from cauterize.web.app import create_console_app

    console.print(f"cauterize review console on http://{host}:{port}/ (API docs /docs; store: {cfg.store_url})")
    uvicorn.run(create_console_app(cfg, background=True), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
