"""Finds policies: every module in ``cauterize.policy`` plus the ``cauterize.policies`` entry points."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from cauterize.policy.base import Policy


@cache
def policy_classes() -> dict[str, type[Policy]]:
    import cauterize.policy as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in {"base", "registry"} and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    for ep in entry_points(group="cauterize.policies"):
        ep.load()
    return dict(Policy.registry)


def build_policy(config: Mapping[str, Any]) -> Policy:
    options = dict(config)
    name = options.pop("name", "threshold")
    classes = policy_classes()
    if name not in classes:
        raise ValueError(f"unknown policy {name!r}; known: {sorted(classes)}")
    return classes[name](**options)
