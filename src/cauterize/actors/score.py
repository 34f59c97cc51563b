"""Scoring a cross-platform link: features of a (new account, suspended account) pair and their weights.

The weights are log-odds set by hand from what each trait means, then checked (never fitted) on
the tuning migration worlds (docs/cross-platform.md says which seeds). A hand-set model was chosen
over a fitted one on purpose: the only worlds with cross-platform truth are simulated, and a fit
learns the simulator's habits (the lesson of the first wave).

Rules that hold whatever the weights:

* a stem shared with many suspended accounts (``abu``, ``media``) counts less and less;
* language and hours of posting make a link plausible but are never a line of evidence;
* a link is reported only with an announcement, or with two independent lines of evidence:
  a same-name account on another platform is someone else until something else agrees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from cauterize.actors.traits import Traits, bio_words

BIAS = -5.0
WEIGHTS: dict[str, float] = {
    # The parent named the new account, or the new account named the parent: the strongest tie.
    "announced_by_parent": 6.5,
    # A promoter of the parent named it: the network points at it, not at this parent in particular.
    "announced_by_network": 4.0,
    "stem_equal": 2.2,
    "stem_similar": 1.0,
    "display_name_equal": 1.6,
    "avatar_equal": 3.0,
    "bio_similarity": 3.5,
    "shared_links": 4.0,
    "shared_domains": 1.5,
    "shared_media": 4.0,
    "promoters_moved": 1.5,
    "same_language": 0.5,
    "other_language": -0.5,
    "same_hours": 0.5,
    # Popularity: log2 of the number of other live (not suspended) accounts, on any platform, that
    # share the stem / display name: a name many people wear says little. The parent's own earlier
    # incarnations are suspended, so a network's own reuse of a name is not counted against it.
    "stem_popularity": -0.6,
    "display_popularity": -0.4,
}

#: Features that are a line of evidence a reviewer can check, and the line they belong to.
LINES: dict[str, str] = {
    "announced_by_parent": "announcement",
    "announced_by_network": "announcement",
    "stem_equal": "name",
    "stem_similar": "name",
    "display_name_equal": "display_name",
    "avatar_equal": "avatar",
    "bio_similarity": "bio",
    "shared_links": "links",
    "shared_domains": "links",
    "shared_media": "media",
    "promoters_moved": "promoters",
}
MIN_STEM = 4
#: Hours-of-posting similarity counts only with this many posts on each side.
MIN_POSTS_FOR_HOURS = 8


@dataclass(frozen=True, slots=True)
class Popularity:
    """How many live accounts share a key (how specific a match on it is); the child counts itself."""

    stems: Mapping[str, int]
    names: Mapping[str, int]
    #: Distinct accounts (any platform) that shared a domain / an exact link.
    domains: Mapping[str, int]
    links: Mapping[str, int]


def _hours_cosine(a: list[int], b: list[int]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def features(
    child: Traits,
    parent: Traits,
    pop: Popularity,
    announced_by_parent: bool,
    announced_by_network: bool,
    promoters_moved: int,
    rare_domain: int = 20,
    rare_link: int = 50,
) -> dict[str, float]:
    f: dict[str, float] = {}
    if announced_by_parent:
        f["announced_by_parent"] = 1.0
    elif announced_by_network:
        f["announced_by_network"] = 1.0
    cstems, pstems = child.stems(), parent.stems()
    common = {s for s in cstems & pstems if len(s) >= MIN_STEM}
    if common:
        f["stem_equal"] = 1.0
        f["stem_popularity"] = math.log2(max(1, min(pop.stems.get(s, 1) for s in common) - 1))
    elif cstems and pstems:
        best = max(Indel.normalized_similarity(a, b) for a in cstems for b in pstems if a and b)
        if best >= 0.85 and min(len(s) for s in cstems) >= MIN_STEM:
            f["stem_similar"] = 1.0
    ck, pk = child.name_key(), parent.name_key()
    if ck and len(ck) >= MIN_STEM and ck == pk:
        f["display_name_equal"] = 1.0
        f["display_popularity"] = math.log2(max(1, pop.names.get(ck, 1) - 1))
    if child.avatar_hash and child.avatar_hash == parent.avatar_hash:
        f["avatar_equal"] = 1.0
    cw, pw = bio_words(child.bio), bio_words(parent.bio)
    if len(cw) >= 3 and len(pw) >= 3:
        jac = len(cw & pw) / len(cw | pw)
        if jac >= 0.3:
            f["bio_similarity"] = round(jac, 4)
    links = [u for u in child.links if u in parent.links and pop.links.get(u, 1) <= rare_link]
    if links:
        f["shared_links"] = 1.0
    else:
        doms = [d for d in child.domains() & parent.domains() if pop.domains.get(d, 1) <= rare_domain]
        if doms:
            f["shared_domains"] = 1.0
    if any(h in parent.media for h in child.media):
        f["shared_media"] = 1.0
    if promoters_moved >= 2:
        f["promoters_moved"] = 1.0
    cl, pl = child.language(), parent.language()
    if cl and pl:
        f["same_language" if cl == pl else "other_language"] = 1.0
    enough = child.posts >= MIN_POSTS_FOR_HOURS and parent.posts >= MIN_POSTS_FOR_HOURS
    if enough and _hours_cosine(child.hours, parent.hours) >= 0.8:
        f["same_hours"] = 1.0
    return f


def contributions(feats: Mapping[str, float]) -> dict[str, float]:
    return {k: WEIGHTS.get(k, 0.0) * v for k, v in feats.items()}


def probability(feats: Mapping[str, float]) -> float:
    z = BIAS + sum(contributions(feats).values())
    return 1.0 / (1.0 + math.exp(-z))


def evidence_lines(feats: Mapping[str, float]) -> list[str]:
    return list(dict.fromkeys(LINES[k] for k in feats if k in LINES))


def reportable(feats: Mapping[str, float]) -> bool:
    """An announcement, or two independent lines: never a name alone, never language or hours."""
    lines = evidence_lines(feats)
    return "announcement" in lines or len(lines) >= 2
