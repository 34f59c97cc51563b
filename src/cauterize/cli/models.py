"""``cauterize models train|eval|info``: rebuild, measure and describe the shipped text models.

Training imports numpy and scikit-learn inside the command (the ``content`` extra); ``eval``
and ``info`` read the shipped files with the standard library only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

models_app = typer.Typer(help="Text models: train from shared/data, print metrics, describe the shipped files.")

DirOption = Annotated[
    Path | None, typer.Option("--models", help="A directory of model files instead of the packaged ones.")
]


def _packaged_dir() -> Path:
    import cauterize.models as pkg

    return Path(pkg.__file__).resolve().parent


@models_app.command("train")
def train_command(
    data: Annotated[
        Path | None, typer.Option(help="shared/data directory (default: $CAUTERIZE_SHARED_DATA or ../shared/data).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the models (default: the package's models/).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the splits and the solver.")] = 13,
    version: Annotated[
        str | None, typer.Option(help="Version to stamp on the files (default: the shipped one).")
    ] = None,
    task: Annotated[list[str] | None, typer.Option(help="Train only this task (repeatable).")] = None,
) -> None:
    """Rebuild the text models deterministically (same data and seed, same bytes) and their metrics."""
    from cauterize.content import data as datasets
    from cauterize.content.shipped import TASK_LABELS, VERSION
    from cauterize.content.train import TrainConfig, metrics_name, train_all

    root = data or datasets.default_data_dir()
    if not datasets.available(root):
        err_console.print(f"[red]no training data at {root}[/] (expected extremist_tweets/, general_tweets/, ...)")
        raise typer.Exit(2)
    tasks = tuple(task or TASK_LABELS)
    unknown = sorted(set(tasks) - set(TASK_LABELS))
    if unknown:
        err_console.print(f"[red]unknown task(s):[/] {unknown}; known: {sorted(TASK_LABELS)}")
        raise typer.Exit(2)
    target = out or _packaged_dir()
    cfg = TrainConfig(seed=seed, version=version or VERSION)
    try:
        train_all(root, target, cfg, tasks, log=lambda m: err_console.print(m))
    except RuntimeError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    console.print(f"wrote models and {metrics_name(cfg.version)} to {target}")


MODEL_COLUMNS = ("shipped", "baseline", "baseline_raw")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _metric_table(task: str, m: dict[str, Any], only: str | None) -> Table:
    """One row per metric: the shipped model, the baselines beside it, and the rows behind it."""
    models = [c for c in MODEL_COLUMNS if c in m.get("metrics", {})]
    table = Table("metric", *models, "n", title=f"{task} ({m['label']}) - {', '.join(m['models'])}")
    thresholds = m.get("thresholds", {})
    table.add_row(
        "threshold (en / ar / fr)",
        *[" / ".join(_fmt(thresholds.get(c, {}).get(lang)) for lang in ("en", "ar", "fr")) for c in models],
        "",
    )
    for name in sorted(m["metrics"]["shipped"]):
        if only and only not in name:
            continue
        table.add_row(name, *[_fmt(m["metrics"][c].get(name)) for c in models], _fmt(m["n"].get(name)))
    return table


def _extras(m: dict[str, Any]) -> list[str]:
    lines = [f"strong tier share of test posts: {_fmt(m.get('strong_tier_share'))}"]
    inv = m.get("invariance")
    if inv:
        lines.append(
            f"zero-width/confusable edits on {inv['rows']} test rows: {inv['decisions_changed']} decisions changed "
            f"({inv['normal_form_changed']} normal forms changed)"
        )
    link = m.get("link_sensitivity")
    if link:
        parts = [
            f"{c} {_fmt(link[c]['flagged_before'])} -> {_fmt(link[c]['flagged_after'])}"
            for c in MODEL_COLUMNS
            if c in link
        ]
        lines.append(f"general tweets flagged before -> after appending '{link['appended']}': " + ", ".join(parts))
    acct = m.get("account_level")
    if acct:
        for c in MODEL_COLUMNS:
            if c in acct:
                a = acct[c]
                lines.append(
                    f"{c}: {acct['window']}-tweet windows, AUC of flagged share {_fmt(a['auc_flagged_share'])}; "
                    f"windows with a flag: pro-IS {_fmt(a['positive_windows_with_a_flag'])} of {a['positive_windows']}, "
                    f"general {_fmt(a['negative_windows_with_a_flag'])} of {a['negative_windows']}"
                )
    return lines


@models_app.command("eval")
def eval_command(
    models: DirOption = None,
    version: Annotated[str | None, typer.Option(help="Model set version (default: the shipped one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics JSON as written by train.")] = False,
    only: Annotated[str | None, typer.Option(help="Only metrics whose name contains this.")] = None,
) -> None:
    """Print the held-out metrics recorded at training, the TF-IDF + LR baselines beside each figure."""
    from cauterize.content.shipped import VERSION, load_metrics

    try:
        metrics = load_metrics(version or VERSION, models)
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]no metrics for version {version or VERSION}:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        console.print_json(json.dumps(metrics, sort_keys=True))
        return
    if "baseline" in metrics:
        console.print(f"baseline: {metrics['baseline']}")
    for task, m in metrics["tasks"].items():
        if "metrics" not in m:
            console.print(f"{task}: metrics of an older format; retrain to print them")
            continue
        console.print(_metric_table(task, m, only))
        for line in _extras(m):
            console.print(f"  {line}")


@models_app.command("info")
def info_command(
    models: DirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file, for scripts.")] = False,
) -> None:
    """List the model files: name, version, size, SHA-256, weights, calibration, thresholds."""
    from rich.console import Group
    from rich.panel import Panel

    from cauterize.content.linear import LinearTextModel
    from cauterize.content.shipped import shipped_files

    directory = models or _packaged_dir()
    blocks = []
    for name, size in shipped_files(directory):
        raw = (directory / name).read_bytes()
        row: dict[str, Any] = {"file": name, "bytes": size, "sha256": hashlib.sha256(raw).hexdigest()}
        if name.endswith(".json.gz"):
            model = LinearTextModel.load_bytes(raw)
            row |= {
                "model": model.model_id,
                "weights": len(model.word_weights) + len(model.char_weights),
                "calibration": {"a": model.platt_a, "b": model.platt_b},
                "cascade": model.meta.get("cascade"),
            }
        else:
            row["model"] = "metrics"
        if as_json:
            print(json.dumps(row, sort_keys=True))
            continue
        # One block per file, one fact per line: readable at 80 columns, where a seven-column
        # table cut every cell.
        lines = [
            f"{k}: {v if not isinstance(v, dict) else json.dumps(v, sort_keys=True)}"
            for k, v in row.items()
            if k != "file" and v is not None
        ]
        blocks.append(Panel("\n".join(lines), title=name, title_align="left", expand=False))
    if not as_json:
        console.print(Group(*blocks))


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
