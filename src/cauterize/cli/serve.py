"""``cauterize serve``: the HTTP ingest endpoint (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, console, get_config


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from config: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from config: 8000).")] = None,
    config: ConfigOption = None,
) -> None:
    """Serve POST /v1/ingest for platforms and collectors to push events."""
    import uvicorn

    from cauterize.web.ingest_api import create_app

    cfg = get_config(config)
    host = host or cfg.server.get("host", "127.0.0.1")
    port = port or int(cfg.server.get("port", 8000))
    console.print(f"cauterize ingest endpoint on http://{host}:{port}/v1/ingest (store: {cfg.store_url})")
    uvicorn.run(create_app(cfg), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
