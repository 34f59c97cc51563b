"""The console's pipeline in a process of its own, so that ingest never competes with the pages.

Ingest is CPU-bound Python: run on a thread of the server, it shares the interpreter lock with
every page a reviewer opens, and on two cores a 100,000-event push took the queue page's p99 to
about a second. In its own process the pipeline keeps its detectors' state (warmed up once, as
in the server) and the server's threads only wait on a queue. ``WorkerPipeline`` has the one
method the ingest route and the review service call, ``run(sources, fmt)``; runs are processed
one at a time, in order. ``cauterize serve`` uses it; tests and scripts that build the app
without ``background`` keep the pipeline in-process.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cauterize.config import Config
from cauterize.ingest.sources import BytesSource

#: How often a waiting caller checks that the worker is still alive.
_POLL_SECONDS = 1.0


class WorkerDied(RuntimeError):
    """The ingest process ended mid-run (killed, out of memory); it is started again."""


@dataclass
class RemoteSummary:
    """What the ingest route reads of a run's summary, as the worker reported it."""

    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> int:
        return int(self.raw.get("run_id") or 0)

    @property
    def dead_letters(self) -> int:
        return int(self.raw.get("dead_letters") or 0)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.raw)


def _serve(cfg: Config, requests: Any, responses: Any) -> None:
    from cauterize.app import build_pipeline, open_store
    from cauterize.review.service import ReviewService

    store = open_store(cfg)
    pipeline = build_pipeline(cfg, store)
    # Cases are opened here too, when the server asks (after each ingest, and on its review
    # loop): turning a large push's decisions into cases is as CPU-bound as the run itself, and
    # in the server it slowed every page.
    svc = ReviewService(cfg, store)
    svc.attach_pipeline(pipeline, threading.Lock())
    while True:
        item = requests.get()
        if item is None:
            break
        sources, fmt = item
        try:
            if sources is None:  # a sync asked for by the server: every write stays in this process
                responses.put((True, {"touched": svc.sync()}))
                continue
            summary = pipeline.run([BytesSource(data, name, limit) for name, data, limit in sources], fmt)
            responses.put((True, summary.as_dict()))
        except Exception as exc:  # answered to the caller, the worker goes on
            responses.put((False, f"{type(exc).__name__}: {exc}"))
    store.close()


class WorkerPipeline:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self._ctx = mp.get_context("spawn")  # no fork of a threaded server with open connections
        self._lock = threading.Lock()
        self._start()

    def _start(self) -> None:
        self._requests = self._ctx.Queue()
        self._responses = self._ctx.Queue()
        self._proc = self._ctx.Process(
            target=_serve, args=(self.cfg, self._requests, self._responses), name="cauterize-ingest", daemon=True
        )
        self._proc.start()

    def run(self, sources: Sequence[BytesSource], fmt: Any = "auto", progress: Any = None) -> RemoteSummary:
        return RemoteSummary(self._ask([(s.name, s.data, s.max_record_bytes) for s in sources], fmt))

    def remote_sync(self) -> list[int]:
        """Open cases for new decisions in the worker, queued behind any run in progress: the
        server itself never holds the store's write lock for a sync (SQLite has one writer, and
        a sync in the busy server process held it long enough to stall the worker's batches)."""
        return list(self._ask(None, "sync").get("touched", []))

    def _ask(self, payload: Any, fmt: Any) -> dict[str, Any]:
        with self._lock:
            self._requests.put((payload, fmt if isinstance(fmt, str) else fmt.name))
            while True:
                try:
                    ok, answer = self._responses.get(timeout=_POLL_SECONDS)
                    break
                except queue.Empty:
                    if not self._proc.is_alive():
                        self._start()
                        raise WorkerDied("the ingest process ended during the run; it was restarted") from None
        if not ok:
            raise RuntimeError(answer)
        return dict(answer)

    def close(self) -> None:
        if self._proc.is_alive():
            self._requests.put(None)
            self._proc.join(timeout=30)
        if self._proc.is_alive():
            self._proc.terminate()
