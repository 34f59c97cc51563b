"""``cauterize backfill``: score archives (JSON Lines, gzip, Parquet) on a local or distributed engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from cauterize.cli.common import ConfigOption, console, err_console, get_config, untrusted


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"PAR1"


def _since(value: str | None) -> float | None:
    if value is None:
        return None
    t = datetime.fromisoformat(value)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()


def report_table(r: dict[str, Any]) -> Table:
    t = Table(title=f"backfill on {r['engine']} ({r['cores']} cores)", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    rows: list[tuple[str, Any]] = [
        ("partitions", r["partitions"]),
        ("records read", r["records"]),
        ("events parsed", r["events_parsed"]),
        ("unique events", r["events_unique"]),
        ("duplicates skipped", r["duplicates"]),
        ("scored (in the period)", r["events_scored"]),
        ("history before --since (warm-up only)", r["warm_up_events"]),
        *((f"signals {k}", v) for k, v in sorted(r["signals"].items())),
        *((f"decisions: {k}", v) for k, v in sorted(r["decisions"].items())),
        ("dead letters", r["dead_letters"]),
        *((f"  {k}", v) for k, v in sorted(r["dead_letter_reasons"].items(), key=lambda kv: -kv[1])),
        ("detector errors", r["detector_errors"]),
        ("seconds", f"{r['seconds']['total']:.2f}"),
        ("events/s", f"{r['events_per_s'] or 0:,.0f}"),
        ("events per CPU-second", f"{r['events_per_cpu_s'] or 0:,.0f}"),
    ]
    for name, b in sorted(r["versions"].get("banks", {}).items()):
        rows.append((f"bank {name}", f"version {b['version']} ({b['entries']} entries)"))
    for name, v in sorted(r["versions"].get("detectors", {}).items()):
        rows.append((f"detector {name}", f"version {v}"))
    for k, v in rows:
        t.add_row(k, str(v))
    return t


def backfill(
    archives: Annotated[
        list[Path], typer.Argument(help="Archive files: JSON Lines (plain or .gz) in any input format, or Parquet.")
    ],
    engine: Annotated[str, typer.Option("--engine", "-e", help="local (this process), dask or spark.")] = "local",
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Local worker processes (dask) or cores (spark local[N]).")
    ] = 2,
    address: Annotated[
        str | None,
        typer.Option("--address", help="A running cluster: dask scheduler (tcp://host:8786) or Spark master URL."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Score only events at or after this ISO time; earlier ones only warm up stateful detectors."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write signals, decisions and dead letters as Parquet here instead of into the store."
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Input format, or auto (detected per record).")] = "auto",
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this detector (repeatable): a retro-hunt.")
    ] = None,
    bank: Annotated[
        list[Path] | None,
        typer.Option(
            "--bank", help="A bank file of known material to hunt with (repeatable; turns known_material on)."
        ),
    ] = None,
    partition_mb: Annotated[
        float,
        typer.Option(
            "--partition-mb",
            help="Megabytes of plain JSON Lines per task at most (less, so that each worker gets four).",
        ),
    ] = 32.0,
    network: Annotated[
        bool,
        typer.Option(
            "--network",
            help="Then the network census and coordination over the store (as `cauterize census` and `coordination`).",
        ),
    ] = False,
    platform: Annotated[str | None, typer.Option(help="Platform of --network (default: the only one).")] = None,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run report as one JSON object.")] = False,
) -> None:
    """Backfill or retro-hunt: score archived data with the same detectors and policy as ingest."""
    from cauterize.backfill.engines.base import EngineUnavailable, engines, get_engine
    from cauterize.backfill.run import backfill as run_backfill
    from cauterize.backfill.run import retro_hunt_config
    from cauterize.backfill.score import ScoringSpec
    from cauterize.backfill.sinks import ParquetSink, Sink, StoreSink
    from cauterize.ingest.registry import adapters
    from cauterize.policy.registry import build_policy

    cfg = get_config(config)
    if engine not in engines():
        err_console.print(f"[red]unknown engine {engine!r}[/]; known: {', '.join(engines())}")
        raise typer.Exit(2)
    if fmt != "auto" and fmt not in adapters():
        err_console.print(f"[red]unknown format {fmt!r}[/]")
        raise typer.Exit(2)
    for a in archives:
        if not a.is_file():
            err_console.print(Text("no such file: ", style="red") + untrusted(a))
            raise typer.Exit(2)
    for b in bank or ():
        if not b.is_file():
            err_console.print(Text("no such bank file: ", style="red") + untrusted(b))
            raise typer.Exit(2)
    try:
        detectors = retro_hunt_config(cfg.detectors, only or (), bank or ())
        start = _since(since)
    except ValueError as exc:
        err_console.print(untrusted(exc))
        raise typer.Exit(2) from None
    needs_arrow = out is not None or any(_is_parquet(a) for a in archives)
    if needs_arrow:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            err_console.print("Parquet needs pyarrow: pip install 'cauterize[backfill]'")
            raise typer.Exit(2) from None
    if network and out is not None:
        err_console.print("[red]--network reads the store the backfill fills: leave out --out[/]")
        raise typer.Exit(2)
    spec = ScoringSpec(detectors=detectors, fmt=fmt, since=start, max_record_bytes=cfg.max_record_bytes)
    policy = build_policy(cfg.policy)
    store = None
    if out is None:
        from cauterize.app import open_store

        store = open_store(cfg)

    def sink_for(versions: dict[str, Any]) -> Sink:
        if out is not None:
            return ParquetSink(out, versions)
        assert store is not None
        run_id = store.start_run([f"backfill:{a}" for a in archives], datetime.now(UTC))
        return StoreSink(store, run_id, cfg.batch_size)

    result: dict[str, Any] = {}
    try:
        eng = get_engine(engine, workers=workers, address=address)
        with eng:
            if store is not None:
                with store.writer():
                    report = run_backfill(archives, spec, policy, eng, sink_for, int(partition_mb * 1024 * 1024))
            else:
                report = run_backfill(archives, spec, policy, eng, sink_for, int(partition_mb * 1024 * 1024))
            result = report.as_dict()
            if network and store is not None:
                result["network"] = _network(store, cfg, platform, eng)
    except EngineUnavailable as exc:
        err_console.print(untrusted(str(exc)))
        raise typer.Exit(2) from None
    except LookupError as exc:
        err_console.print(untrusted(str(exc)))
        raise typer.Exit(1) from None
    finally:
        if store is not None:
            store.close()
    if as_json:
        print(json.dumps(result, default=str))
        return
    console.print(report_table(result))
    if "network" in result:
        console.print(Text(json.dumps(result["network"], indent=2)))
    if out is not None:
        console.print(Text(f"results: {out}/signals.parquet, decisions.parquet, dead_letters.parquet, report.json"))


def _network(store: Any, cfg: Any, platform: str | None, eng: Any) -> dict[str, Any]:
    import time

    from cauterize.backfill.network import census_of, coordination_of, coordination_summary
    from cauterize.network import persist
    from cauterize.network.service import NetworkSettings

    settings = NetworkSettings.from_config(getattr(cfg, "network", {}) or {})
    plat = persist.default_platform(store, platform)
    t0 = time.perf_counter()
    census = census_of(store, settings, plat)
    t1 = time.perf_counter()
    pairs = coordination_of(store, plat, eng, settings.coordination_window, settings.coordination_max_burst)
    t2 = time.perf_counter()
    return {
        "census": census,
        "coordination": coordination_summary(pairs, settings.coordination_min_items),
        "seconds": {"census": round(t1 - t0, 3), "coordination": round(t2 - t1, 3)},
    }


def register(app: typer.Typer) -> None:
    app.command("backfill")(backfill)
