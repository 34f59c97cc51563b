"""``cauterize sim`` (generate a synthetic world) and ``cauterize eval`` (score a run against it).

The simulator and the evaluation code are imported inside the commands: the product never
depends on the simulator, and ``cauterize --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cauterize.cli.common import untrusted

console = Console()
err_console = Console(stderr=True)


def sim_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Event stream to write ('-' for stdout; '.gz' compresses).")],
    truth: Annotated[
        Path | None,
        typer.Option(help="Ground truth to write: '.json' for one document, anything else for JSON lines."),
    ] = None,
    scenario: Annotated[Path | None, typer.Option(help="Scenario TOML (see bench/scenarios/).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (overrides the scenario's).")] = None,
    accounts: Annotated[
        int | None, typer.Option(help="Ordinary accounts at the start (overrides the scenario).")
    ] = None,
    days: Annotated[float | None, typer.Option(help="Simulated days (overrides the scenario).")] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="jsonl (canonical), twitter-v2 or jetstream (the names `ingest --format` takes)."
        ),
    ] = "jsonl",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    randomise: Annotated[
        bool,
        typer.Option(
            "--randomise", help="Draw the evaders' habits (return delay, renaming, reuse, promotion) from the seed."
        ),
    ] = False,
    generator: Annotated[
        str,
        typer.Option(
            help="'cauterize' (the main simulator) or 'atproto' (the second, Bluesky-shaped generator "
            "that nothing is tuned on; canonical JSONL only; --scenario, --accounts, --days apply)."
        ),
    ] = "cauterize",
) -> None:
    """Write a seeded synthetic platform stream and its ground truth (same seed, same bytes)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from cauterize.sim.config import WorldConfig, load_scenario
    from cauterize.sim.run import FORMATS, simulate

    # The same spelling as `ingest --format` (twitter-v2) is accepted, and the old one kept.
    fmt = {f.replace("_", "-"): f for f in FORMATS}.get(fmt.replace("_", "-"), fmt)
    if fmt not in FORMATS:
        err_console.print(untrusted(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}"))
        raise typer.Exit(2)
    try:
        cfg = load_scenario(scenario) if scenario else WorldConfig()
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]scenario error:[/] {exc}")
        raise typer.Exit(2) from None
    if seed is not None:
        cfg.seed = seed
    if days is not None:
        cfg.days = days
    if accounts is not None:
        cfg.benign = dataclasses.replace(cfg.benign, accounts=accounts)
    if randomise:
        from cauterize.sim.randomise import randomised

        cfg = randomised(cfg, cfg.seed)
    if generator == "atproto":
        from cauterize.sim.atproto import simulate_atproto

        res = simulate_atproto(cfg, out, truth)
        if not quiet:
            err_console.print(f"{res.events:,} events, {res.accounts:,} accounts -> {', '.join(res.paths)}")
        return
    if generator != "cauterize":
        err_console.print(f"[red]unknown generator {generator!r}[/]; choose cauterize or atproto")
        raise typer.Exit(2)
    show = not quiet and str(out) != "-"
    try:
        if show:
            with Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console
            ) as bar:
                task = bar.add_task("generating", total=None)
                done = [0]

                def tick(n: int) -> None:
                    done[0] += n
                    bar.update(task, description=f"generating: {done[0]:,} events")

                result = simulate(cfg, out, truth, fmt=fmt, progress=tick)
        else:
            result = simulate(cfg, out, truth, fmt=fmt)
    except ValueError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if show:
        err_console.print(
            f"{result.events:,} events, {result.accounts:,} accounts ({result.extremist:,} extremist, "
            f"{result.confounder:,} confounders) in {result.seconds:.1f}s -> {', '.join(result.paths)}"
        )


def eval_command(
    truth: Annotated[Path, typer.Option(help="Ground truth written by `cauterize sim`.")],
    decisions: Annotated[Path, typer.Option(help="`cauterize decisions export --format jsonl` output.")],
    signals: Annotated[Path | None, typer.Option(help="Optional JSONL of raw signals, for ROC-AUC.")] = None,
    events: Annotated[
        Path | None, typer.Option(help="Canonical event stream, read for follower counts the truth lacks.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON here.")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Write a markdown report here.")] = None,
    shadow: Annotated[
        bool, typer.Option("--shadow", help="Score the shadow-mode rules' decisions instead of the live ones.")
    ] = False,
) -> None:
    """Precision, recall, F1, ROC-AUC, ban-evasion timing and harm to confounders.

    With ``--events``, the naive ban-evasion rule (edit distance <= 0.2 to a suspended handle)
    is computed from the same events and printed beside cauterize's figures.
    """
    from cauterize.evaluation.decisions import read_decisions, read_signals
    from cauterize.evaluation.followers import follower_timelines
    from cauterize.evaluation.metrics import evaluate
    from cauterize.evaluation.report import render, to_json, to_markdown
    from cauterize.evaluation.truth import read_truth

    try:
        t = read_truth(truth)
        d = read_decisions(decisions, shadow=shadow)
        s = read_signals(signals) if signals else None
    except (OSError, ValueError, KeyError) as exc:
        err_console.print(f"[red]input error:[/] {exc}")
        raise typer.Exit(2) from None
    # Only the simulated platform is scored: decisions about accounts of another platform (a
    # sample ingested into the same store) are not harm against this world's truth.
    platforms = {a.platform for a in t.accounts.values()}
    other = [x for x in d if x.platform not in platforms]
    if other:
        d = [x for x in d if x.platform in platforms]
        if s is not None:
            s = [x for x in s if x.platform in platforms]
        console.print(
            untrusted(
                f"scoring platform(s) {', '.join(sorted(platforms))} only: {len(other)} decision(s) about "
                f"other platforms ({', '.join(sorted({x.platform for x in other}))}) left out"
            ),
            soft_wrap=True,
        )
    followers = None
    if events is not None:
        missing = [a.key for a in t.accounts.values() if a.is_replacement and a.followers is None]
        if missing:
            followers = follower_timelines(events, missing)
    naive = None
    if events is not None:
        from cauterize.evaluation.naive import naive_decisions

        naive = naive_decisions(events)
    report = evaluate(t, d, s, followers, naive)
    render(report, console)
    if json_out is not None:
        json_out.write_text(to_json(report) + "\n", encoding="utf-8")
    if markdown is not None:
        markdown.write_text(to_markdown(report), encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command("sim")(sim_command)
    app.command("eval")(eval_command)
