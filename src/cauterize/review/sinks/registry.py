"""Feed cauterize's own enforcement back into its ingest, so the ban-evasion registry learns it.

A suspension taken in the console, or by an automatic rule, is cauterize's decision; the
platform's compliance stream reports it later, if ever. This sink turns each enforcing action
into the canonical ``enforcement`` event the platform would have sent and runs it through the
pipeline. The suspended account's fingerprint enters the registry at once, an account that
replaces it is linked from its first event, and a reinstatement takes it out again. The event
id names the action (``cauterize-action:<id>``), so a redelivery is a no-op; the platform's
own event for the same suspension, when it comes, is a second record of it.

The sink needs a pipeline to feed. Whoever owns one attaches it (``ReviewService`` does); until
then a delivery fails and the outbox retries it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from cauterize.events import EnforcementApplied, Event
from cauterize.review.sinks.base import Sink, SinkError

#: Console actions and the platform enforcement each one amounts to. Restrictions have no
#: platform event: they change nothing the registry keeps.
ENFORCEMENT_OF: dict[str, str] = {"suspend": "suspend", "reinstate": "unsuspend", "remove_post": "remove_post"}


def events_for(payload: dict[str, Any]) -> list[Event]:
    """The canonical enforcement event one action payload amounts to (none for a restriction)."""
    action = ENFORCEMENT_OF.get(str(payload.get("action")))
    if action is None or not payload.get("platform") or not payload.get("account_id"):
        return []
    if action == "remove_post" and not payload.get("post_id"):
        return []
    rule = f" [{payload['rule']}]" if payload.get("rule") else ""
    return [
        EnforcementApplied(
            platform=str(payload["platform"]),
            event_id=f"cauterize-action:{payload['action_id']}",
            actor=str(payload["account_id"]),
            time=datetime.fromisoformat(str(payload["created_at"])),
            action=action,  # type: ignore[arg-type]
            post_id=payload.get("post_id"),
            reason=f"{payload.get('reason') or action}{rule} (cauterize, by {payload.get('actor', '?')})",
        )
    ]


class RegistrySink(Sink):
    kind = "registry"

    def __init__(self, name: str = "registry"):
        super().__init__(name)
        self._ingest: Callable[[list[Event]], None] | None = None

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> RegistrySink:
        return cls(str(raw.get("name", "registry")))

    def attach(self, ingest: Callable[[list[Event]], None]) -> None:
        """Where the events go: a function that runs them through a pipeline."""
        self._ingest = ingest

    def send(self, payload: dict[str, Any]) -> None:
        events = events_for(payload)
        if not events:
            return
        if self._ingest is None:
            raise SinkError("no pipeline attached to feed the registry yet")
        try:
            self._ingest(events)
        except Exception as exc:  # the outbox retries; the action itself stands
            raise SinkError(f"feeding the registry failed: {exc!r}") from exc
