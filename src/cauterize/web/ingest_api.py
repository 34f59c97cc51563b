"""The HTTP ingest endpoint: POST a batch of records in any supported format.

The body is JSON Lines (or one JSON document) in the format named by ``?format=`` (default:
detect). Each request is one pipeline run: it is processed to the end (its reorder window
flushed) before the response, so a 200 means the events are stored. The answer carries the
run's counts and the dead-letter reasons, so a client learns at once which records were bad.
SQLite has one writer, so requests are processed one at a time.

``create_app`` serves it alone (no authentication: bind it to a private address); the review
console (``cauterize.web.app``) mounts the same router behind an API token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.params import Depends
from starlette.concurrency import run_in_threadpool

from cauterize.config import Config
from cauterize.ingest.registry import adapters
from cauterize.ingest.sources import BytesSource
from cauterize.web.ingest_worker import WorkerDied


def ingest_router(
    cfg: Config,
    store: Any,
    pipeline: Any,
    dependencies: Sequence[Depends] | None = None,
    after: Callable[[], Any] | None = None,
    lock: threading.Lock | None = None,
    max_waiting: int = 4,
) -> APIRouter:
    """``lock`` serialises runs of ``pipeline`` (its detectors keep state); pass it to share it."""
    lock = lock or threading.Lock()
    waiting = threading.BoundedSemaphore(max_waiting)
    router = APIRouter()

    @router.get("/healthz", tags=["ingest"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.post("/v1/ingest", tags=["ingest"], dependencies=list(dependencies or []))
    async def ingest(
        request: Request,
        fmt: Annotated[str, Query(alias="format", description="Input format, or auto.")] = "auto",
    ) -> dict[str, Any]:
        if fmt != "auto" and fmt not in adapters():
            raise HTTPException(422, f"unknown format {fmt!r}; known: auto, {', '.join(adapters())}")
        body = await _read_body(request, cfg.max_record_bytes * 16)
        source = BytesSource(body, f"http:{request.client.host if request.client else '?'}", cfg.max_record_bytes)
        # Runs wait their turn off the event loop: a long ingest (or the first one's history
        # replay) must not stop the console answering reviewers. Past ``max_waiting`` queued
        # runs, clients are told to come back instead of piling bodies up in memory.
        if not waiting.acquire(blocking=False):
            raise HTTPException(503, "ingest busy: too many runs queued; retry later", headers={"Retry-After": "5"})
        try:
            return await run_in_threadpool(_run, source, fmt)
        except WorkerDied as exc:
            raise HTTPException(503, f"{exc}; send the request again", headers={"Retry-After": "5"}) from None
        finally:
            waiting.release()

    def _run(source: BytesSource, fmt: str) -> dict[str, Any]:
        with lock:
            summary = pipeline.run([source], fmt)
            dead = store.dead_letters(summary.run_id, limit=100) if summary.dead_letters else []
        if after is not None:
            after()
        return {
            **summary.as_dict(),
            "dead_letter_rows": [
                {"position": d["position"], "where": d["location"], "reason": d["reason"]} for d in dead
            ],
        }

    return router


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be over ``limit``: from the declared
    length before reading anything, else while streaming, never after holding all of it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body over {limit} bytes; split it")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body over {limit} bytes; split it")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(cfg: Config) -> FastAPI:
    from cauterize.app import build_pipeline, open_store

    store = open_store(cfg)
    pipeline = build_pipeline(cfg, store)
    app = FastAPI(title="cauterize", version="0.1.0", summary="Ingest platform events into cauterize.")
    app.include_router(ingest_router(cfg, store, pipeline))
    return app
