"""The sink interface."""

from __future__ import annotations

from typing import Any, ClassVar


class SinkError(Exception):
    """A delivery failed; the outbox retries it later."""


class Sink:
    kind: ClassVar[str] = ""

    def __init__(self, name: str):
        self.name = name

    @classmethod
    def from_config(cls, raw: dict[str, Any], resolve: Any) -> Sink:
        raise NotImplementedError

    def send(self, payload: dict[str, Any]) -> None:
        raise NotImplementedError
