"""The review console: server-rendered pages, the JSON API, and the ingest endpoint, in one app.

Server-rendered Jinja2 with one small hand-written script (keyboard shortcuts, click to reveal,
greyscale) and one stylesheet, all served from the package: no build step, no CDN, nothing
fetched at run time, and every page works without JavaScript.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from cauterize.config import Config
from cauterize.review.service import ReviewService
from cauterize.web.api import build_router
from cauterize.web.deps import require
from cauterize.web.ingest_api import ingest_router
from cauterize.web.ingest_worker import WorkerPipeline
from cauterize.web.pages import LoginThrottle, NeedLogin, build_pages, templates
from cauterize.web.ratelimit import RateLimiter, credential_key
from cauterize.web.security import SESSION_COOKIE, Sessions

HERE = Path(__file__).parent

#: Sent on every response. The console's pages load one script and one stylesheet of their own
#: and nothing else, so the policy can be strict: ingested text that slipped past escaping still
#: could not run a script, load a resource or be framed by another site. ``style-src-attr``
#: admits the one inline style attribute (a risk bar's CSS variable), not style elements.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: The API docs pages start Swagger UI / ReDoc with an inline script; they show the OpenAPI
#: schema only, never ingested text, so that one relaxation is confined to them.
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
DOCS_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"]
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self';", "style-src 'self' 'unsafe-inline';")
    + "; worker-src 'self' blob:",
}
log = logging.getLogger("cauterize.web")


def _background_loop(svc: ReviewService, pipeline: Any = None):  # type: ignore[no-untyped-def]
    """Every 5 s: retry sink deliveries, and open cases for decisions other processes wrote."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(5.0):
                try:
                    svc.deliver()
                    svc.sync()
                except Exception:  # keep the loop alive; the error is in the log
                    log.exception("background review loop")

        thread = threading.Thread(target=loop, name="review-loop", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=10)
            close = getattr(pipeline, "close", None)
            if close is not None:
                close()

    return lifespan


def create_console_app(cfg: Config, *, background: bool = False, ingest_process: bool | None = None) -> FastAPI:
    """``background``: run the review loop (deliveries, syncs) as ``cauterize serve`` does.
    ``ingest_process`` (default: as ``background``): run the pipeline in its own process."""
    from cauterize.app import build_pipeline, open_store

    store = open_store(cfg)
    own_process = background if ingest_process is None else ingest_process
    pipeline: Any = WorkerPipeline(cfg) if own_process else build_pipeline(cfg, store)
    svc = ReviewService(cfg, store)
    pipeline_lock = threading.Lock()
    svc.attach_pipeline(pipeline, pipeline_lock)
    svc.sync()
    # FastAPIOffline: the same FastAPI app, with /docs and /redoc served from the installed
    # package instead of a CDN (a review console often runs where the internet is not).
    app = FastAPIOffline(
        lifespan=_background_loop(svc, pipeline) if background else None,
        title="cauterize review console",
        version="0.1.0",
        summary="Cases, queues, actions, appeals, escalation and audit over cauterize's decisions.",
    )
    app.state.svc = svc
    app.state.sessions = Sessions(svc)
    app.state.login_throttle = LoginThrottle()
    app.state.store = store
    app.include_router(
        ingest_router(cfg, store, pipeline, dependencies=[require("reviewer")], after=svc.sync, lock=pipeline_lock)
    )
    app.include_router(build_router())
    app.include_router(build_pages(), include_in_schema=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    limits = cfg.server.get("rate_limit_per_minute", {})
    by_client = RateLimiter(float(limits.get("client", 6000)))
    by_credential = RateLimiter(float(limits.get("credential", 1200)))

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.url.path != "/healthz":
            wait = by_client.take(request.client.host if request.client else "?")
            cred = credential_key(request.headers.get("authorization", ""), request.cookies.get(SESSION_COOKIE))
            if not wait and cred is not None:
                wait = by_credential.take(cred)
            if wait:
                response = JSONResponse(
                    {"detail": "too many requests; slow down"},
                    status_code=429,
                    headers={"Retry-After": str(max(1, round(wait)))},
                )
                for name, value in SECURITY_HEADERS.items():
                    response.headers.setdefault(name, value)
                return response
        response = await call_next(request)
        headers = DOCS_HEADERS if request.url.path in DOCS_PATHS else SECURITY_HEADERS
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if svc.settings.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.exception_handler(NeedLogin)
    async def _need_login(request: Request, exc: NeedLogin) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        path = request.url.path
        if path.startswith(("/api/", "/v1/", "/healthz")) or "text/html" not in request.headers.get("accept", ""):
            return await http_exception_handler(request, exc)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail, "user": None},
            status_code=exc.status_code,
        )

    return app
