"""Features of a (new account, suspended fingerprint) pair. Each is one independent line of evidence."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from cauterize.evasion.fingerprint import Fingerprint, Profile
from cauterize.evasion.handles import ascii_fold, compact, consonants, name_key, skeleton, trailing_number

FEATURES: tuple[str, ...] = (
    "handle_similarity",
    "skeleton_equal",
    "stem_popularity",
    "handle_consonants_equal",
    "handle_counter_step",
    "handle_number_kept",
    "display_name_similarity",
    "bio_similarity",
    "avatar_equal",
    "promoters_in_audience",
    "audience_recovered",
    "minutes_after_suspension",
    "created_before_suspension",
    "same_language",
    "hashtag_overlap",
    "audience_top",
    "newest_with_audience",
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


def pair_features(
    obs: Observed, fp: Fingerprint, stem_count: int = 0, query: HandleKeys | None = None
) -> dict[str, float]:
    """``stem_count``: how many suspended accounts share the query's handle skeleton."""
    p = obs.profile
    q = query or HandleKeys.of(p.handle)
    hs = skel_equal = cons_equal = step = kept = 0.0
    if q.compact:
        for k in fp.handle_keys():
            # Digits kept: ``user_5`` and ``user_3`` share a skeleton but are different people.
            sim = _ratio(q.compact, k.compact)
            hs = max(hs, sim)
            if sim >= KEPT_NUMBER_SIMILARITY and number_kept(q.number, k.number):
                kept = 1.0
            if k.skeleton == q.skeleton:
                skel_equal = 1.0
                if k.number != q.number:
                    step = 1.0
            if k.consonants and k.consonants == q.consonants:
                cons_equal = 1.0
    skel = q.skeleton
    dn = _ratio(name_key(p.display_name), name_key(fp.display_name)) if p.display_name and fp.display_name else 0.0
    bio = fuzz.token_set_ratio(ascii_fold(p.bio), ascii_fold(fp.bio)) / 100.0 if p.bio and fp.bio else 0.0
    shared = len(obs.promoters & fp.audience)
    minutes = (obs.at - fp.suspended_at).total_seconds() / 60.0
    created_before = float(p.created_at is not None and p.created_at < fp.suspended_at)
    tags = 0.0
    if obs.hashtags and fp.hashtags:
        mine = {t.casefold() for t in obs.hashtags}
        theirs = {t.casefold() for t, _ in fp.hashtags.most_common(20)}
        tags = len(mine & theirs) / len(mine)
    return {
        "handle_similarity": hs,
        "skeleton_equal": skel_equal,
        "stem_popularity": math.log1p(stem_count),
        "skeleton_length": float(len(skel)),
        "handle_consonants_equal": cons_equal,
        "handle_counter_step": step,
        "handle_number_kept": kept,
        "display_name_similarity": dn,
        "bio_similarity": bio,
        "avatar_equal": float(bool(p.avatar_hash) and p.avatar_hash == fp.avatar_hash),
        "promoters_in_audience": math.log1p(shared),
        # Share of this parent's own audience that came back: amplifiers promote every new
        # account of the network, but a parent's particular followers follow its replacement.
        "audience_recovered": shared / len(fp.audience) if fp.audience else 0.0,
        "minutes_after_suspension": math.log1p(max(minutes, 0.0)),
        "created_before_suspension": created_before,
        "same_language": float(bool(p.lang) and p.lang == fp.lang),
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
    best = max((f["promoters_in_audience"] for _, f in rows), default=0.0)
    newest = max((fp.suspended_at for fp, f in rows if f["promoters_in_audience"] > 0), default=None)
    for fp, f in rows:
        shared = f["promoters_in_audience"]
        f["audience_top"] = float(shared > 0 and shared == best)
        f["newest_with_audience"] = float(shared > 0 and fp.suspended_at == newest)


def evidence_lines(features: dict[str, float]) -> list[str]:
    # A common stem names nobody, unless the handle also carries the parent's number on.
    specific = (
        features.get("handle_similarity", 0.0) >= 0.85
        and (features.get("stem_popularity", 0.0) <= GENERIC_STEM or features.get("handle_number_kept", 0.0) >= 1.0)
        and features.get("skeleton_length", 0.0) >= 5
    )
    feats = {**features, "specific_name": float(specific)}
    return [line for line, (name, at_least) in EVIDENCE_LINES.items() if feats.get(name, 0.0) >= at_least]
