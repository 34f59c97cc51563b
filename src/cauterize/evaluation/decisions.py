"""Readers for what a pipeline produced: exported decisions and (optionally) raw signals.

Decisions come from ``cauterize decisions export --format jsonl``; only the fields evaluation
needs are kept. ``event_time`` (the simulated time of the triggering event) is the flag time;
``decided_at`` is wall-clock and ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cauterize.evaluation.truth import parse_time

FLAG_ACTIONS = frozenset({"flag_for_review", "suspend", "escalate"})
#: Actions that take something away from the account, as opposed to queueing it for review.
ENFORCING_ACTIONS = frozenset({"suspend", "escalate"})


@dataclass(frozen=True, slots=True)
class SignalRecord:
    detector: str
    label: str
    score: float
    platform: str
    account_id: str
    event_id: str | None = None
    post_id: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.account_id)

    @property
    def is_evasion(self) -> bool:
        return self.label.startswith("evasion.")


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    platform: str
    account_id: str
    action: str
    event_time: datetime
    rule: str = ""
    policy: str = ""
    handle: str | None = None
    signals: tuple[SignalRecord, ...] = ()
    #: Made by a rule in shadow mode: recorded to measure the rule, never acted on.
    shadow: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.account_id)


def _signal(obj: dict[str, Any], platform: str, account_id: str) -> SignalRecord:
    return SignalRecord(
        detector=str(obj.get("detector", "")),
        label=str(obj.get("label", "")),
        score=float(obj.get("score", 0.0)),
        platform=str(obj.get("platform", platform)),
        account_id=str(obj.get("account_id", account_id)),
        event_id=obj.get("event_id"),
        post_id=obj.get("post_id"),
        evidence=dict(obj.get("evidence") or {}),
    )


def parse_decision(obj: dict[str, Any]) -> DecisionRecord:
    platform, account_id = str(obj["platform"]), str(obj["account_id"])
    evidence = obj.get("evidence") or {}
    signals = tuple(_signal(s, platform, account_id) for s in evidence.get("signals", ()) if isinstance(s, dict))
    return DecisionRecord(
        platform=platform,
        account_id=account_id,
        action=str(obj["action"]),
        event_time=parse_time(obj["event_time"]),
        rule=str(obj.get("rule", "")),
        policy=str(obj.get("policy", "")),
        handle=obj.get("handle"),
        signals=signals,
        shadow=bool(evidence.get("shadow")) or str(obj.get("policy", "")).endswith(":shadow"),
    )


def _lines(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with Path(path).open("r", encoding="utf-8") as fp:
        for lineno, line in enumerate(fp, 1):
            if line.strip():
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: {exc}") from None


def read_decisions(path: str | Path, shadow: bool = False) -> list[DecisionRecord]:
    """The live decisions of an export, or with ``shadow`` only those of rules in shadow mode.

    The two never mix: a shadow rule's decisions flag nobody, so counting them with the live
    ones would credit the system with catches it did not make.
    """
    out = []
    for lineno, obj in _lines(path):
        try:
            d = parse_decision(obj)
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: bad decision record: {exc!r}") from None
        if d.shadow == shadow:
            out.append(d)
    return out


def read_signals(path: str | Path) -> list[SignalRecord]:
    out = []
    for lineno, obj in _lines(path):
        try:
            out.append(_signal(obj, str(obj["platform"]), str(obj["account_id"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{lineno}: bad signal record: {exc!r}") from None
    return out


def signals_in(decisions: Iterable[DecisionRecord]) -> Iterator[SignalRecord]:
    for d in decisions:
        yield from d.signals
