"""Features of a (new account, suspended fingerprint) pair. Each is one independent line of evidence.

Every feature is a property of identity a platform shows (names, picture, audience, language,
content) or a bounded, monotone function of time. Nothing encodes one simulator's habits: no
"created before the suspension" (a reserve account is common on real platforms, and a late
takedown report puts every replacement before its parent's suspension), no counter step (one
world's numbering). Time is three cumulative indicators: the account appeared within an hour, a
day, a week of the moment the parent went quiet (its last action, or the suspension if that came
first; either side, since a takedown may be reported after the return). Training keeps their
weights non-negative and capped: a return days later loses at most their sum, never more.
``lived_alongside`` (the account appeared while its parent still acted) is the one look at
order, capped too (at most -5.5): a backup account kept in reserve with the parent's name, picture
and display name still links; a namesake with only a similar handle does not.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rapidfuzz import fuzz

from cauterize.evasion.fingerprint import Fingerprint, Profile
from cauterize.evasion.handles import ascii_fold, compact, consonants, name_key, skeleton, trailing_number

FEATURES: tuple[str, ...] = (
    "handle_similarity",
    "handle_close",
    "skeleton_equal",
    "stem_popularity",
    "handle_consonants_equal",
    "handle_number_kept",
    "display_name_similarity",
    "display_name_popularity",
    "display_name_echoes_handle",
    "bio_similarity",
    "avatar_equal",
    "promoters_in_audience",
    "audience_recovered",
    "within_hour",
    "within_day",
    "within_week",
    "lived_alongside",
    "same_language",
    "hashtag_overlap",
    "audience_top",
    "newest_with_audience",
    "superseded",
    "already_replaced",
)

#: Which features make up each independent line of evidence, and the value that counts as
#: "this line says yes". The policy wants two lines before any automatic action, so that a
#: name alone (an innocent look-alike) never suffices.
EVIDENCE_LINES: dict[str, tuple[str, float]] = {
    "name": ("specific_name", 1.0),
    "display_name": ("display_name_similarity", 0.9),
    "avatar": ("avatar_equal", 1.0),
    "audience": ("promoters_in_audience", math.log1p(2)),
    "bio": ("bio_similarity", 0.8),
    "content": ("hashtag_overlap", 0.3),
}
#: The lines that point at one parent rather than at the network as a whole: a link without one
#: is a lead for a reviewer and never an automatic action.
PARENT_LINES = frozenset({"name", "display_name", "avatar", "audience", "bio"})


@dataclass(slots=True)
class Observed:
    """What is known of the new account when it is scored."""

    account_id: str
    profile: Profile
    #: Accounts that followed, reposted or shouted it out since creation (confounders excluded).
    promoters: frozenset[str]
    hashtags: Counter[str]
    at: datetime


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0 if a and b else 0.0


@dataclass(frozen=True, slots=True)
class HandleKeys:
    """The folds of one handle, computed once: a query is compared with dozens of candidates."""

    compact: str
    skeleton: str
    consonants: str
    number: int | None

    @classmethod
    def of(cls, handle: str | None) -> HandleKeys:
        if not handle:
            return _EMPTY
        return cls(compact(handle), skeleton(handle), consonants(handle), trailing_number(handle))


_EMPTY = HandleKeys("", "", "", None)


#: How close two handles must be before the number one carries over from the other means anything.
KEPT_NUMBER_SIMILARITY = 0.8


def number_kept(new: int | None, old: int | None) -> bool:
    """The new handle carries the old one's number on: the same, the next, or with digits appended.

    Under a stem shared by hundreds (``abu_omar``) the number is what names one account:
    ``abu_omar63`` returning as ``abu_omar6340``, ``abu_omar64`` or ``ibn_omra63``. A one-digit
    number is shared by too many namesakes to name anyone.
    """
    if new is None or old is None or old < 10:
        return False
    if new in (old, old + 1):
        return True
    a, b = str(new), str(old)
    return len(a) > len(b) and a.startswith(b)


class NameCounts(Protocol):
    def name_count(self, display_name: str | None) -> int: ...


#: A display name this close to the account's own folded handle only spells the handle out.
ECHO_SIMILARITY = 0.85

#: Handle similarity from which ``handle_close`` grows from 0 to 1.
CLOSE_FROM = 0.8

#: Appearing this little before the parent's last action still counts as after it (clock skew).
ALONGSIDE_SLACK_SECONDS = 600.0

#: The time indicators: (feature, minutes between the appearance and the suspension, either side).
TIME_BUCKETS: tuple[tuple[str, float], ...] = (("within_hour", 60.0), ("within_day", 1440.0), ("within_week", 10080.0))


def pair_features(
    obs: Observed,
    fp: Fingerprint,
    stem_count: int = 0,
    query: HandleKeys | None = None,
    names: NameCounts | None = None,
) -> dict[str, float]:
    """``stem_count``: how many suspended accounts share the query's handle skeleton; ``names``
    tells how many unrelated suspended accounts share a display name (a generic one names nobody)."""
    p = obs.profile
    q = query or HandleKeys.of(p.handle)
    hs = skel_equal = cons_equal = kept = 0.0
    if q.compact:
        for k in fp.handle_keys():
            # Digits kept: ``user_5`` and ``user_3`` share a skeleton but are different people.
            sim = _ratio(q.compact, k.compact)
            hs = max(hs, sim)
            if sim >= KEPT_NUMBER_SIMILARITY and number_kept(q.number, k.number):
                kept = 1.0
            if k.skeleton == q.skeleton:
                skel_equal = 1.0
            if k.consonants and k.consonants == q.consonants:
                cons_equal = 1.0
    skel = q.skeleton
    dn = _ratio(name_key(p.display_name), name_key(fp.display_name)) if p.display_name and fp.display_name else 0.0
    # Display names that only spell the handles out ("Abu Talha" for abu_talha7) repeat the name:
    # they are not a second, independent line of evidence.
    echo = bool(dn) and _ratio(name_key(p.display_name or ""), q.compact) >= ECHO_SIMILARITY
    bio = fuzz.token_set_ratio(ascii_fold(p.bio), ascii_fold(fp.bio)) / 100.0 if p.bio and fp.bio else 0.0
    shared = len(obs.promoters & fp.audience)
    appeared = p.appeared_at or p.created_at or obs.at
    gap = abs((appeared - fp.gone_at).total_seconds()) / 60.0
    lang = p.language()
    tags = 0.0
    if obs.hashtags and fp.hashtags:
        mine = {t.casefold() for t in obs.hashtags}
        theirs = {t.casefold() for t, _ in fp.hashtags.most_common(20)}
        tags = len(mine & theirs) / len(mine)
    return {
        "handle_similarity": hs,
        # Above ``CLOSE_FROM`` every point of similarity counts again, linearly: a logistic
        # model on the raw ratio cannot tell 0.82 (a namesake) from 0.95 (one letter moved).
        "handle_close": max(0.0, hs - CLOSE_FROM) / (1.0 - CLOSE_FROM),
        "skeleton_equal": skel_equal,
        "stem_popularity": math.log1p(stem_count),
        "skeleton_length": float(len(skel)),
        "handle_consonants_equal": cons_equal,
        "handle_number_kept": kept,
        "display_name_similarity": dn,
        "display_name_echoes_handle": float(echo),
        "display_name_popularity": math.log1p(names.name_count(fp.display_name)) if names and dn >= 0.9 else 0.0,
        "bio_similarity": bio,
        "avatar_equal": float(bool(p.avatar_hash) and p.avatar_hash == fp.avatar_hash),
        "promoters_in_audience": math.log1p(shared),
        # Share of this parent's own audience that came back: amplifiers promote every new
        # account of the network, but a parent's particular followers follow its replacement.
        "audience_recovered": shared / len(fp.audience) if fp.audience else 0.0,
        **{name: float(gap <= minutes) for name, minutes in TIME_BUCKETS},
        # It appeared while the parent was still acting: a look-alike or a namesake, or at most
        # a backup kept in reserve; a replacement appears after its parent went quiet.
        "lived_alongside": float((fp.gone_at - appeared).total_seconds() > ALONGSIDE_SLACK_SECONDS),
        "same_language": float(bool(lang) and lang == fp.lang),
        "hashtag_overlap": tags,
    }


#: A stem shared by more suspended accounts than this (``user``, ``news``) names nobody in particular.
GENERIC_STEM = math.log1p(20)


def add_relative_features(rows: list[tuple[Fingerprint, dict[str, float]]]) -> None:
    """Features that compare a candidate with the others proposed for the same account.

    A replacement under a new name shares nothing visible with its parent; what singles the
    parent out is that the accounts promoting the newcomer are its audience more than anyone's,
    and that it is the most recent of the suspended accounts they followed.
    """
    # A candidate whose own replacement is also among the candidates (linked to it, and suspended
    # since) has been superseded: the newest incarnation of a chain is the likelier parent.
    parents_of_others = {fp.parent_account_id for fp, _ in rows if fp.parent_account_id}
    for fp, f in rows:
        f["superseded"] = float(fp.account_id in parents_of_others)
    best = max((f["promoters_in_audience"] for _, f in rows), default=0.0)
    newest = max((fp.suspended_at for fp, f in rows if f["promoters_in_audience"] > 0), default=None)
    for fp, f in rows:
        shared = f["promoters_in_audience"]
        f["audience_top"] = float(shared > 0 and shared == best)
        f["newest_with_audience"] = float(shared > 0 and fp.suspended_at == newest)


def add_lineage_features(
    rows: list[tuple[Fingerprint, dict[str, float]]],
    account_id: str,
    appeared: datetime,
    children: Mapping[str, tuple[str, datetime]],
    suspended: Container[str],
) -> None:
    """``already_replaced``: the candidate already came back as another account, still live.

    One suspension is followed by one return; a second account that looks like the parent,
    appearing after a replacement that is still active, is a look-alike of that replacement
    more often than a second return. ``children`` maps a parent to the newest account linked to
    it and when that account appeared; ``suspended`` holds accounts in the registry.
    """
    for fp, f in rows:
        child = children.get(fp.account_id)
        f["already_replaced"] = float(
            child is not None and child[0] != account_id and child[0] not in suspended and child[1] <= appeared
        )


def evidence_lines(features: dict[str, float]) -> list[str]:
    # A common stem names nobody, unless the handle also carries the parent's number on.
    specific = (
        features.get("handle_similarity", 0.0) >= 0.85
        and (features.get("stem_popularity", 0.0) <= GENERIC_STEM or features.get("handle_number_kept", 0.0) >= 1.0)
        and features.get("skeleton_length", 0.0) >= 5
    )
    feats = {**features, "specific_name": float(specific)}
    if features.get("display_name_popularity", 0.0) > GENERIC_STEM:
        feats["display_name_similarity"] = 0.0  # a display name worn by many names nobody
    if specific and features.get("display_name_echoes_handle", 0.0):
        feats["display_name_similarity"] = 0.0  # the name again, not a second line
    return [line for line, (name, at_least) in EVIDENCE_LINES.items() if feats.get(name, 0.0) >= at_least]
