"""The "network announced this account, parent unclear" lead.

When members of a suspended network announce a new account on another platform ("follow
@x@instance") but nothing ties it to one of their suspended accounts, the engine makes no link:
naming a parent on the network's word alone was wrong too often (docs/cross-platform.md, "Whose
announcement"). The account is still worth a reviewer's look, so it gets a lead instead: a
review-only finding on the new account's platform listing the announcers, the suspended accounts
they promoted, and the candidate parents with what each shares with the new account. The lead
names a parent only when one candidate is clearly ahead of the next (``CLEAR_MARGIN`` in log-odds
and a trait of its own); otherwise it says "parent unclear". A lead is never counted as a link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cauterize.actors import score
from cauterize.actors.traits import Traits

if TYPE_CHECKING:
    from cauterize.actors.engine import Announcement

LABEL = "crossplatform.lead"
#: The lead's score: enough for the default review rule (``crossplatform.* >= 0.5``), never more:
#: the network's word says "look at this account", not "this is X".
LEAD_SCORE = 0.5
#: A candidate is named only when its log-odds beat the runner-up's by this much (odds x ~4.5).
CLEAR_MARGIN = 1.5
#: Candidates and announcers shown to the reviewer.
MAX_CANDIDATES = 5
MAX_ANNOUNCERS = 5
MAX_PROMOTED = 5
#: Lines that tie a candidate itself to the new account (the network's word ties none).
OWN_LINES = frozenset({"name", "display_name", "avatar", "bio", "links", "media", "promoters"})


@dataclass(frozen=True, slots=True)
class Candidate:
    parent: Traits
    probability: float
    features: dict[str, float]
    #: How many of the announcers promoted this candidate (or were in its audience): a group that
    #: amplified one suspended account and now announces a new one points at it, weakly.
    promoted_by: int = 0

    @property
    def own_lines(self) -> list[str]:
        return [x for x in score.evidence_lines(self.features) if x in OWN_LINES]

    def to_json(self) -> dict[str, Any]:
        p = self.parent
        return {
            "platform": p.platform,
            "account_id": p.account_id,
            "handles": list(p.handles),
            "suspended_at": p.suspended_at.isoformat() if p.suspended_at else None,
            "last_active": p.last_active.isoformat(),
            "probability": round(self.probability, 4),
            "promoted_by_announcers": self.promoted_by,
            "shared": self.own_lines,
            "features": {k: round(v, 4) for k, v in self.features.items()},
        }


@dataclass(frozen=True, slots=True)
class Announcer:
    announcement: Announcement
    suspended: bool
    promoted: list[tuple[str, str]]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.announcement.to_json(),
            "announcer_suspended": self.suspended,
            "promoted_suspended": [{"platform": p, "account_id": a} for p, a in self.promoted[:MAX_PROMOTED]],
        }


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def clear_leader(candidates: list[Candidate]) -> Candidate | None:
    """The candidate clearly ahead: a trait of its own, and a margin over the next one."""
    if not candidates or not candidates[0].own_lines:
        return None
    if len(candidates) == 1:
        return candidates[0]
    top, second = candidates[0], candidates[1]
    return top if _logit(top.probability) - _logit(second.probability) >= CLEAR_MARGIN else None


@dataclass(frozen=True, slots=True)
class NetworkLead:
    """A new account announced by a suspended network; its parent listed as candidates."""

    platform: str
    account_id: str
    child_handle: str | None
    child_first_seen: datetime
    announcers: list[Announcer]
    candidates: list[Candidate]
    trigger: str
    label: str = LABEL
    probability: float = LEAD_SCORE

    @property
    def suggested(self) -> Candidate | None:
        return clear_leader(self.candidates)

    @property
    def parent(self) -> Traits | None:
        s = self.suggested
        return s.parent if s is not None else None

    def evidence(self) -> dict[str, Any]:
        s = self.suggested
        return {
            "cross_platform": True,
            "lead": "network_announced",
            "parent_unclear": s is None,
            "suggested_parent": (
                {"platform": s.parent.platform, "account_id": s.parent.account_id, "handles": list(s.parent.handles)}
                if s is not None
                else None
            ),
            "trigger": self.trigger,
            "review_only": "a lead: the network announced this account; a person decides whether and whose it is",
            "announcers": [a.to_json() for a in self.announcers[:MAX_ANNOUNCERS]],
            "candidates": [c.to_json() for c in self.candidates[:MAX_CANDIDATES]],
            "statuses": [
                {
                    "platform": self.platform,
                    "account_id": self.account_id,
                    "handle": self.child_handle,
                    "status": "active",
                    "since": self.child_first_seen.isoformat(),
                    "action_available": f"review on {self.platform}",
                },
            ],
        }
