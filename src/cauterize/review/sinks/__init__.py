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
        if kind not in KINDS:
            raise ValueError(f"review.sinks: unknown kind {kind!r}; known: {', '.join(KINDS)}")
        sink = KINDS[kind].from_config(raw, resolve)
        if sink.name in out:
            raise ValueError(f"review.sinks: two sinks named {sink.name!r}; give one a name =")
        out[sink.name] = sink
    return out
