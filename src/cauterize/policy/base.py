"""Decisions and the policy interface.

A policy is pure: given an event and the signals the detectors raised on it, it returns the
decisions to record. It never performs an action itself; acting is the job of the layer that
reads decisions (review queue, sinks), so a rule can run in shadow mode or be back-tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from cauterize.detectors.base import Signal
from cauterize.events import Event

Action = Literal["no_action", "flag_for_review", "suspend", "escalate"]
#: Most severe first, so that the strongest decision about an event wins ties.
ACTION_SEVERITY: dict[str, int] = {"escalate": 3, "suspend": 2, "flag_for_review": 1, "no_action": 0}


@dataclass(frozen=True, slots=True)
class Decision:
    platform: str
    account_id: str
    event_id: str
    event_time: datetime
    action: Action
    policy: str
    policy_version: str
    rule: str
    reason: str
    #: Which signals (detector, version, label, score, evidence) drove it, and anything the
    #: rule adds (e.g. ``proposed_action`` when automatic actions are off).
    evidence: Mapping[str, Any] = field(default_factory=dict)
    post_id: str | None = None


class Policy:
    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    registry: ClassVar[dict[str, type[Policy]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            Policy.registry[cls.name] = cls

    def decide(self, event: Event, signals: Sequence[Signal]) -> list[Decision]:
        raise NotImplementedError


def signal_evidence(signal: Signal) -> dict[str, Any]:
    return {
        "detector": signal.detector,
        "detector_version": signal.detector_version,
        "label": signal.label,
        "score": signal.score,
        "post_id": signal.post_id,
        "evidence": dict(signal.evidence),
    }
