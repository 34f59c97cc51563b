"""X (Twitter) API v2 batch compliance jobs: create, upload ids, poll, download.

``POST /2/compliance/jobs`` (``type`` tweets or users) answers with an ``upload_url`` and a
``download_url`` (pre-signed storage URLs: no bearer token is sent to them). The ids go up as
plain text, one per line (``PUT``); the job is polled (``GET /2/compliance/jobs/:id``) until
``complete`` (or ``failed``/``expired``, an error); the result is JSON Lines,
``{"id", "action", "created_at", "redacted_at"?, "reason"}``, which the
``twitter-compliance-users`` / ``-tweets`` adapters read. X keeps results for a week and says to
act on them within 24 hours of download, which is why cauterize ingests them at once.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from cauterize.live.source import Disconnected
from cauterize.live.x_stream import api

DONE, FAILED = "complete", ("failed", "expired")


class ComplianceJobs:
    def __init__(self, base: str = "https://api.x.com", token: str = "", timeout: float = 60.0):
        self.base, self.token, self.timeout = base.rstrip("/"), token, timeout

    def create(self, kind: str, name: str | None = None) -> dict[str, Any]:
        if kind not in ("tweets", "users"):
            raise ValueError(f"a compliance job is about tweets or users, not {kind!r}")
        body = {"type": kind, **({"name": name} if name else {})}
        return dict(api(self.base, self.token, "POST", "/2/compliance/jobs", body)["data"])

    def upload(self, job: dict[str, Any], ids: Iterable[str]) -> int:
        lines = [str(i).strip() for i in ids if str(i).strip()]
        if any(not i.isdigit() for i in lines):
            raise ValueError("compliance job ids are numeric X ids")
        req = urllib.request.Request(
            job["upload_url"],
            data=("\n".join(lines) + "\n").encode(),
            method="PUT",
            headers={"Content-Type": "text/plain"},
        )
        self._storage(req)
        return len(lines)

    def status(self, job_id: str) -> dict[str, Any]:
        return dict(api(self.base, self.token, "GET", f"/2/compliance/jobs/{job_id}")["data"])

    def wait(
        self,
        job_id: str,
        poll_seconds: float = 30.0,
        timeout: float = 3600.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> dict[str, Any]:
        """Poll until the job is complete; raises on failure, expiry or ``timeout``."""
        waited = 0.0
        while True:
            job = self.status(job_id)
            if job.get("status") == DONE:
                return job
            if job.get("status") in FAILED:
                raise RuntimeError(f"compliance job {job_id} {job['status']}: {job.get('error', '')}")
            if waited >= timeout:
                raise TimeoutError(f"compliance job {job_id} still {job.get('status')!r} after {timeout:.0f} s")
            sleep(poll_seconds)
            waited += poll_seconds

    def download(self, job: dict[str, Any]) -> bytes:
        return self._storage(urllib.request.Request(job["download_url"], method="GET"))

    def run(self, kind: str, ids: Iterable[str], poll_seconds: float = 30.0, timeout: float = 3600.0) -> bytes:
        """Create, upload, wait, download: the result's JSON Lines."""
        job = self.create(kind)
        self.upload(job, ids)
        return self.download(self.wait(job["id"], poll_seconds, timeout))

    def _storage(self, req: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            raise Disconnected(f"{req.get_method()} {req.full_url}: HTTP {exc.code}", exc.code) from None
        except (urllib.error.URLError, OSError) as exc:
            raise Disconnected(f"{req.get_method()} {req.full_url}: {exc}") from None
