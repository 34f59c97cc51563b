"""Server-rendered pages of the console. Each form POST carries the session's CSRF token."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cauterize.display import visible
from cauterize.policy.actions import REVIEW_ACTIONS
from cauterize.review import actions, alerts, appeals, audit, backtest, casefile, cases, metrics
from cauterize.review.auth import _USERNAME, Principal
from cauterize.web.case_graph import case_graph
from cauterize.web.deps import CaseId, _clean, answering_refusals, evidence_package_response
from cauterize.web.security import PRELOGIN_COOKIE, SESSION_COOKIE, csrf_ok, principal_from

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Autoescaping stops markup; ``visible`` also shows the bidi overrides and control characters an
# evader puts in a handle to make it read as another (every value any template prints).
templates.env.finalize = lambda v: visible(v) if isinstance(v, str) else v


def _age(hours: float | None) -> str:
    if hours is None:
        return "—"
    if abs(hours) < 1:
        return f"{round(hours * 60)} min"
    if abs(hours) < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def _time(t: datetime | None) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if t else "—"


templates.env.filters["age"] = _age
templates.env.filters["time"] = _time
templates.env.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=1, default=str, ensure_ascii=False)
templates.env.globals["QUEUE_TITLES"] = cases.QUEUE_TITLES


def _text(v: str) -> str:
    """Form text a database can store (no NUL, valid Unicode), else 422."""
    try:
        return _clean(v)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None


class LoginThrottle:
    """Failed log-ins counted per (client, username) and per client, within ``window`` seconds.

    Keyed by the pair, a stranger guessing passwords locks only themselves out of that account:
    counting by username alone let anyone lock any reviewer out for 15 minutes with five tries.
    A client that fails ``client_limit`` times across any usernames is refused altogether
    (password spraying). Only the first ``limit`` failures of a pair and its first lock-out are
    audited, so an anonymous flood cannot fill the audit log.
    """

    def __init__(self, limit: int = 5, window: float = 900.0, client_limit: int = 20, max_keys: int = 100_000):
        self.limit, self.window, self.client_limit, self.max_keys = limit, window, client_limit, max_keys
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._client: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, table: dict[Any, deque[float]], key: Any) -> deque[float]:
        if key not in table and len(table) >= self.max_keys:
            self._prune(table)
        q = table.setdefault(key, deque())
        cutoff = time.monotonic() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def _prune(self, table: dict[Any, deque[float]]) -> None:
        cutoff = time.monotonic() - self.window
        for k in [k for k, q in table.items() if not q or q[-1] < cutoff]:
            del table[k]
        if len(table) >= self.max_keys:  # still full of live keys: forget the oldest half
            for k in sorted(table, key=lambda k: table[k][-1] if table[k] else 0.0)[: len(table) // 2]:
                del table[k]

    def locked(self, client: str, username: str) -> bool:
        with self._lock:
            return (
                len(self._recent(self._fails, (client, username))) >= self.limit
                or len(self._recent(self._client, client)) >= self.client_limit
            )

    def failed(self, client: str, username: str) -> bool:
        """Count a failure; whether it is still worth an audit row."""
        with self._lock:
            q = self._recent(self._fails, (client, username))
            q.append(time.monotonic())
            self._recent(self._client, client).append(time.monotonic())
            return len(q) <= self.limit

    def clear(self, client: str, username: str) -> None:
        with self._lock:
            self._fails.pop((client, username), None)


class NeedLogin(Exception):
    pass


def _who(request: Request, min_role: str = "viewer") -> tuple[Principal, str]:
    got = principal_from(request, request.app.state.svc, request.app.state.sessions)
    if got is None or got[1] is None:
        raise NeedLogin()
    p, csrf = got
    if not p.can(min_role):
        raise HTTPException(403, f"this page needs role {min_role}; you are {p.role}")
    return p, csrf


def _render(request: Request, name: str, p: Principal, csrf: str, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": p,
            "csrf": csrf,
            "queues": cases.queue_counts(request.app.state.svc.engine),
            "trusted": request.app.state.svc.is_trusted,
            **ctx,
        },
        status_code=200,
    )


AUDIT_PAGE = 200
QUEUE_PAGE = 50


def _handles(engine: Any, account_ids: set[str]) -> dict[str, str]:
    """account id -> its current handle, for the ids an audit page names."""
    if not account_ids:
        return {}
    from sqlalchemy import select

    from cauterize.store import schema as st

    a = st.accounts
    with engine.connect() as conn:
        rows = conn.execute(select(a.c.account_id, a.c.handle).where(a.c.account_id.in_(sorted(account_ids))))
        return {r.account_id: r.handle for r in rows if r.handle}


def _rules_page(
    request: Request, p: Principal, csrf: str, rules_text: str, result: Any = None, error: str | None = None
) -> HTMLResponse:
    engine = request.app.state.svc.engine
    return _render(
        request,
        "rules.html",
        p,
        csrf,
        shadow=backtest.shadow_hits(engine, 50),
        alerts=alerts.recent(engine, 20),
        rates=metrics.overturn_rates(engine),
        result=result,
        error=error,
        rules_text=rules_text,
    )


def _check_csrf(csrf: str, given: str) -> None:
    if not csrf_ok(csrf, given):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")


def build_pages() -> APIRouter:
    r = APIRouter()

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str | None = None, next: str = "/") -> HTMLResponse:
        resp = templates.TemplateResponse(request, "login.html", {"error": error, "next": next, "csrf": ""})
        token = request.app.state.sessions.prelogin(resp)
        resp.body = resp.body.replace(b'name="csrf_token" value=""', f'name="csrf_token" value="{token}"'.encode())
        resp.headers["content-length"] = str(len(resp.body))
        return resp

    @r.post("/login")
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=1024)],
        csrf_token: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> Response:
        sessions, svc = request.app.state.sessions, request.app.state.svc
        if not sessions.check_prelogin(request, csrf_token):
            return RedirectResponse("/login?error=expired", status_code=303)
        valid_name = _USERNAME.match(username) is not None and "\x00" not in password
        throttle: LoginThrottle = request.app.state.login_throttle
        client = request.client.host if request.client else "?"
        if throttle.locked(client, username):
            return RedirectResponse("/login?error=locked", status_code=303)
        user = svc.users.authenticate(username, password) if valid_name else None
        if user is None:
            if throttle.failed(client, username):
                audit.record(svc.engine, username if valid_name else "?", "login_failed", {"client": client})
                if throttle.locked(client, username):
                    audit.record(svc.engine, username if valid_name else "?", "login_locked", {"client": client})
            return RedirectResponse("/login?error=bad", status_code=303)
        throttle.clear(client, username)
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        resp = RedirectResponse(target, status_code=303)
        sessions.issue(resp, user.username)
        resp.delete_cookie(PRELOGIN_COOKIE)
        audit.record(svc.engine, user.username, "login", {"role": user.role})
        return resp

    @r.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
        user, csrf = _who(request)
        _check_csrf(csrf, csrf_token)
        svc = request.app.state.svc
        svc.users.end_sessions(user.username)
        audit.record(svc.engine, user.username, "logout", {})
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    @r.get("/")
    def home(request: Request) -> Response:
        _who(request)
        qs = cases.queue_counts(request.app.state.svc.engine)
        first = next((q["queue"] for q in qs if q["open"]), "ban_evasion")
        return RedirectResponse(f"/queues/{first}", status_code=303)

    @r.get("/queues/{queue}", response_class=HTMLResponse)
    def queue_page(
        request: Request, queue: str, status: str = "open", page: Annotated[int, Query(ge=1, le=10_000)] = 1
    ) -> HTMLResponse:
        p, csrf = _who(request)
        if queue not in cases.QUEUES:
            raise HTTPException(404, f"no queue {queue!r}")
        if status not in ("open", "all", "actioned", "dismissed", "appealed", "upheld", "overturned", "escalated"):
            status = "open"
        svc = request.app.state.svc
        svc.sync_soon()
        # One screen of the most urgent cases, and a next page: a reviewer triages from the top,
        # and rendering 200 rows for each of 20 reviewers was most of the console's CPU.
        rows = cases.list_cases(svc.engine, queue, status, limit=QUEUE_PAGE + 1, offset=(page - 1) * QUEUE_PAGE)
        more = len(rows) > QUEUE_PAGE
        return _render(
            request, "queue.html", p, csrf, queue=queue, status=status, cases=rows[:QUEUE_PAGE], page=page, more=more
        )

    @r.get("/cases/{case_id}", response_class=HTMLResponse)
    def case_page(
        request: Request,
        case_id: CaseId,
        done: Annotated[str | None, Query(max_length=32)] = None,
        n: Annotated[int, Query(ge=0, le=100_000)] = 0,
        held: Annotated[int, Query(ge=0, le=100_000)] = 0,
    ) -> HTMLResponse:
        p, csrf = _who(request)
        svc = request.app.state.svc
        file = casefile.case_file(svc.engine, case_id)
        if file is None:
            raise HTTPException(404, f"no case {case_id}")
        acts = actions.case_actions(svc.engine, case_id)
        apps = appeals.case_appeals(svc.engine, case_id)
        open_appeal = next((a for a in apps if a["status"] == "open"), None)
        neighbours = cases.list_cases(svc.engine, file["case"]["queue"], "open", limit=500)
        ids = [c["id"] for c in neighbours]
        nxt = ids[ids.index(case_id) + 1] if case_id in ids and ids.index(case_id) + 1 < len(ids) else None
        return _render(
            request,
            "case.html",
            p,
            csrf,
            f=file,
            case=file["case"],
            acts=acts,
            appeals=apps,
            open_appeal=open_appeal,
            audit_rows=audit.entries(svc.engine, case_id=case_id),
            next_case=nxt,
            graph=case_graph(file["network"], {x["account_id"] for x in file["people"]}) if file["network"] else None,
            done={"action": done, "created": n, "held": held, "acts": acts[-n:] if n else []} if done else None,
        )

    @r.get("/cases/{case_id}/preview", response_class=HTMLResponse)
    def preview_page(
        request: Request,
        case_id: CaseId,
        action: str,
        scope: str = "lineage",
        account_id: Annotated[list[str] | None, Query()] = None,
        post_id: str | None = None,
    ) -> HTMLResponse:
        p, csrf = _who(request)
        svc = request.app.state.svc
        req = actions.ActionRequest(
            action, scope, [_text(x)[:128] for x in account_id or []], _text(post_id)[:128] if post_id else None
        )
        with answering_refusals():
            plan = actions.preview(svc.engine, case_id, req)
        return _render(
            request,
            "preview.html",
            p,
            csrf,
            plan=plan,
            case_id=case_id,
            can_act=p.can(REVIEW_ACTIONS.get(action, ("", "admin"))[1]),
        )

    @r.post("/cases/{case_id}/actions")
    def act(
        request: Request,
        case_id: CaseId,
        action: Annotated[str, Form(max_length=32)],
        csrf_token: Annotated[str, Form(max_length=200)] = "",
        scope: Annotated[str, Form(max_length=16)] = "lineage",
        account_ids: Annotated[list[str] | None, Form()] = None,
        post_id: Annotated[str, Form(max_length=128)] = "",
        reason: Annotated[str, Form(max_length=2000)] = "",
        idem: Annotated[str, Form(max_length=128)] = "",
    ) -> Response:
        p, csrf = _who(request, "reviewer")
        _check_csrf(csrf, csrf_token)
        svc = request.app.state.svc
        req = actions.ActionRequest(
            action, scope, list(account_ids or []), post_id or None, _text(reason), idem or None
        )
        with answering_refusals():
            res = actions.perform(svc.engine, p, case_id, req, svc.sinks)
        # Back to the top of the case with a confirmation of what was done (or that it was already).
        return RedirectResponse(
            f"/cases/{case_id}?done={quote(action)}&n={res.created}&held={len(res.skipped)}", status_code=303
        )

    @r.post("/cases/{case_id}/appeal")
    def appeal(
        request: Request,
        case_id: CaseId,
        reason: Annotated[str, Form(min_length=1, max_length=2000)],
        csrf_token: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        p, csrf = _who(request, "reviewer")
        _check_csrf(csrf, csrf_token)
        with answering_refusals():
            appeals.file_appeal(request.app.state.svc.engine, p, case_id, _text(reason))
        return RedirectResponse(f"/cases/{case_id}#appeals", status_code=303)

    @r.post("/appeals/{appeal_id}/decide")
    def decide(
        request: Request,
        appeal_id: CaseId,
        outcome: Annotated[str, Form(max_length=16)],
        reason: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        p, csrf = _who(request, "reviewer")
        _check_csrf(csrf, csrf_token)
        svc = request.app.state.svc
        with answering_refusals():
            ap = appeals.decide_appeal(svc.engine, p, appeal_id, outcome, _text(reason), svc.sinks)
        return RedirectResponse(f"/cases/{ap['case_id']}#appeals", status_code=303)

    @r.get("/cases/{case_id}/evidence-package")
    def package(request: Request, case_id: CaseId) -> Response:
        p, _ = _who(request, "lead")
        return evidence_package_response(request, case_id, p.username)

    @r.get("/audit", response_class=HTMLResponse)
    def audit_page(request: Request, before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> HTMLResponse:
        p, csrf = _who(request)
        svc = request.app.state.svc
        check = audit.verify(svc.engine) if p.can("lead") else None
        rows = audit.entries(svc.engine, limit=AUDIT_PAGE, before=before)
        ids = {str(a) for r in rows if isinstance(r.get("payload"), dict) for a in r["payload"].get("accounts") or ()}
        return _render(
            request,
            "audit.html",
            p,
            csrf,
            rows=rows,
            check=check,
            handles=_handles(svc.engine, ids),
            # An "Older" link only where older rows exist: the oldest row has seq 1.
            older=rows[-1]["seq"] if rows and rows[-1]["seq"] > 1 else None,
            newer=before is not None,
        )

    @r.get("/rules", response_class=HTMLResponse)
    def rules_page(request: Request) -> HTMLResponse:
        p, csrf = _who(request, "lead")
        rules = request.app.state.svc.cfg.policy.get("rules") or list(_default_rules())
        return _rules_page(request, p, csrf, json.dumps(rules, indent=1))

    @r.post("/rules/backtest", response_class=HTMLResponse)
    def rules_backtest(
        request: Request,
        rules_json: Annotated[str, Form(max_length=20000)],
        csrf_token: Annotated[str, Form(max_length=200)] = "",
    ) -> HTMLResponse:
        p, csrf = _who(request, "lead")
        _check_csrf(csrf, csrf_token)
        svc = request.app.state.svc
        error, result = None, None
        try:
            rules = json.loads(rules_json)
            if not isinstance(rules, list) or not all(isinstance(x, dict) for x in rules):
                raise ValueError("give a JSON list of rules")
            result = backtest.backtest(svc.engine, rules, limit=300)
        except (ValueError, KeyError, TypeError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        return _rules_page(request, p, csrf, rules_json, result=result, error=error)

    @r.get("/report", response_class=HTMLResponse)
    def report_page(
        request: Request,
        period: Annotated[str, Query(pattern="^(day|week|month)$")] = "day",
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    ) -> HTMLResponse:
        p, csrf = _who(request, "lead")
        from cauterize.report.render import with_plots
        from cauterize.report.service import parse_bound, report_for

        svc = request.app.state.svc
        try:
            rep = report_for(svc.cfg, svc.store, period, parse_bound(start), parse_bound(end, end=True))
        except (ValueError, LookupError) as exc:
            raise HTTPException(422, str(exc)) from None
        return _render(request, "report.html", p, csrf, page="report", **with_plots(rep))

    return r


def _default_rules() -> list[dict[str, Any]]:
    from cauterize.policy.threshold import DEFAULT_RULES

    return [dict(r) for r in DEFAULT_RULES]
