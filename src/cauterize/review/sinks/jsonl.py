"""Append each action as one JSON line to a file (flushed and fsynced before it counts as sent)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from cauterize.review.audit import canonical
from cauterize.review.sinks.base import Sink, SinkError


class JsonlSink(Sink):
    kind = "jsonl"

    def __init__(self, path: Path, name: str = "jsonl"):
        super().__init__(name)
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> JsonlSink:
        return cls(resolve(raw.get("path", "actions.jsonl")), str(raw.get("name", "jsonl")))

    def send(self, payload: dict[str, Any]) -> None:
        line = (canonical(payload) + "\n").encode()
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "ab") as f:
                    f.write(line)
                    f.flush()
                    os.fsync(f.fileno())
        except OSError as exc:
            raise SinkError(f"{self.path}: {exc}") from exc
