"""``cauterize run``: the live loop. Read a platform's stream, decide, act through its moderation API.

    cauterize run --source bluesky:ws://127.0.0.1:2583 \
        --act "ozone:http://127.0.0.1:2583;ozone_did=did:plc:...;identifier=mod.test;password_env=OZONE_PASSWORD"

Sources and sinks are ``kind:address[;key=value...]`` (docs/connectors.md lists them). Runs until
interrupted; a source that goes away is reconnected with back-off, and the loop's health is in
``<data_dir>/live/status.json`` (and printed every ``--status-every`` seconds).
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Annotated

import typer

from cauterize.cli.common import ConfigOption, err_console, get_config


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        source: Annotated[
            list[str], typer.Option("--source", "-s", help="A live source, kind:address[;k=v...] (repeatable).")
        ],
        act: Annotated[
            list[str] | None,
            typer.Option(
                "--act",
                "-a",
                help="An action sink, kind:url[;k=v...], added to the configured review sinks (repeatable).",
            ),
        ] = None,
        flush_seconds: Annotated[float, typer.Option(help="Longest a live event waits before it is scored.")] = 0.5,
        status_every: Annotated[float, typer.Option(help="Print health every N seconds (0: never).")] = 30.0,
        config: ConfigOption = None,
    ) -> None:
        """Run the live loop: platform stream in, decisions and cases, actions out to the platform."""
        from cauterize.live.loop import LiveLoop
        from cauterize.live.registry import build_connector, parse_spec
        from cauterize.live.source import LiveSource

        cfg = get_config(config)
        try:
            built = [build_connector(spec, cfg.data_dir) for spec in source]
            sinks = []
            for spec in act or []:
                kind, url, options = parse_spec(spec)
                sinks.append({"kind": kind, "url": url, **options})
            formats = {fmt for _, fmt in built}
            loop = LiveLoop(
                cfg,
                [LiveSource(c) for c, _ in built],
                formats.pop() if len(formats) == 1 else "auto",
                sinks,
                flush_seconds=flush_seconds,
            )
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None

        def stop(*_: object) -> None:
            err_console.print("stopping the live loop")
            loop.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        done = threading.Event()

        def report() -> None:
            while status_every > 0 and not done.wait(status_every):
                err_console.print(json.dumps(loop.status(), default=str))

        threading.Thread(target=report, daemon=True).start()
        err_console.print(
            f"live: {', '.join(s.name for s in loop.sources)} -> sinks {', '.join(loop.review.sinks) or 'none'}"
        )
        try:
            summary = loop.run()
        except Exception as exc:
            err_console.print(f"[red]live loop stopped:[/red] {type(exc).__name__}: {exc}")
            raise typer.Exit(1) from None
        finally:
            done.set()
        err_console.print(json.dumps({"summary": summary.as_dict(), **loop.status()}, default=str))
