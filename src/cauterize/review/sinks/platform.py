"""The platform's own API, through an adapter.

An adapter is a class with ``apply(action: dict) -> None`` (raise to have the outbox retry),
found by name among the ``cauterize.platform_adapters`` entry points. The built-in ``canonical``
adapter writes each enforcement as a canonical ``enforcement`` event (JSON Lines), which a
simulated platform or a test feeds back through ``cauterize ingest``, closing the loop: a
suspension becomes an enforcement the ban-evasion registry learns from.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from cauterize.review.audit import canonical
from cauterize.review.sinks.base import Sink, SinkError

#: Review actions in the canonical event model's enforcement vocabulary (restoring a post has none).
_ENFORCEMENT = {
    "suspend": "suspend",
    "reinstate": "unsuspend",
    "remove_post": "remove_post",
    "restrict": "withhold",
    "unrestrict": "unwithhold",
}


class PlatformAdapter(Protocol):
    def apply(self, action: dict[str, Any]) -> None: ...


class CanonicalEventsAdapter:
    """Writes canonical enforcement events to a file instead of calling a live API."""

    def __init__(self, path: Path):
        self.path = path

    def apply(self, action: dict[str, Any]) -> None:
        kind = _ENFORCEMENT.get(action["action"])
        if kind is None:
            return
        event = {
            "kind": "enforcement",
            "platform": action["platform"],
            "event_id": "cz-" + hashlib.sha256(str(action["idempotency_key"]).encode()).hexdigest()[:24],
            "actor": action["account_id"],
            "time": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "action": kind,
            "post_id": action.get("post_id"),
            "reason": action.get("reason_code", "terrorism"),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as f:
            f.write((canonical(event) + "\n").encode())
            f.flush()
            os.fsync(f.fileno())


class PlatformSink(Sink):
    kind = "platform"

    def __init__(self, adapter: PlatformAdapter, name: str = "platform"):
        super().__init__(name)
        self.adapter = adapter

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> PlatformSink:
        adapter_name = str(raw.get("adapter", "canonical"))
        if adapter_name == "canonical":
            adapter: PlatformAdapter = CanonicalEventsAdapter(resolve(raw.get("path", "enforcements.jsonl")))
        else:
            found = [ep for ep in entry_points(group="cauterize.platform_adapters") if ep.name == adapter_name]
            if not found:
                raise ValueError(
                    f"no platform adapter {adapter_name!r} (entry point group cauterize.platform_adapters)"
                )
            adapter = found[0].load()(**{k: v for k, v in raw.items() if k not in {"adapter", "name"}})
        return cls(adapter, str(raw.get("name", "platform")))

    def send(self, payload: dict[str, Any]) -> None:
        try:
            self.adapter.apply(payload)
        except SinkError:
            raise
        except Exception as exc:
            raise SinkError(f"platform adapter: {type(exc).__name__}: {exc}") from exc
