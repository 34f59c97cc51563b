"""``cauterize report``: the transparency report per day, week or month (docs/report.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cauterize.cli.common import ConfigOption, console, err_console, get_config


def report(
    period: Annotated[str, typer.Option(help="day, week (ISO, from Monday) or month; UTC.")] = "day",
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD or ISO time).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day, included (or an ISO time, excluded).")] = None,
    html: Annotated[Path | None, typer.Option(help="Write the self-contained HTML report here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    platform: Annotated[str | None, typer.Option(help="Platform (default: the only one in the store).")] = None,
    census: Annotated[bool, typer.Option(help="Compute the network census (seconds on a large store).")] = True,
    bootstrap: Annotated[int | None, typer.Option(help="Seed bootstrap rounds for the census interval.")] = None,
    plots: Annotated[bool, typer.Option(help="Draw plots into the HTML (needs the 'plot' extra).")] = True,
    baseline: Annotated[
        bool, typer.Option(help="Count returns by handle edit distance too (the naive baseline; replays events).")
    ] = True,
    config: ConfigOption = None,
) -> None:
    """Accounts actioned, how early, reach before action, returns, census, appeals, SLA, collateral."""
    from cauterize.app import open_store
    from cauterize.report import render
    from cauterize.report.figures import PERIODS
    from cauterize.report.service import parse_bound, report_for

    if period not in PERIODS:
        err_console.print(f"[red]--period must be one of {', '.join(PERIODS)}[/]")
        raise typer.Exit(2)
    try:
        t0, t1 = parse_bound(start), parse_bound(end, end=True)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    cfg = get_config(config)
    store = open_store(cfg)
    try:
        r = report_for(cfg, store, period, t0, t1, platform, census, bootstrap, baseline=baseline)
    except LookupError as exc:
        err_console.print(str(exc))
        raise typer.Exit(1) from None
    finally:
        store.close()
    if html:
        html.write_text(render.html(r, plots), encoding="utf-8")
    if as_json:
        print(json.dumps(r, indent=2, default=str))
        return
    _print(r)
    if html:
        from cauterize.report.plots import plots_off

        why = plots_off() if plots else "plots not asked for"
        console.print(f"wrote {html}" + (f" ({why})" if why else ""))


def _print(r: dict) -> None:
    from cauterize.report.render import view

    v = view(r)
    cols = (0, 1, 2, 3, 4, 5, 6, 7)
    short = ("period", "actioned", "surfaced first", "user reports", "pre-post", "<10 fol.", "med h", "p90 h")
    t = Table(*short, title=f"transparency report: {r['platform']}, per {r['period']}", title_justify="left")
    for row in v["period_rows"]:
        t.add_row(*(row[i] for i in cols))
    console.print(t)
    t2 = Table("period", "returns/susp.", "edit-dist. baseline", "return min", "relink min", "census (90% interval)")
    for row in v["period_rows_2"]:
        t2.add_row(*(row[i] for i in (0, 1, 2, 3, 4, 5)))
    console.print(t2)
    for label, value, note in v["headline"]:
        console.print(f"{label}: [bold]{value}[/] {note}")
    console.print(f"census: {v['census_note']}")
    console.print("cannot know: " + " ".join(r["cannot_know"][:1]) + " (see --json or docs/report.md for the rest)")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
