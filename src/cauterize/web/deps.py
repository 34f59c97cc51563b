"""FastAPI dependencies: the caller's principal with a minimum role, and input validation types."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, StringConstraints

from cauterize.policy.actions import ActionRefused
from cauterize.review import actions, audit
from cauterize.review.auth import Principal
from cauterize.web.security import csrf_ok, principal_from

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer = HTTPBearer(
    auto_error=False, description="An API token (`cauterize users token`); its role bounds what it can do."
)


def _clean(v: str) -> str:
    """Refuse text a database cannot store: NUL characters and lone surrogates."""
    if "\x00" in v:
        raise ValueError("NUL characters are not allowed")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return v


Text = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_clean)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_clean)]
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def require(min_role: str):  # type: ignore[no-untyped-def]
    def dep(request: Request, _creds: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> Principal:
        svc, sessions = request.app.state.svc, request.app.state.sessions
        got = principal_from(request, svc, sessions)
        if got is None:
            raise HTTPException(401, "log in or send an API token", headers={"WWW-Authenticate": "Bearer"})
        principal, csrf = got
        if (
            csrf is not None
            and request.method not in SAFE_METHODS
            and not csrf_ok(csrf, request.headers.get("x-csrf-token"))
        ):
            raise HTTPException(403, "missing or wrong X-CSRF-Token for a session-authenticated request")
        if not principal.can(min_role):
            raise HTTPException(403, f"this needs role {min_role}; you are {principal.role}")
        return principal

    return Depends(dep)


AsViewer = Annotated[Principal, require("viewer")]
AsReviewer = Annotated[Principal, require("reviewer")]
AsLead = Annotated[Principal, require("lead")]


def refused(exc: Exception) -> HTTPException:
    """The review layer's refusal as the HTTP error the API and the pages both answer with."""
    if isinstance(exc, actions.CaseNotFound):
        return HTTPException(404, f"not found: {exc}")
    if isinstance(exc, ActionRefused):
        return HTTPException(exc.status, str(exc))
    return HTTPException(422, str(exc))


@contextmanager
def answering_refusals() -> Iterator[None]:
    try:
        yield
    except (ActionRefused, actions.CaseNotFound) as exc:
        raise refused(exc) from None


def evidence_package_response(request: Request, case_id: int, username: str) -> Response:
    """The signed evidence archive of a case, recorded in the audit log as exported."""
    from cauterize.review.escalation import build_package

    svc = request.app.state.svc
    with answering_refusals():
        data = build_package(svc.engine, case_id, svc.signing_key(), username)
    audit.record(svc.engine, username, "evidence_exported", {"bytes": len(data)}, case_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="case-{case_id}-evidence.zip"'},
    )
