"""``--engine local``: the tasks one after another in this process (no cluster, nothing to install).

The reference the distributed engines are compared with, and the right choice for an archive
that one core reads in minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from cauterize.backfill.engines.base import Engine

T = TypeVar("T")
R = TypeVar("R")


class LocalEngine(Engine):
    name = "local"

    def cores(self) -> int:
        return 1

    def map(self, fn: Callable[[T, Any], R], items: Sequence[T], arg: Any) -> Iterator[R]:
        for item in items:
            yield fn(item, arg)
