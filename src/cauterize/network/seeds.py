"""Which enforcement confirms an account as part of the network (a seed), and why.

Platforms report enforcement in their own words. X's compliance results say only ``suspended``
(or ``deleted``, ``deactivated``, ``protected``, which the account's owner causes), Bluesky says
``takendown``, the simulator and platforms with policy labels say ``terrorism`` or
``violent_extremism``. A seed rule is therefore explicit:

* ``"any-suspension"``: every suspension (action ``suspend``), whatever its reason;
* a list of reasons: enforcement (``suspend`` or ``delete``) whose reason is in it, compared
  without case, ``-`` and ``_`` differences; an empty list confirms nothing.

The default is the violent-extremism reasons plus a platform's *bare* suspension (``suspended``,
``takendown``) when the action is a suspension. Why: a feed that cauterize watches is already
collected around the network (a filtered stream, a followed list), and on X and Bluesky the
platform never says why it suspended an account, so a rule that waits for a reason finds no
seeds at all there. A bare ``deleted`` or ``deactivated`` is the owner's own act and ``protected``
is a privacy setting: they never confirm anything. An operator whose feed is broad (a firehose,
where most suspensions are spam) should set a list without the bare reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ANY_SUSPENSION = "any-suspension"
VIOLENT_EXTREMISM = ("terrorism", "violent_extremism")
#: Reasons that only say "the platform suspended it" (X compliance, Bluesky's account status).
BARE_SUSPENSION = ("suspended", "takendown")
DEFAULT_SEED_REASONS: tuple[str, ...] = (*VIOLENT_EXTREMISM, *BARE_SUSPENSION)
_CONFIRMING_ACTIONS = ("suspend", "delete")


def _norm(reason: str | None) -> str:
    return (reason or "").strip().lower().replace("-", "_")


@dataclass(frozen=True, slots=True)
class SeedRule:
    """``reasons`` is :data:`ANY_SUSPENSION` or a tuple of reasons (empty: none)."""

    reasons: str | tuple[str, ...] = DEFAULT_SEED_REASONS

    @classmethod
    def parse(cls, value: str | Sequence[str] | None) -> SeedRule:
        if value is None:
            return cls()
        if isinstance(value, str):
            if value.strip().lower() != ANY_SUSPENSION:
                raise ValueError(f"seed_reasons: {value!r} is neither {ANY_SUSPENSION!r} nor a list of reasons")
            return cls(ANY_SUSPENSION)
        if not all(isinstance(v, str) for v in value):
            raise ValueError("seed_reasons: every reason must be a string")
        return cls(tuple(_norm(v) for v in value if v.strip()))

    def why(self, action: str, reason: str | None) -> str | None:
        """Why this enforcement confirms the account, or None when it does not."""
        if self.reasons == ANY_SUSPENSION:
            return (
                f"suspended ({reason or 'no reason given'}; seed_reasons = any-suspension)"
                if action == "suspend"
                else None
            )
        if action not in _CONFIRMING_ACTIONS:
            return None
        r = _norm(reason)
        if not r or r not in self.reasons:
            return None
        if r in BARE_SUSPENSION:
            # A bare word is only a suspension when the action says so (X's "suspended" is one;
            # a "deleted" row with the same word would not be).
            return f"platform suspension, no reason given ({r})" if action == "suspend" else None
        return f"{action} for {r}"

    def describe(self) -> str:
        if self.reasons == ANY_SUSPENSION:
            return "every platform suspension"
        if not self.reasons:
            return "no enforcement (seed_reasons = [])"
        return "suspensions/deletions for: " + ", ".join(self.reasons)


@dataclass(slots=True)
class SeedChoice:
    """The confirmed accounts and, per account, why it is one."""

    why: dict[str, str]
    rule: str

    def summary(self) -> Counter[str]:
        return Counter(self.why.values())

    def describe(self, used: Iterable[str] | None = None) -> str:
        counts = Counter(self.why[k] for k in (self.why if used is None else used) if k in self.why)
        parts = [f"{n} {why}" for why, n in counts.most_common()]
        return f"{sum(counts.values())} seeds ({'; '.join(parts) or 'none'}); rule: {self.rule}"


def choose(
    enforcement: Iterable[tuple[str, str, str | None]],
    rule: SeedRule,
    listed: Iterable[str] = (),
    allowed: Iterable[str] = (),
) -> SeedChoice:
    """Seeds from ``(account_id, action, reason)`` rows and accounts listed by the operator;
    allow-listed accounts are never seeds. The first reason found for an account is kept."""
    why: dict[str, str] = {}
    for acct, action, reason in enforcement:
        if acct in why:
            continue
        w = rule.why(action, reason)
        if w is not None:
            why[acct] = w
    for acct in listed:
        why.setdefault(acct, "listed by the operator (seeds / seeds_file)")
    for acct in allowed:
        why.pop(acct, None)
    return SeedChoice(why, rule.describe())
