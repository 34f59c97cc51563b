"""Who is calling: API tokens (``Authorization: Bearer cz_...``) or a signed, expiring session cookie.

Sessions are signed with itsdangerous (HMAC-SHA1 over a timestamped payload) and refused after
``[review] session_hours``; the role is re-read from the users table on every request, so a
demoted or disabled user loses access at once. Every state-changing request made with a session
cookie carries the session's CSRF token (a hidden form field, or ``X-CSRF-Token`` for scripts);
token-authenticated API calls need none (no ambient credential). Cookies are HttpOnly and
SameSite=Strict (Secure with ``secure_cookies = true`` behind TLS).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from cauterize.review.auth import Principal
from cauterize.review.service import ReviewService

SESSION_COOKIE = "cz_session"
PRELOGIN_COOKIE = "cz_pre"


class Sessions:
    def __init__(self, svc: ReviewService):
        self.svc = svc
        self.ser = URLSafeTimedSerializer(svc.settings.session_secret(), salt="cauterize-console-session")
        self.max_age = int(svc.settings.session_ttl.total_seconds())

    def issue(self, response: Response, username: str) -> str:
        csrf = secrets.token_urlsafe(24)
        found = self.svc.users.session(username)
        value = self.ser.dumps({"u": username, "c": csrf, "g": found[1] if found else 0})
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=self.max_age,
            httponly=True,
            samesite="strict",
            secure=self.svc.settings.secure_cookies,
        )
        return csrf

    def read(self, request: Request) -> tuple[Principal, str] | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: dict[str, Any] = self.ser.loads(raw, max_age=self.max_age)
        except (SignatureExpired, BadSignature):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("c"), str):
            return None
        found = self.svc.users.session(data["u"])
        if found is None or data.get("g") != found[1]:
            return None  # logged out, password changed or disabled since this cookie was issued
        return found[0], data["c"]

    # Log-in CSRF: the form carries a token that must match a short-lived signed cookie.
    def prelogin(self, response: Response) -> str:
        token = secrets.token_urlsafe(24)
        response.set_cookie(
            PRELOGIN_COOKIE,
            self.ser.dumps(token, salt="prelogin"),
            max_age=3600,
            httponly=True,
            samesite="strict",
            secure=self.svc.settings.secure_cookies,
        )
        return token

    def check_prelogin(self, request: Request, token: str) -> bool:
        raw = request.cookies.get(PRELOGIN_COOKIE)
        if not raw:
            return False
        try:
            expected = self.ser.loads(raw, max_age=3600, salt="prelogin")
        except (SignatureExpired, BadSignature):
            return False
        return isinstance(expected, str) and hmac.compare_digest(expected, token)


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def principal_from(request: Request, svc: ReviewService, sessions: Sessions) -> tuple[Principal, str | None] | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        p = svc.users.token_principal(auth[7:].strip())
        if p is None:
            raise HTTPException(401, "invalid or expired API token", headers={"WWW-Authenticate": "Bearer"})
        return p, None
    read = sessions.read(request)
    if read is None:
        return None
    return read
