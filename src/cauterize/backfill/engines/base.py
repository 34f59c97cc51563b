"""The engine interface: run one function over many partitions, hand the results back as they finish.

A backfill needs nothing else from an engine (no shuffles, no SQL): the partition tasks are
independent, their results are small next to their input, and the ordered pass runs on the
driver. Adding an engine means adding a module to ``cauterize.backfill.engines`` with an
``Engine`` subclass; ``--engine NAME`` finds it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any, ClassVar, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class EngineUnavailable(RuntimeError):
    """The engine's package is not installed, or its cluster cannot be reached."""


class Engine:
    name: ClassVar[str] = ""
    #: The pip extra that installs it.
    extra: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[Engine]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            Engine.registry[cls.name] = cls

    def __init__(self, workers: int = 2, address: str | None = None) -> None:
        self.workers = workers
        self.address = address
        self._users = 0
        #: Seconds the last start took (connecting, or starting a local cluster).
        self.start_seconds = 0.0

    def __enter__(self) -> Engine:
        # Nested uses share one start: a backfill and the network analysis after it, in one cluster.
        if self._users == 0:
            import time

            t0 = time.perf_counter()
            self.start()
            self.start_seconds = time.perf_counter() - t0
        self._users += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._users -= 1
        if self._users == 0:
            self.stop()

    @property
    def running(self) -> bool:
        return self._users > 0

    def start(self) -> None:
        """Start (or connect to) the cluster."""

    def stop(self) -> None:
        """Stop what ``start`` started; leave a cluster it only connected to running."""

    def cores(self) -> int:
        """Worker cores the tasks ran on (for events/s per core)."""
        return self.workers

    def worker_pids(self) -> list[int]:
        """Local worker processes (for CPU and memory accounting); empty when remote."""
        return []

    def map(self, fn: Callable[[T, Any], R], items: Sequence[T], arg: Any) -> Iterator[R]:
        """``fn(item, arg)`` for every item, results in any order as they finish."""
        raise NotImplementedError


@cache
def engines() -> dict[str, type[Engine]]:
    import cauterize.backfill.engines as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    return dict(sorted(Engine.registry.items()))


def get_engine(name: str, workers: int = 2, address: str | None = None) -> Engine:
    try:
        cls = engines()[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(engines())}") from None
    return cls(workers=workers, address=address)
