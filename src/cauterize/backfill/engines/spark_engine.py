"""``--engine spark``: PySpark, ``local[N]`` on this machine or a cluster's master URL.

Each partition is one element of an RDD with one element per slice; the Python worker processes
Spark forks run the task, the JVM only schedules and moves pickled results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from cauterize.backfill.engines.base import Engine, EngineUnavailable

T = TypeVar("T")
R = TypeVar("R")


class SparkEngine(Engine):
    name = "spark"
    extra = "spark"

    def start(self) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise EngineUnavailable("pyspark is not installed: pip install 'cauterize[spark]'") from None
        import os
        import sys

        master = self.address or f"local[{self.workers}]"
        # The workers must run this interpreter (its environment has cauterize), not whatever
        # ``python3`` is first on the PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        try:
            self.session = (
                SparkSession.builder.master(master)
                .appName("cauterize-backfill")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.python.worker.reuse", "true")
                .config("spark.driver.maxResultSize", "0")
                .getOrCreate()
            )
        except Exception as exc:  # no Java, a master that does not answer: say so, no traceback
            raise EngineUnavailable(f"Spark did not start ({master}): {exc}") from None
        self.session.sparkContext.setLogLevel("ERROR")

    def stop(self) -> None:
        self.session.stop()

    def cores(self) -> int:
        return int(self.session.sparkContext.defaultParallelism)

    def map(self, fn: Callable[[T, Any], R], items: Sequence[T], arg: Any) -> Iterator[R]:
        sc = self.session.sparkContext
        shared = sc.broadcast(arg)
        rdd = sc.parallelize(list(items), max(1, len(items)))
        yield from rdd.map(lambda item: fn(item, shared.value)).toLocalIterator(prefetchPartitions=True)
