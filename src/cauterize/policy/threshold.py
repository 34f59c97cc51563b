"""Threshold rules: "signals labelled like X scoring at least T lead to action A".

Rules are matched in order by a label glob. Automatic suspension is off by default: a rule
that would suspend records ``flag_for_review`` with ``proposed_action = "suspend"`` until
``auto_actions`` is turned on, because a wrong suspension of a journalist costs more than a
minute's delay. Escalation (a credible threat to life) is never held back: it goes to people.

Trusted accounts (``trusted``, ``trusted_file``: the journalists, researchers, police and
counter-messaging campaigns a platform knows, as ``account_id`` or ``platform:account_id``)
work among these networks all day and quote what they report on. Their signals are still
stored, but only an escalation rule can decide on them: a threat to life from a trusted
account (compromised, or not who it claimed) still reaches people; nothing else queues or acts.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cauterize.detectors.base import Signal
from cauterize.events import Event
from cauterize.policy.base import ACTION_SEVERITY, Decision, Policy, signal_evidence


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    labels: str
    threshold: float
    action: str
    #: At least this many independent lines of evidence (``evidence.independent_signals``).
    min_independent: int = 0
    #: The linked parent must have been suspended for one of these reasons (``evidence.parent_reason``).
    parent_reasons: tuple[str, ...] = ()
    #: Shadow mode: the rule's decisions are recorded under policy ``<name>:shadow`` and never
    #: enforced or queued; the live rules decide as if it were absent.
    shadow: bool = False

    def matches(self, signal: Signal) -> bool:
        if signal.score < self.threshold or not fnmatch.fnmatchcase(signal.label, self.labels):
            return False
        ev = signal.evidence
        if self.min_independent and int(ev.get("independent_signals", 0)) < self.min_independent:
            return False
        return not (self.parent_reasons and ev.get("parent_reason") not in self.parent_reasons)

    @classmethod
    def from_config(cls, raw: Mapping[str, Any]) -> Rule:
        action = raw.get("action", "flag_for_review")
        if action not in ACTION_SEVERITY or action == "no_action":
            raise ValueError(f"rule {raw.get('name')!r}: unknown action {action!r}")
        threshold = float(raw["threshold"])
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"rule {raw.get('name')!r}: threshold {threshold} outside [0, 1]")
        return cls(
            name=str(raw.get("name") or f"{raw['labels']}>={threshold}:{action}"),
            labels=str(raw["labels"]),
            threshold=threshold,
            action=action,
            min_independent=int(raw.get("min_independent", 0)),
            parent_reasons=tuple(raw.get("parent_reasons", ())),
            shadow=bool(raw.get("shadow", False)),
        )


DEFAULT_RULES: tuple[Mapping[str, Any], ...] = (
    # A replacement of an account suspended for terrorism, shown by two independent lines of
    # evidence (a name alone never suffices: innocent look-alikes exist).
    {
        "name": "ban-evasion-auto",
        "labels": "evasion.*",
        "threshold": 0.9,
        "action": "suspend",
        "min_independent": 2,
        "parent_reasons": ["terrorism"],
    },
    {"name": "ban-evasion-review", "labels": "evasion.*", "threshold": 0.2, "action": "flag_for_review"},
    {"name": "threat-to-life", "labels": "threat.*", "threshold": 0.8, "action": "escalate"},
    {"name": "threat-review", "labels": "threat.*", "threshold": 0.5, "action": "flag_for_review"},
    # A link to an account suspended on another platform: a review case on the platform where the
    # account is active (its signals are review_only, so no rule can act on them by itself).
    {"name": "cross-platform-review", "labels": "crossplatform.*", "threshold": 0.5, "action": "flag_for_review"},
    {"name": "strong-signal", "labels": "*", "threshold": 0.95, "action": "suspend"},
    {"name": "review", "labels": "*", "threshold": 0.5, "action": "flag_for_review"},
)


def _trusted(entries: Sequence[str], path: str | None) -> frozenset[str]:
    out = {str(e).strip() for e in entries}
    if path:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                out.add(line)
    return frozenset(x for x in out if x)


class ThresholdPolicy(Policy):
    name = "threshold"
    version = "1"

    def __init__(
        self,
        rules: Sequence[Mapping[str, Any]] = DEFAULT_RULES,
        auto_actions: bool = False,
        trusted: Sequence[str] = (),
        trusted_file: str | None = None,
    ):
        self.rules = [Rule.from_config(r) for r in rules]
        self.auto_actions = auto_actions
        self.trusted = _trusted(trusted, trusted_file)
        # Live and shadow rules are two separate ordered lists: a shadow rule never takes a
        # signal away from a live one, and each signal takes the first rule of each list.
        self._live = [r for r in self.rules if not r.shadow]
        self._shadow = [r for r in self.rules if r.shadow]

    def is_trusted(self, platform: str, account_id: str) -> bool:
        return bool(self.trusted) and (account_id in self.trusted or f"{platform}:{account_id}" in self.trusted)

    def decide(self, event: Event, signals: Sequence[Signal]) -> list[Decision]:
        # One decision per account per event: the most severe rule any of its signals meets,
        # with every signal that met a rule kept as evidence.
        fired: dict[str, list[tuple[Rule, Signal]]] = {}
        shadowed: dict[str, list[tuple[Rule, Signal]]] = {}
        for signal in signals:
            # A detector may mark its signal as a lead only (network proximity): under any
            # configuration it can queue for a person but never suspend or escalate.
            review_only = bool(signal.evidence.get("review_only"))
            trusted = self.is_trusted(signal.platform, signal.account_id)
            for target, rules in ((fired, self._live), (shadowed, self._shadow)):
                for rule in rules:
                    if review_only and ACTION_SEVERITY[rule.action] > ACTION_SEVERITY["flag_for_review"]:
                        continue
                    if trusted and rule.action != "escalate":
                        continue
                    if rule.matches(signal):
                        target.setdefault(signal.account_id, []).append((rule, signal))
                        break  # rules are ordered: the first one a signal meets is its rule
        decisions = self._decisions(event, fired, self.name, {})
        if shadowed:
            decisions += self._decisions(event, shadowed, f"{self.name}:shadow", {"shadow": True})
        return decisions

    def _decisions(
        self, event: Event, fired: dict[str, list[tuple[Rule, Signal]]], policy: str, marks: dict[str, Any]
    ) -> list[Decision]:
        decisions = []
        for account_id, pairs in fired.items():
            rule, top = max(pairs, key=lambda p: (ACTION_SEVERITY[p[0].action], p[1].score))
            action = rule.action
            extra: dict[str, Any] = {}
            if self.is_trusted(event.platform, account_id):
                extra["trusted_account"] = True  # only an escalation gets here: see the module doc
            if action == "suspend" and not self.auto_actions:
                action, extra = "flag_for_review", {"proposed_action": "suspend", "held_back": "auto_actions is off"}
            decisions.append(
                Decision(
                    platform=event.platform,
                    account_id=account_id,
                    event_id=event.event_id,
                    event_time=event.time,
                    action=action,  # type: ignore[arg-type]
                    policy=policy,
                    policy_version=self.version,
                    rule=rule.name,
                    reason=f"{top.label} scored {top.score:.3f} >= {rule.threshold} ({top.detector} v{top.detector_version})",
                    evidence={"signals": [{**signal_evidence(s), "rule": r.name} for r, s in pairs], **extra, **marks},
                    post_id=top.post_id,
                )
            )
        return decisions
