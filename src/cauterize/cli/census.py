"""``cauterize census``: estimated active network accounts per day, with method and uncertainty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, err_console


def census(
    platform: Annotated[str | None, typer.Option(help="Platform (default: the only one in the store).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the census plot (PNG) here.")] = None,
    bootstrap: Annotated[int | None, typer.Option(help="Seed bootstrap rounds for the interval.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the census as JSON.")] = False,
    config: ConfigOption = None,
) -> None:
    """Count the network per day: active accounts (estimate, 90% interval), created, suspended, followers."""
    from dataclasses import asdict
    from datetime import UTC, datetime

    from cauterize.cli.network import _setup
    from cauterize.network import persist
    from cauterize.network.service import analyse_store, run_census

    store, settings, plat = _setup(config, platform)
    a = analyse_store(store, settings, plat)
    days, method = run_census(a, settings.bootstrap if bootstrap is None else bootstrap)
    now = datetime.now(UTC)
    persist.save_census(
        store,
        plat,
        [
            {
                "platform": plat,
                "day": d.day,
                "active": d.active,
                "low": d.low,
                "high": d.high,
                "suspended": d.suspended,
                "created": d.created,
                "followers": d.followers,
                "method": method[:256],
                "computed_at": now,
            }
            for d in days
        ],
    )
    if as_json:
        print(
            json.dumps(
                {
                    "platform": plat,
                    "method": method,
                    "seeds": len(a.scores.seeds),
                    "seed_summary": a.seed_summary(),
                    "seed_reasons": {k: a.seed_choice.why[k] for k in a.seeds_used()} if a.seed_choice else {},
                    "days": [asdict(d) for d in days],
                },
                indent=2,
            )
        )
    else:
        t = Table(
            "day",
            "active (estimate)",
            "90% interval",
            "created",
            "suspended",
            "followers reached",
            title=f"census of the network on {plat} ({len(a.scores.seeds)} confirmed seeds)",
            title_justify="left",
        )
        for d in days:
            t.add_row(
                d.day,
                f"{d.active:,.0f}",
                f"{d.low:,.0f} – {d.high:,.0f}",
                str(d.created),
                str(d.suspended),
                f"{d.followers:,}",
            )
        console.print(t)
        console.print(f"seeds: {a.seed_summary()}")
        console.print(f"method: {method}")
    if plot:
        from cauterize.network.plot import census_plot

        try:
            census_plot(days, plot, f"Estimated active network accounts per day ({plat})", method)
        except RuntimeError as exc:
            err_console.print(f"[red]{exc}[/]")
            raise typer.Exit(2) from None
        if not as_json:
            console.print(f"wrote {plot}")


def register(app: typer.Typer) -> None:
    app.command("census")(census)
