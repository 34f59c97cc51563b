"""cauterize's own JSON Lines: one canonical event per line (schema: docs/event-schema.json)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from cauterize.events import EVENT_KINDS, SCHEMA_VERSION, Event, decode_event
from cauterize.ingest.base import Adapter, RecordError, Reject


class CanonicalJsonl(Adapter):
    name = "jsonl"
    description = "cauterize canonical events, one JSON object per line"
    sniff_priority = 100

    @classmethod
    def sniff(cls, obj: Any) -> bool:
        return (
            isinstance(obj, dict)
            and isinstance(obj.get("kind"), str)
            and obj["kind"] in EVENT_KINDS
            and "event_id" in obj
        )

    @classmethod
    def quick_check(cls, data: bytes) -> bool:
        return b'"event_id"' in data and b'"kind"' in data

    def parse(self, data: bytes) -> Iterable[Event | Reject]:
        try:
            event = decode_event(data)
        except msgspec.ValidationError as exc:
            raise RecordError(f"invalid event: {exc}") from None
        except msgspec.DecodeError as exc:
            raise RecordError(f"malformed JSON: {exc}") from None
        except RecursionError:
            raise RecordError("malformed JSON: nested too deeply") from None
        if event.v > SCHEMA_VERSION:
            raise RecordError(f"event schema version {event.v} is newer than this cauterize ({SCHEMA_VERSION})")
        return (event,)
