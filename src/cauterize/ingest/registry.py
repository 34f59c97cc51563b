"""Finds adapters: every module in ``cauterize.ingest`` plus the ``cauterize.adapters`` entry points."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points
from typing import Any

import msgspec

from cauterize.ingest.base import Adapter, RecordError

_NOT_ADAPTERS = {"base", "registry", "sources", "auto"}


@cache
def adapters() -> dict[str, type[Adapter]]:
    import cauterize.ingest as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in _NOT_ADAPTERS and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    for ep in entry_points(group="cauterize.adapters"):
        ep.load()
    return dict(sorted(Adapter.registry.items()))


def get_adapter(name: str, **options: Any) -> Adapter:
    """An adapter by format name; ``options`` go to its constructor (e.g. ``kind="tweets"``)."""
    try:
        cls = adapters()[name]
    except KeyError:
        known = ", ".join(adapters())
        raise ValueError(f"unknown format {name!r}; known formats: {known}") from None
    try:
        return cls(**options)
    except TypeError as exc:
        raise ValueError(f"format {name!r} does not take these options: {exc}") from None


def sniff_class(data: bytes) -> type[Adapter]:
    """The adapter class for a record, from its decoded JSON."""
    try:
        obj = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise RecordError(f"cannot detect the format: the record is not JSON ({exc})") from None
    except RecursionError:
        raise RecordError("cannot detect the format: the record is nested too deeply") from None
    for cls in sorted(adapters().values(), key=lambda c: -c.sniff_priority):
        try:
            matched = cls.sniff(obj)
        except Exception:  # a sniffer that cannot read this value has not recognised it
            matched = False
        if matched:
            return cls
    raise RecordError("cannot detect the format of the record; pass --format")


def sniff(data: bytes) -> Adapter:
    """Pick the adapter for an input from its first record."""
    return sniff_class(data)()
