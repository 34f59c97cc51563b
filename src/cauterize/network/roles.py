"""Roles inside a network, from behaviour alone.

| role | behaviour measured |
|---|---|
| ``recruiter`` | answers questions: replies to accounts that mentioned it first |
| ``official/media`` | reposted by members at least 3 times and 4 times more than it reposts them |
| ``amplifier`` | introduces new accounts: mentions an account first seen less than ``new_hours`` before |
| ``sympathiser`` | the rest of the members: reposts and follows |

Counts are taken over edges between members (the flagged neighbourhood), so a journalist
replying to the network does not make anyone a recruiter. The thresholds were chosen on the
small simulated world (seed 1) and checked on the medium one (docs/network.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cauterize.network.graph import KIND_CODE, EdgeTable

ROLES = ("recruiter", "official/media", "amplifier", "sympathiser")


@dataclass(slots=True)
class RoleFeatures:
    reposted: np.ndarray
    reposts: np.ndarray
    answers: np.ndarray
    introduces: np.ndarray


def role_features(
    n: int, table: EdgeTable, members: np.ndarray, first_seen: np.ndarray, new_hours: float = 6.0
) -> RoleFeatures:
    member = np.zeros(n, bool)
    member[members] = True
    both = member[table.src] & member[table.dst]
    rep = both & (table.kind == KIND_CODE["repost"])
    men = (table.kind == KIND_CODE["mention"]) | (table.kind == KIND_CODE["shoutout"])
    reply = member[table.src] & (table.kind == KIND_CODE["reply"])
    # Answers: a reply i -> j where j had mentioned i (asked a question) first.
    n64 = np.int64(n)
    men_keys = table.src[men].astype(np.int64) * n64 + table.dst[men]
    men_first = table.first[men]
    back = table.dst[reply].astype(np.int64) * n64 + table.src[reply]
    order = np.argsort(men_keys)
    pos = np.searchsorted(men_keys[order], back)
    pos = np.minimum(pos, max(len(order) - 1, 0))
    found = (len(order) > 0) & (men_keys[order][pos] == back) if len(order) else np.zeros(len(back), bool)
    asked_before = np.zeros(len(back), bool)
    if len(order):
        asked_before = found & (men_first[order][pos] <= table.last[reply])
    answers = np.bincount(table.src[reply][asked_before], minlength=n).astype(float)
    # Introductions: a member mentions an account seen for the first time shortly before.
    shout = table.kind == KIND_CODE["shoutout"]
    intro = member[table.src] & (shout | (men & ((table.first - first_seen[table.dst]) <= new_hours * 3600.0)))
    return RoleFeatures(
        reposted=np.bincount(table.dst[rep], table.count[rep].astype(float), n),
        reposts=np.bincount(table.src[rep], table.count[rep].astype(float), n),
        answers=answers,
        introduces=np.bincount(table.src[intro], minlength=n).astype(float),
    )


def assign_roles(
    f: RoleFeatures,
    members: np.ndarray,
    min_answers: int = 2,
    min_reposted: int = 3,
    reposted_ratio: float = 4.0,
    min_intros: int = 1,
) -> dict[int, str]:
    """One role per member, first rule that holds in the order of :data:`ROLES`' table above."""
    out: dict[int, str] = {}
    for i in members.tolist():
        if f.answers[i] >= min_answers:
            out[i] = "recruiter"
        elif f.reposted[i] >= min_reposted and f.reposted[i] >= reposted_ratio * f.reposts[i]:
            out[i] = "official/media"
        elif f.introduces[i] >= min_intros:
            out[i] = "amplifier"
        else:
            out[i] = "sympathiser"
    return out


def role_evidence(f: RoleFeatures, i: int) -> dict[str, float]:
    return {
        "reposted_by_members": float(f.reposted[i]),
        "reposts_of_members": float(f.reposts[i]),
        "answers": float(f.answers[i]),
        "introductions": float(f.introduces[i]),
    }
