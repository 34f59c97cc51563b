"""The model files shipped in ``cauterize.models`` (or a directory that holds the same names).

Loading never touches the network: files come from the installed package through
``importlib.resources``, or from a directory an operator names (a retrained set).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cauterize.content.cascade import Cascade
from cauterize.content.linear import LinearTextModel, file_name

#: The model set this release ships; bump it with every retrain that changes weights.
VERSION = "2.2.0"
TASK_LABELS: dict[str, str] = {
    "propaganda": "propaganda.terrorist",
    "recruitment": "recruitment.solicitation",
    "threat": "threat",
}


def _read(name: str, directory: Path | None) -> bytes:
    if directory is not None:
        return (directory / name).read_bytes()
    return resources.files("cauterize.models").joinpath(name).read_bytes()


def _model(name: str, version: str, directory: Path | None) -> LinearTextModel:
    return LinearTextModel.load_bytes(_read(file_name(name, version), directory))


@cache
def load_cascade(task: str, version: str = VERSION, directory: Path | None = None) -> Cascade:
    if task not in TASK_LABELS:
        raise ValueError(f"unknown text task {task!r}; known: {sorted(TASK_LABELS)}")
    fast = _model(f"{task}-fast", version, directory)
    strong = _model(f"{task}-strong", version, directory)
    band = fast.meta.get("cascade", {})
    return Cascade(
        TASK_LABELS[task],
        fast,
        strong,
        low=float(band.get("low", 0.2)),
        high=float(band.get("high", 0.8)),
        threshold=float(band.get("threshold", 0.5)),
        thresholds={str(k): float(v) for k, v in band.get("thresholds", {}).items()},
        strong_scripts=frozenset(band.get("strong_scripts", ())),
    )


def load_metrics(version: str = VERSION, directory: Path | None = None) -> dict[str, Any]:
    return json.loads(_read(f"content-metrics-{version}.json", directory))


def shipped_files(directory: Path | None = None) -> list[tuple[str, int]]:
    """(file name, size in bytes) of every model and metrics file."""
    if directory is not None:
        return sorted((p.name, p.stat().st_size) for p in directory.iterdir() if p.name.endswith((".json.gz", ".json")))
    root = resources.files("cauterize.models")
    out = []
    for entry in root.iterdir():
        if entry.name.endswith((".json.gz", ".json")):
            out.append((entry.name, len(entry.read_bytes())))
    return sorted(out)
