"""Output sinks: where actions go once taken (one module per kind).

A sink's ``send(payload)`` delivers one action or raises; delivery is at-least-once through the
outbox (``cauterize.review.outbox``), with each payload's ``idempotency_key`` for the receiver to
drop repeats.
"""

from __future__ import annotations

from typing import Any

from cauterize.review.sinks.base import Sink
from cauterize.review.sinks.jsonl import JsonlSink
from cauterize.review.sinks.platform import PlatformSink
from cauterize.review.sinks.registry import RegistrySink
from cauterize.review.sinks.webhook import WebhookSink

KINDS: dict[str, type[Sink]] = {
    "jsonl": JsonlSink,
    "webhook": WebhookSink,
    "platform": PlatformSink,
    "registry": RegistrySink,
}


def _plugin_kinds() -> dict[str, Any]:
    """Sinks other packages (and ``cauterize.live``) register under the ``cauterize.sinks`` entry points
    (loaded only when configured: a sink's client library may be an optional extra)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group="cauterize.sinks")}


class SinkSet(dict[str, Sink]):
    """The configured sinks, with the retry policy their outbox rows follow."""

    def __init__(self, max_attempts: int = 8, retry_base_seconds: float = 5.0):
        super().__init__()
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds


def build_sinks(
    configs: list[dict[str, Any]], resolve: Any, max_attempts: int = 8, retry_base_seconds: float = 5.0
) -> SinkSet:
    """Sinks from ``[[review.sinks]]`` entries; ``resolve`` turns a relative path into a real one."""
    out = SinkSet(max_attempts, retry_base_seconds)
    for raw in configs:
        raw = dict(raw)
        kind = raw.pop("kind", None)
        plugin = _plugin_kinds().get(kind) if kind not in KINDS else None  # type: ignore[arg-type]
        cls = KINDS.get(kind) or (plugin.load() if plugin is not None else None)  # type: ignore[arg-type]
        if cls is None:
            known = ", ".join([*KINDS, *_plugin_kinds()])
            raise ValueError(f"review.sinks: unknown kind {kind!r}; known: {known}")
        sink = cls.from_config(raw, resolve)
        if sink.name in out:
            raise ValueError(f"review.sinks: two sinks named {sink.name!r}; give one a name =")
        out[sink.name] = sink
    return out
