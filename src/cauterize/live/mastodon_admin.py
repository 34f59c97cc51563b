"""Act through Mastodon's admin API (``admin:write:accounts`` scope).

Review actions map to ``POST /api/v1/admin/accounts/:id/action`` (``suspend``, ``silence``,
``sensitive``) and to its reversals (``/unsuspend``, ``/unsilence``, ``/unsensitive``). The warning
text is the evidence (reason, rules, model versions, decisions) and a link to the case, so the
instance's own moderation log says why. cauterize keys accounts by their ActivityPub URI; the
admin API wants the instance's numeric id, found once per account through
``/api/v1/accounts/lookup?acct=`` (then ``/api/v2/search`` by URI) and kept. Removing one post has
no admin endpoint outside a report: a ``remove_post`` is delivered as nothing and said so in the log.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from cauterize.review.sinks.base import Sink, SinkError

log = logging.getLogger(__name__)

#: cauterize action -> (path suffix, form type or None for a reversal endpoint)
ACTIONS: dict[str, tuple[str, str | None]] = {
    "suspend": ("action", "suspend"),
    "restrict": ("action", "silence"),
    "sensitive": ("action", "sensitive"),
    "reinstate": ("unsuspend", None),
    "unrestrict": ("unsilence", None),
    "unsensitive": ("unsensitive", None),
}


def evidence_text(payload: dict[str, Any], case_url: str | None) -> str:
    """One short, plain paragraph: what the moderator on the platform reads about the action."""
    ev = payload.get("evidence") or {}
    parts = [str(payload.get("reason") or payload.get("action"))]
    if ev.get("rules"):
        parts.append("rules: " + ", ".join(map(str, ev["rules"])))
    if ev.get("model_versions"):
        parts.append("models: " + ", ".join(map(str, ev["model_versions"])))
    if ev.get("decisions"):
        parts.append("decisions: " + ", ".join(map(str, ev["decisions"][:20])))
    if payload.get("actor"):
        parts.append(f"by {payload['actor']}")
    if case_url and payload.get("case_id") is not None:
        parts.append(f"case: {case_url.rstrip('/')}/cases/{payload['case_id']}")
    parts.append(f"cauterize action {payload.get('action_id')} ({payload.get('idempotency_key', '')[:16]})")
    return "; ".join(parts)


class MastodonAdminSink(Sink):
    kind = "mastodon-admin"

    def __init__(
        self, base: str, token: str, case_url: str | None = None, timeout: float = 10.0, name: str = "mastodon-admin"
    ):
        super().__init__(name)
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"mastodon-admin base must be an http(s) URL: {base!r}")
        self.base, self.token, self.case_url, self.timeout = base.rstrip("/"), token, case_url, timeout
        self._ids: dict[str, str] = {}

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> MastodonAdminSink:
        token = raw.get("token") or os.environ.get(str(raw.get("token_env", "MASTODON_ADMIN_TOKEN")), "")
        if not token:
            raise ValueError("mastodon-admin sink: set token_env to a variable holding an admin token")
        return cls(
            str(raw["url"]),
            str(token),
            raw.get("case_url"),
            float(raw.get("timeout", 10.0)),
            str(raw.get("name", "mastodon-admin")),
        )

    def _call(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise SinkError(f"{method} {path}: HTTP {exc.code} {exc.read(300).decode('utf-8', 'replace')}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise SinkError(f"{method} {path}: {exc}") from exc
        return json.loads(body) if body.strip() else None

    def local_id(self, account_uri: str, handle: str | None) -> str:
        """The instance's numeric id of an account known by its URI (and handle)."""
        if account_uri in self._ids:
            return self._ids[account_uri]
        found: str | None = None
        if handle:
            try:
                acc = self._call("GET", "/api/v1/accounts/lookup?" + urllib.parse.urlencode({"acct": handle}))
                if isinstance(acc, dict) and acc.get("uri", account_uri) in (account_uri, acc.get("url")):
                    found = str(acc["id"])
            except SinkError:
                found = None
        if found is None:
            q = urllib.parse.urlencode({"q": account_uri, "type": "accounts", "resolve": "false"})
            res = self._call("GET", f"/api/v2/search?{q}")
            for acc in (res or {}).get("accounts", []):
                if account_uri in (acc.get("uri"), acc.get("url")):
                    found = str(acc["id"])
                    break
        if found is None:
            raise SinkError(f"account {account_uri} is not known to {self.base}")
        self._ids[account_uri] = found
        return found

    def send(self, payload: dict[str, Any]) -> None:
        action = str(payload.get("action"))
        if action not in ACTIONS:
            log.info("mastodon-admin: %s has no admin API call; not delivered", action)
            return
        suffix, form_type = ACTIONS[action]
        account_id = self.local_id(str(payload["account_id"]), payload.get("handle"))
        form = None
        if form_type is not None:
            form = {
                "type": form_type,
                "text": evidence_text(payload, self.case_url),
                "send_email_notification": "false",
            }
            if payload.get("report_id"):
                form["report_id"] = str(payload["report_id"])
        self._call("POST", f"/api/v1/admin/accounts/{urllib.parse.quote(account_id)}/{suffix}", form or {})
