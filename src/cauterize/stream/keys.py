"""Which partition a record belongs to: its account's.

Per-account state (the reorder window, dedup of an account's events, the order of its
changes) is only right if one worker sees all of an account's events in order, so every
record is keyed by ``platform:actor`` and Kafka's partitioner sends one account to one
partition. A record whose account cannot be read goes without a key (any partition); the
worker dead-letters it with the reason.
"""

from __future__ import annotations

import msgspec

from cauterize.ingest.base import Adapter, Reject


class _Head(msgspec.Struct):
    platform: str
    actor: str


_head = msgspec.json.Decoder(_Head)


def account_key(platform: str, actor: str) -> bytes:
    return f"{platform}:{actor}".encode()


def record_key(data: bytes, adapter: Adapter | None = None) -> bytes | None:
    """The partition key of one record: a canonical event's account, else the first account an
    adapter finds in it (a page of posts by one author), else None."""
    if adapter is None or adapter.name == "jsonl":
        try:
            head = _head.decode(data)
        except (msgspec.DecodeError, msgspec.ValidationError):
            if adapter is None:
                return None
        else:
            return account_key(head.platform, head.actor)
    try:
        for item in adapter.parse(data):  # type: ignore[union-attr]
            if not isinstance(item, Reject):
                return account_key(item.platform, item.actor)
    except Exception:  # unparseable here is unparseable in the worker: it dead-letters it
        return None
    return None
