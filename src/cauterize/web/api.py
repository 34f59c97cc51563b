"""The HTTP API: everything the console does, for scripts and other tools (OpenAPI at /openapi.json).

Authenticate with ``Authorization: Bearer <token>`` (``cauterize users token``); a token's role
(viewer, reviewer, lead, admin) bounds what it can do, exactly as in the console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from cauterize.policy.actions import REVIEW_ACTIONS, ActionRefused
from cauterize.review import actions, alerts, appeals, audit, backtest, casefile, cases, metrics
from cauterize.review.auth import AuthError
from cauterize.web.deps import (
    AsLead,
    AsReviewer,
    AsViewer,
    CaseId,
    Ident,
    Text,
    evidence_package_response,
    refused,
)

ActionName = Literal[
    "suspend", "remove_post", "restrict", "dismiss", "escalate", "reinstate", "restore_post", "unrestrict"
]
assert set(ActionName.__args__) == set(REVIEW_ACTIONS)  # type: ignore[attr-defined]
QueueName = Literal["threat", "ban_evasion", "known_material", "propaganda", "other"]
StatusFilter = Literal["open", "all", "escalated", "actioned", "dismissed", "appealed", "upheld", "overturned"]


class ActionIn(BaseModel):
    action: ActionName
    scope: Literal["lineage", "account", "accounts", "case"] = "lineage"
    account_ids: list[Ident] = Field(default_factory=list, max_length=500)
    post_id: Ident | None = None
    reason: Text = ""


class AppealIn(BaseModel):
    reason: Text = Field(min_length=1)


class AppealDecisionIn(BaseModel):
    outcome: Literal["upheld", "overturned"]
    reason: Text = ""


class RuleIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=128)]
    labels: Annotated[str, Field(min_length=1, max_length=128)]
    threshold: float = Field(ge=0.0, le=1.0)
    action: Literal["flag_for_review", "suspend", "escalate"] = "flag_for_review"
    min_independent: int = Field(0, ge=0, le=100)
    parent_reasons: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=20)


class BacktestIn(BaseModel):
    rules: list[RuleIn] = Field(min_length=1, max_length=50)
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(200, ge=1, le=5000)


class TokenIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=128)]
    role: Literal["viewer", "reviewer", "lead", "admin"] | None = None
    days: float = Field(90, gt=0, le=3650)


def _aware(t: datetime | None) -> datetime | None:
    from datetime import UTC

    return None if t is None else (t if t.tzinfo else t.replace(tzinfo=UTC))


def build_router() -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["review"])

    @r.get("/me", summary="Who the caller is")
    def me(p: AsViewer) -> dict[str, str]:
        return {"username": p.username, "role": p.role, "via": p.via}

    @r.get("/queues", summary="Open cases per queue, with SLA breaches and the oldest case's age")
    def queues(request: Request, p: AsViewer) -> list[dict[str, Any]]:
        svc = request.app.state.svc
        svc.sync_soon()
        return cases.queue_counts(svc.engine)

    @r.get("/queues/{queue}/cases", summary="Cases of a queue, most urgent first (priority, risk, reach)")
    def queue_cases(
        request: Request,
        p: AsViewer,
        queue: QueueName,
        status: StatusFilter = "open",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[dict[str, Any]]:
        svc = request.app.state.svc
        svc.sync_soon()
        return cases.list_cases(svc.engine, queue, status, limit, offset)

    @r.get("/cases/{case_id}", summary="A case: accounts side by side, evidence, network, actions, appeals")
    def get_case(request: Request, p: AsViewer, case_id: CaseId) -> dict[str, Any]:
        svc = request.app.state.svc
        file = casefile.case_file(svc.engine, case_id)
        if file is None:
            raise HTTPException(404, f"no case {case_id}")
        file["actions"] = actions.case_actions(svc.engine, case_id)
        file["appeals"] = appeals.case_appeals(svc.engine, case_id)
        return file

    @r.post("/cases/{case_id}/preview", summary="Who an action would hit, without taking it")
    def preview(request: Request, p: AsViewer, case_id: CaseId, body: ActionIn) -> dict[str, Any]:
        try:
            return actions.preview(request.app.state.svc.engine, case_id, _req(body))
        except (ActionRefused, actions.CaseNotFound) as exc:
            raise refused(exc) from None

    @r.post("/cases/{case_id}/actions", summary="Take an action (idempotent; send Idempotency-Key to retry safely)")
    def act(
        request: Request,
        p: AsReviewer,
        case_id: CaseId,
        body: ActionIn,
        idempotency_key: Annotated[str | None, Header(max_length=128, pattern=r"^[\x21-\x7e]+$")] = None,
    ) -> dict[str, Any]:
        svc = request.app.state.svc
        try:
            res = actions.perform(svc.engine, p, case_id, _req(body, idempotency_key), svc.sinks)
        except (ActionRefused, actions.CaseNotFound) as exc:
            raise refused(exc) from None
        return {
            "case_id": res.case_id,
            "created": res.created,
            "case_status": res.case_status,
            "skipped": res.skipped,
            "actions": res.actions,
        }

    @r.get("/cases/{case_id}/actions", summary="Actions taken on a case")
    def list_actions(request: Request, p: AsViewer, case_id: CaseId) -> list[dict[str, Any]]:
        return actions.case_actions(request.app.state.svc.engine, case_id)

    @r.post("/cases/{case_id}/appeals", summary="File an appeal: reopens the case for a different reviewer")
    def file_appeal(request: Request, p: AsReviewer, case_id: CaseId, body: AppealIn) -> dict[str, Any]:
        try:
            return appeals.file_appeal(request.app.state.svc.engine, p, case_id, body.reason)
        except (ActionRefused, actions.CaseNotFound) as exc:
            raise refused(exc) from None

    @r.post("/appeals/{appeal_id}/decision", summary="Uphold or overturn an appeal (not by the reviewer who acted)")
    def decide(request: Request, p: AsReviewer, appeal_id: CaseId, body: AppealDecisionIn) -> dict[str, Any]:
        svc = request.app.state.svc
        try:
            return appeals.decide_appeal(svc.engine, p, appeal_id, body.outcome, body.reason, svc.sinks)
        except (ActionRefused, actions.CaseNotFound) as exc:
            raise refused(exc) from None

    @r.get("/cases/{case_id}/audit", summary="The audit entries of a case, newest first")
    def case_audit(request: Request, p: AsViewer, case_id: CaseId) -> list[dict[str, Any]]:
        return audit.entries(request.app.state.svc.engine, case_id=case_id)

    @r.get("/audit", summary="The audit log, newest first")
    def audit_log(
        request: Request,
        p: AsViewer,
        before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> list[dict[str, Any]]:
        return audit.entries(request.app.state.svc.engine, limit=limit, before=before)

    @r.get("/audit/verify", summary="Walk the hash chain; name the first edited, deleted or reordered row")
    def audit_verify(
        request: Request,
        p: AsLead,
        expected_head: Annotated[str | None, Query(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")] = None,
    ) -> dict[str, Any]:
        return audit.verify(request.app.state.svc.engine, expected_head).as_dict()

    @r.get(
        "/cases/{case_id}/evidence-package",
        summary="Signed evidence archive (zip) for law enforcement; security team (lead) only",
        response_class=Response,
        responses={200: {"content": {"application/zip": {}}}},
    )
    def evidence_package(request: Request, p: AsLead, case_id: CaseId) -> Response:
        return evidence_package_response(request, case_id, p.username)

    @r.post("/backtest", summary="Replay stored signals through candidate rules; list the hits (writes nothing)")
    def run_backtest(request: Request, p: AsLead, body: BacktestIn) -> dict[str, Any]:
        try:
            return backtest.backtest(
                request.app.state.svc.engine,
                [x.model_dump() for x in body.rules],
                _aware(body.since),
                _aware(body.until),
                body.limit,
            )
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None

    @r.get("/shadow", summary="Decisions recorded by rules in shadow mode")
    def shadow(request: Request, p: AsLead) -> dict[str, Any]:
        return backtest.shadow_hits(request.app.state.svc.engine)

    @r.get("/metrics/overturns", summary="Overturn rates per rule and per model version")
    def overturns(request: Request, p: AsViewer) -> dict[str, Any]:
        return metrics.overturn_rates(request.app.state.svc.engine)

    @r.get("/alerts", summary="Circuit-breaker and delivery alerts, newest first")
    def get_alerts(request: Request, p: AsLead) -> list[dict[str, Any]]:
        return alerts.recent(request.app.state.svc.engine)

    @r.post("/sync", summary="Turn new decisions into cases now")
    def sync(request: Request, p: AsReviewer) -> dict[str, Any]:
        return {"touched_cases": request.app.state.svc.sync()}

    @r.post("/tokens", summary="Create an API token for yourself (role at most yours); shown once")
    def token(request: Request, p: AsViewer, body: TokenIn) -> dict[str, Any]:
        svc = request.app.state.svc
        try:
            tok = svc.users.create_token(p.username, body.name, body.role, body.days)
        except AuthError as exc:
            raise HTTPException(403 if "at most" in str(exc) else 422, str(exc)) from None
        audit.record(svc.engine, p.username, "token_created", {"name": body.name, "role": body.role or p.role})
        return {"token": tok, "role": body.role or p.role, "name": body.name}

    @r.get("/report", summary="Transparency report per day, week or month (docs/report.md)")
    def report(
        request: Request,
        p: AsLead,
        period: Literal["day", "week", "month"] = "day",
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        census: bool = True,
    ) -> dict[str, Any]:
        from cauterize.report.service import parse_bound, report_for

        svc = request.app.state.svc
        try:
            return report_for(svc.cfg, svc.store, period, parse_bound(start), parse_bound(end, end=True), census=census)
        except (ValueError, LookupError) as exc:
            raise HTTPException(422, str(exc)) from None

    return r


def _req(body: ActionIn, key: str | None = None) -> actions.ActionRequest:
    return actions.ActionRequest(body.action, body.scope, list(body.account_ids), body.post_id, body.reason, key)
