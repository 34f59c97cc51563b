"""Finds detectors: every module in ``cauterize.detectors`` plus the ``cauterize.detectors`` entry points."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from cauterize.detectors.base import Detector

_NOT_DETECTORS = {"base", "registry"}


@cache
def detector_classes() -> dict[str, type[Detector]]:
    import cauterize.detectors as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in _NOT_DETECTORS and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    for ep in entry_points(group="cauterize.detectors"):
        ep.load()
    return dict(sorted(Detector.registry.items()))


def build_detectors(config: Mapping[str, Mapping[str, Any]]) -> list[Detector]:
    """Instantiate enabled detectors, cheapest first.

    ``config`` maps a detector name to its options; ``enabled = false`` turns off one that is
    on by default, ``enabled = true`` (or any table) turns on one that is not.
    """
    classes = detector_classes()
    unknown = set(config) - set(classes)
    if unknown:
        raise ValueError(f"unknown detector(s) in config: {sorted(unknown)}; known: {sorted(classes)}")
    built = []
    for name, cls in classes.items():
        options = dict(config.get(name, {}))
        enabled = options.pop("enabled", cls.enabled_by_default or name in config)
        if enabled:
            built.append(cls(**options))
    return sorted(built, key=lambda d: (d.cost_us, d.name))
