"""User reports from an Ozone moderation service, as a live source.

Ozone has no push for reports: its event log is polled (``tools.ozone.moderation.queryEvents``,
``types=#modEventReport``, oldest first, ``createdAfter`` the last report read) every
``poll_seconds``, through the PDS as the moderator the Ozone sink uses. Each report becomes a
canonical ``report_filed`` line (format ``jsonl``): the reporter (``createdBy``) reports the
subject's account (a ``repoRef`` DID, or the author of a ``strongRef`` post, which is the post),
with the report's type and comment as the reason. Event id ``ozone-report:<ozone did>:<id>``, so
overlapping polls replay nothing. The last report's time is the cursor (file beside the others).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from cauterize.live.cursor import CursorFile
from cauterize.live.health import Health
from cauterize.live.ozone import OzoneSink
from cauterize.live.source import Disconnected

REPORT = "tools.ozone.moderation.defs#modEventReport"


def report_line(ozone_did: str, ev: dict[str, Any]) -> dict[str, Any] | None:
    """The canonical ``report_filed`` event for one Ozone report event (pure); None if it names no account."""
    subject = ev.get("subject") or {}
    uri = subject.get("uri")
    target = subject.get("did") or (uri.removeprefix("at://").split("/", 1)[0] if isinstance(uri, str) else None)
    if not target or not ev.get("createdBy") or not ev.get("createdAt"):
        return None
    event = ev.get("event") or {}
    kind = str(event.get("reportType") or "").rsplit("#", 1)[-1].removeprefix("reason") or "other"
    comment = str(event.get("comment") or "").strip()
    line: dict[str, Any] = {
        "kind": "report_filed",
        "platform": "bluesky",
        "event_id": f"ozone-report:{ozone_did}:{ev['id']}",
        "actor": ev["createdBy"],
        "time": ev["createdAt"],
        "target": target,
        "reason": f"{kind.lower()}: {comment}"[:1000] if comment else kind.lower(),
    }
    if uri:
        line["post_id"] = uri
    return line


class OzoneReports:
    SCHEME = "ozone-reports"
    FORMAT = "jsonl"

    def __init__(
        self,
        pds: str,
        ozone_did: str,
        identifier: str,
        password: str,
        cursor_file: Path | None = None,
        poll_seconds: float = 2.0,
    ):
        self.client = OzoneSink(pds, ozone_did, identifier, password)
        self.ozone_did = ozone_did
        self.cursor = CursorFile(cursor_file, lag=0.0)
        self.after: str | None = self.cursor.load()
        self.poll_seconds = poll_seconds
        self._seen: set[int] = set()
        self.name = f"ozone-reports:{pds}"

    @classmethod
    def from_spec(cls, address: str, options: dict[str, str], data_dir: Path) -> OzoneReports:
        password = options.get("password") or os.environ.get(options.get("password_env", "OZONE_PASSWORD"), "")
        cursor = options.get("cursor_file")
        return cls(
            address,
            options["ozone_did"],
            options["identifier"],
            password,
            Path(cursor) if cursor else data_dir / "live" / "ozone-reports.cursor",
            float(options.get("poll_seconds", 2.0)),
        )

    def poll(self) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"types": [REPORT], "sortDirection": "asc", "limit": 100}
        if self.after:
            params["createdAfter"] = self.after
        mod = self.client._login()
        return list(OzoneSink._call(mod, "query", "tools.ozone.moderation.queryEvents", params).get("events", []))

    def session(self, health: Health) -> Iterator[bytes]:
        try:
            self.client.prepare()
        except Exception as exc:
            raise Disconnected(f"ozone login: {exc}") from exc
        health.up()
        while True:
            try:
                events = self.poll()
            except Exception as exc:
                self.client._mod = None
                raise Disconnected(f"queryEvents: {exc}") from exc
            for ev in events:
                if ev.get("id") in self._seen:
                    continue  # createdAfter is inclusive on some versions: the boundary comes twice
                self._seen.add(ev["id"])
                line = report_line(self.ozone_did, ev)
                if ev.get("createdAt"):
                    self.after = ev["createdAt"]
                    self.cursor.advance(self.after)
                if line is None:
                    continue
                health.saw(datetime.fromisoformat(line["time"].replace("Z", "+00:00")), self.after)
                yield json.dumps(line).encode()
            if len(events) < 100:
                time.sleep(self.poll_seconds)
