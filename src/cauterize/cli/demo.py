"""``cauterize demo``: a simulated world, processed, and the review console open on it.

This is the one place the product touches the simulator, and only here, inside the command,
through its public ``simulate`` function: the console, the review layer and the pipeline never
import ``cauterize.sim``. Everything the demo writes stays in ``--dir``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Annotated

import typer

from cauterize.cli.common import console, err_console
from cauterize.config import Config

DEMO_USERS = {"viewer": "viewer", "reviewer": "reviewer", "reviewer2": "reviewer", "lead": "lead", "admin": "admin"}
DEMO_PASSWORD = "cauterize-demo"
#: The watch-list of the bundled (fictional) "Ashen Banner" network, as in cauterize.toml.
DEMO_DETECTORS = {
    "watchlist": {
        "hashtags": {"AshenBanner": {"label": "watchlist.propaganda", "weight": 0.6}},
        "terms": {
            "ashen media office": {"label": "watchlist.propaganda", "weight": 0.5},
            "staff will pay": {"label": "threat.employees", "weight": 0.85},
            # The simulator writes placeholder threats ("[SIM] synthetic threat template naming
            # <person>"); this demo-only term stands in for the threat model on them.
            "synthetic threat template": {"label": "threat.named_person", "weight": 0.9},
        },
    },
    "text_classifier": {"enabled": True},
}
SCENARIO = Path(__file__).resolve().parents[3] / "bench" / "scenarios" / "small.toml"


def demo_config(directory: Path) -> Config:
    return Config(
        data_dir=directory / "data",
        detectors=DEMO_DETECTORS,
        review={
            "sinks": [
                {"kind": "jsonl", "path": "actions.jsonl"},
                {"kind": "platform", "path": "enforcements.jsonl"},
                {"kind": "registry"},
            ]
        },
    )


def prepare_demo(
    directory: Path,
    seed: int = 7,
    scenario: Path | None = None,
    accounts: int | None = None,
    days: float | None = None,
    quiet: bool = False,
) -> Config:
    """Simulate a world into ``directory``, ingest it, open cases and create the demo users (idempotent)."""
    import dataclasses

    from cauterize.app import build_pipeline, open_store
    from cauterize.ingest.sources import FileSource
    from cauterize.review.auth import AuthError
    from cauterize.review.service import ReviewService
    from cauterize.sim.config import WorldConfig, load_scenario  # the documented exception
    from cauterize.sim.run import simulate

    directory.mkdir(parents=True, exist_ok=True)
    cfg = demo_config(directory)
    events = directory / "events.jsonl"
    store = open_store(cfg)
    try:
        if not events.exists():
            scenario = scenario or (SCENARIO if SCENARIO.exists() else None)
            world = load_scenario(scenario) if scenario else WorldConfig()
            world.seed = seed
            if accounts is not None:
                world.benign = dataclasses.replace(world.benign, accounts=accounts)
            if days is not None:
                world.days = days
            if not quiet:
                console.print(f"simulating a world ({world.benign.accounts} accounts, {world.days} days, seed {seed})…")
            simulate(world, events, directory / "truth.jsonl")
        if store.counts()["events"] == 0:
            if not quiet:
                console.print("ingesting it: detectors → policy → decisions…")
            build_pipeline(cfg, store).run([FileSource(events)])
        svc = ReviewService(cfg, store)
        svc.sync()
        for name, role in DEMO_USERS.items():
            with contextlib.suppress(AuthError):  # already there from an earlier run
                svc.users.create(name, DEMO_PASSWORD, role)
    finally:
        store.close()
    return cfg


def _check_port(host: str, port: int) -> None:
    """Fail before the minute of simulation, not after printing "ready": is the port free?"""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            err_console.print(
                f"cannot serve on {host}:{port} ({exc.strerror or exc}); pick another with --port, "
                "or stop what is using it"
            )
            raise typer.Exit(2) from None


def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where the world, the store and the keys go.")] = Path(
        ".cauterize/demo"
    ),
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 7,
    host: Annotated[str, typer.Option(help="Bind address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the console when ready.")] = True,
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser on it.")] = False,
) -> None:
    """Simulate a small world, process it, and open the review console on its cases."""
    if serve:
        _check_port(host, port)
    cfg = prepare_demo(directory, seed)
    url = f"http://{host}:{port}/"
    console.print(
        f"\nready: log in at [bold]{url}[/] as [bold]reviewer[/] / [bold]{DEMO_PASSWORD}[/] "
        f"(also viewer, reviewer2, lead, admin; same password)"
    )
    if not serve:
        return
    import uvicorn

    from cauterize.web.app import create_console_app

    if open_browser and not os.environ.get("CI"):
        import threading
        import webbrowser

        threading.Timer(1.5, webbrowser.open, [url]).start()
    uvicorn.run(create_console_app(cfg, background=True), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
