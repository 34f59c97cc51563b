"""Receiver for Mastodon's admin webhooks (Preferences > Administration > Webhooks).

Mastodon POSTs ``{"event": "account.created", "created_at": ..., "object": {...}}`` with
``X-Hub-Signature: sha256=<HMAC-SHA256 of the body with the webhook's secret>``. A delivery
with a bad or missing signature is refused (401) and nothing of it is read. A good one is queued
and answered 200 at once (Mastodon retries anything else, so a full queue answers 503 and the
event comes again). Each event becomes the recording wrapper :mod:`cauterize.ingest.mastodon`
reads, ``{"endpoint": "https://<instance>/api/v1/admin/...", "body": object, "recorded_at": ...}``:
``account.*`` objects are Admin::Account, ``report.*`` Admin::Report, ``status.*`` Status.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cauterize.live.health import Health

ENDPOINTS = {"account": "/api/v1/admin/accounts", "report": "/api/v1/admin/reports", "status": "/api/v1/statuses"}
MAX_BODY = 4 << 20


def verify(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    want = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, header.removeprefix("sha256="))


def to_record(delivery: dict[str, Any], instance: str) -> bytes | None:
    """The adapter's record for one webhook delivery; ``None`` for an event kind it has no use for."""
    event = delivery.get("event")
    if not isinstance(event, str) or not isinstance(delivery.get("object"), dict):
        raise ValueError("a webhook delivery needs 'event' and an 'object'")
    endpoint = ENDPOINTS.get(event.split(".", 1)[0])
    if endpoint is None:
        return None
    wrapper = {"endpoint": f"https://{instance}{endpoint}", "body": delivery["object"]}
    if delivery.get("created_at"):
        wrapper["recorded_at"] = delivery["created_at"]
    return json.dumps(wrapper).encode()


class MastodonWebhooks:
    """An HTTP endpoint (``POST <path>``) on ``host:port``; a connector whose session never ends."""

    SCHEME = "mastodon-webhooks"
    FORMAT = "mastodon"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> MastodonWebhooks:
        host, _, port = address.rpartition(":")
        secret = options.get("secret") or os.environ.get(options.get("secret_env", "MASTODON_WEBHOOK_SECRET"), "")
        if "instance" not in options:
            raise ValueError("mastodon-webhooks needs ;instance=<the instance's domain>")
        return cls(
            options["instance"], secret, host or "127.0.0.1", int(port), options.get("path", "/mastodon/webhook")
        )

    def __init__(
        self, instance: str, secret: str, host: str = "127.0.0.1", port: int = 0, path: str = "/mastodon/webhook"
    ):
        if not secret:
            raise ValueError("a Mastodon webhook receiver needs the webhook's secret")
        self.instance, self.secret, self.path = instance, secret, path
        self._queue: queue.Queue[bytes] = queue.Queue(10_000)
        self.rejected = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # the health counters say what matters
                pass

            def do_POST(self) -> None:
                if self.path.split("?", 1)[0] != receiver.path:
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_error(413)
                    return
                body = self.rfile.read(length)
                if not verify(receiver.secret, body, self.headers.get("X-Hub-Signature")):
                    receiver.rejected += 1
                    self.send_error(401, "bad signature")
                    return
                try:
                    record = to_record(json.loads(body), receiver.instance)
                except ValueError as exc:  # json.JSONDecodeError included
                    receiver.rejected += 1
                    self.send_error(400, str(exc)[:200])
                    return
                if record is not None:
                    try:
                        receiver._queue.put_nowait(record)
                    except queue.Full:
                        self.send_error(503, "behind; retry")
                        return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self.address = self._server.server_address
        self.name = f"mastodon-webhooks:{instance}"
        threading.Thread(target=self._server.serve_forever, name="cauterize-webhooks", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.address[0]}:{self.address[1]}{self.path}"

    def session(self, health: Health) -> Iterator[bytes]:
        health.up()
        while True:
            try:
                record = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            health.saw()
            yield record

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
