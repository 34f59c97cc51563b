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


def _summary_rows(task: str, m: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [("threshold", str(m.get("threshold")))]
    for key in ("tweet_level", "real", "synthetic_only"):
        part = m.get(key)
        if isinstance(part, dict):
            rows.append(
                (
                    key,
                    f"n={part['n']} pos={part['positives']} auc={part['auc_cascade']} (fast {part['auc_fast']}) "
                    f"tpr={part['tpr_at_threshold']} fpr={part['fpr_at_threshold']} strong-tier={part['strong_tier_share']}",
                )
            )
    if "account_level" in m:
        a = m["account_level"]
        rows.append(
            (
                "account_level",
                f"windows of {a['window']}: auc(top-5 mean)={a['auc_top5_mean']} auc(mean)={a['auc_mean']}",
            )
        )
    if "hard_negatives" in m:
        rows.append(("hard_negatives fpr", json.dumps(m["hard_negatives"], sort_keys=True)))
    if "davidson_fpr" in m:
        rows.append(("davidson fpr", str(m["davidson_fpr"])))
    for lang, part in sorted((m.get("by_language") or m.get("real_by_language") or {}).items()):
        rows.append(
            (
                f"lang {lang}",
                f"n={part['n']} pos={part['positives']} auc={part['auc_cascade']} tpr={part['tpr_at_threshold']}",
            )
        )
    if "synthetic_share_of_test_positives" in m:
        rows.append(("synthetic share of test positives", str(m["synthetic_share_of_test_positives"])))
    return rows


@models_app.command("eval")
def eval_command(
    models: DirOption = None,
    version: Annotated[str | None, typer.Option(help="Model set version (default: the shipped one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics JSON as written by train.")] = False,
) -> None:
    """Print the held-out metrics recorded when the models were trained."""
    from cauterize.content.shipped import VERSION, load_metrics

    try:
        metrics = load_metrics(version or VERSION, models)
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]no metrics for version {version or VERSION}:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        console.print_json(json.dumps(metrics, sort_keys=True))
        return
    for task, m in metrics["tasks"].items():
        table = Table(title=f"{task} ({m['label']}) - {', '.join(m['models'])}", show_header=False)
        for key, value in _summary_rows(task, m):
            table.add_row(key, value)
        console.print(table)


@models_app.command("info")
def info_command(models: DirOption = None) -> None:
    """List the model files: name, version, size, SHA-256, weights, thresholds."""
    from cauterize.content.linear import LinearTextModel
    from cauterize.content.shipped import shipped_files

    directory = models or _packaged_dir()
    table = Table("file", "model", "bytes", "sha256", "weights", "calibration", "cascade")
    for name, size in shipped_files(directory):
        raw = (directory / name).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()[:16]
        if name.endswith(".json.gz"):
            model = LinearTextModel.load_bytes(raw)
            weights = str(len(model.word_weights) + len(model.char_weights))
            table.add_row(
                name,
                model.model_id,
                str(size),
                digest,
                weights,
                f"a={model.platt_a} b={model.platt_b}",
                json.dumps(model.meta.get("cascade", "")),
            )
        else:
            table.add_row(name, "metrics", str(size), digest, "", "", "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
