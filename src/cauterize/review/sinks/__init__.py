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
from cauterize.review.sinks.webhook import WebhookSink

KINDS: dict[str, type[Sink]] = {"jsonl": JsonlSink, "webhook": WebhookSink, "platform": PlatformSink}


def build_sinks(configs: list[dict[str, Any]], resolve: Any) -> dict[str, Sink]:
    """Sinks from ``[[review.sinks]]`` entries; ``resolve`` turns a relative path into a real one."""
    out: dict[str, Sink] = {}
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
