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

from cauterize.config import Config
from cauterize.ingest.registry import adapters
from cauterize.ingest.sources import BytesSource


def ingest_router(
    cfg: Config,
    store: Any,
    pipeline: Any,
    dependencies: Sequence[Depends] | None = None,
    after: Callable[[], Any] | None = None,
    lock: threading.Lock | None = None,
) -> APIRouter:
    """``lock`` serialises runs of ``pipeline`` (its detectors keep state); pass it to share it."""
    lock = lock or threading.Lock()
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
        body = await request.body()
        if len(body) > cfg.max_record_bytes * 16:
            raise HTTPException(413, f"body over {cfg.max_record_bytes * 16} bytes; split it")
        source = BytesSource(body, f"http:{request.client.host if request.client else '?'}", cfg.max_record_bytes)
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


def create_app(cfg: Config) -> FastAPI:
    from cauterize.app import build_pipeline, open_store

    store = open_store(cfg)
    pipeline = build_pipeline(cfg, store)
    app = FastAPI(title="cauterize", version="0.1.0", summary="Ingest platform events into cauterize.")
    app.include_router(ingest_router(cfg, store, pipeline))
    return app
