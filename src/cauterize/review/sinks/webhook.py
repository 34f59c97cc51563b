"""POST each action as JSON to a URL, signed with HMAC-SHA256 when a secret is configured.

Headers: ``Idempotency-Key`` (the action's key) and ``X-Cauterize-Signature: sha256=<hex>``
over the exact body. Any non-2xx answer or network error is a failure the outbox retries.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import urllib.error
import urllib.request
from typing import Any

from cauterize.review.audit import canonical
from cauterize.review.sinks.base import Sink, SinkError


class WebhookSink(Sink):
    kind = "webhook"

    def __init__(self, url: str, secret: str | None = None, timeout: float = 5.0, name: str = "webhook"):
        super().__init__(name)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook url must be http(s): {url!r}")
        self.url, self.secret, self.timeout = url, secret, timeout

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> WebhookSink:
        secret = raw.get("secret")
        if raw.get("secret_env"):
            secret = os.environ.get(str(raw["secret_env"]))
        return cls(str(raw["url"]), secret, float(raw.get("timeout", 5.0)), str(raw.get("name", "webhook")))

    def send(self, payload: dict[str, Any]) -> None:
        body = canonical(payload).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": str(payload.get("idempotency_key", ""))}
        if self.secret:
            sig = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Cauterize-Signature"] = f"sha256={sig}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                if not 200 <= resp.status < 300:
                    raise SinkError(f"{self.url}: HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            raise SinkError(f"{self.url}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise SinkError(f"{self.url}: {exc}") from exc
