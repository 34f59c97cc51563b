"""Network returns: a new account the network promotes right after one of its accounts was suspended.

A return under a fresh common name (``abu_talha771`` for ``abu_mohammed95``) with a new avatar and
display name shares nothing visible with its parent, and when the parent had no audience of its
own to win back, nothing tells which of the accounts suspended that hour it replaces. What still
shows is the promoting neighbourhood: within minutes the network's regulars (accounts that
followed, reposted or mentioned several suspended accounts) shout the newcomer out and follow
it, which ordinary new accounts do not get.

The candidates are the suspensions just before its appearance and those its name, picture or
promoters point at. Given that the account is a replacement, each candidate's share of the link
probabilities says how likely it is the parent; when the best one's share is at least
``CLEAR_LEAD`` and its probability twice the runner-up's, the lead names it
(``parent_account_id``), still for review only.

Such an account is reported as a lead (signal ``evasion.network_return``), not as a link: its
score is the share of accounts meeting the same condition that were replacements in the
training worlds, and its evidence lists the suspensions just before its creation as candidate
parents, each with the link model's probability, without claiming one. It is ``review_only``:
a person decides, never an automatic rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cauterize.evasion.fingerprint import Fingerprint

#: Promoters who promoted at least this many suspended accounts are the network's regulars (an
#: amplifier); an ordinary user who once followed one of them is not.
NETWORK_DEGREE = 3
#: Regulars needed before an account counts as promoted by the network. In the training worlds no
#: ordinary account reached two; most replacements do within their first minutes.
RETURN_PROMOTERS = 2
#: A lead names its best candidate when it scores at least this and twice the runner-up.
CLEAR_LEAD = 0.5
LABEL = "evasion.network_return"


@dataclass(frozen=True, slots=True)
class NetworkReturn:
    account_id: str
    probability: float
    created_at: datetime
    #: (fingerprint, link-model probability), best first.
    candidates: list[tuple[Fingerprint, float]]
    network_promoters: list[str]
    trigger: str
    #: The best candidate is clear (see ``CLEAR_LEAD``): the evidence names it as the parent.
    named: bool = False
    #: Sum of the link probabilities of every candidate considered (for each one's share).
    total_probability: float = 0.0
    label: str = LABEL

    def evidence(self) -> dict[str, Any]:
        named: dict[str, Any] = {}
        if self.named and self.candidates:
            fp = self.candidates[0][0]
            named = {
                "parent_account_id": fp.account_id,
                "parent_handles": list(fp.handles),
                "parent_suspended_at": fp.suspended_at.isoformat(),
                "parent_reason": fp.reason,
                "rank": 1,
            }
        return {
            **named,
            "probability": round(self.probability, 4),
            "trigger": self.trigger,
            "review_only": "promotion by the network names no parent: a lead for a person, never an action",
            "independent_signals": 1,
            "evidence_lines": ["network"],
            "network_promoters": len(self.network_promoters),
            "promoters_sample": sorted(self.network_promoters)[:10],
            "candidate_parents": [
                {
                    "account_id": fp.account_id,
                    "handles": list(fp.handles),
                    "suspended_at": fp.suspended_at.isoformat(),
                    "minutes_before_creation": round((self.created_at - fp.suspended_at).total_seconds() / 60.0, 1),
                    "reason": fp.reason,
                    "link_probability": round(p, 4),
                    "share": round(p / self.total_probability, 4) if self.total_probability else None,
                }
                for fp, p in self.candidates
            ],
        }
