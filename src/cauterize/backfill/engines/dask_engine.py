"""``--engine dask``: dask.distributed, a LocalCluster of worker processes or a running scheduler.

Without ``--address`` it starts ``workers`` single-threaded worker processes on this machine
(detectors are Python: threads would share one GIL) and stops them afterwards; with
``--address tcp://host:8786`` it submits to an existing cluster (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from cauterize.backfill.engines.base import Engine, EngineUnavailable

T = TypeVar("T")
R = TypeVar("R")


class DaskEngine(Engine):
    name = "dask"
    extra = "backfill"

    def start(self) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineUnavailable("dask.distributed is not installed: pip install 'cauterize[backfill]'") from None
        self._cluster = None
        try:
            if self.address:
                self.client = Client(self.address, timeout=30)
            else:
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    silence_logs=40,
                )
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:  # a scheduler that does not answer: say so, no traceback
            raise EngineUnavailable(f"no Dask scheduler at {self.address or 'a local cluster'}: {exc}") from None

    def stop(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def cores(self) -> int:
        return sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()) or self.workers

    def worker_pids(self) -> list[int]:
        if self._cluster is None:
            return []
        return list(self.client.run(_pid).values())

    def map(self, fn: Callable[[T, Any], R], items: Sequence[T], arg: Any) -> Iterator[R]:
        from distributed import as_completed

        shared = self.client.scatter(arg, broadcast=True, hash=False)
        futures = self.client.map(_apply, list(items), fn=fn, arg=shared, pure=False)
        for future in as_completed(futures):
            result = future.result()
            future.release()
            yield result


def _apply(item: Any, fn: Callable[[Any, Any], Any], arg: Any) -> Any:
    return fn(item, arg)


def _pid() -> int:
    import os

    return os.getpid()
