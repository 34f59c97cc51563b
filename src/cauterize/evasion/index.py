"""Candidate generation: from a new profile to the few suspended fingerprints worth scoring.

``CandidateIndex`` answers from hash maps and trigram posting lists, so a lookup costs the same
with a thousand fingerprints or a million. ``NaiveIndex`` scans every fingerprint with the same
rules; tests check that both propose the same candidates.

A fingerprint is proposed when any of these holds:

* its compact handle (digits kept) equals the query's, or is the query's with a digit dropped
  or its counter one lower (appended digits, increments);
* its handle skeleton or consonant frame equals the query's (separators, digits, homoglyphs,
  doubled letters, transliteration);
* the query's skeleton shares at least ``min_trigram_share`` of its trigrams with it (swaps, a
  changed letter), among trigrams that are not too common to mean anything;
* the display-name key or avatar hash is equal;
* at least one of the query's promoters is in its audience.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cauterize.evasion.fingerprint import Fingerprint
from cauterize.evasion.handles import compact, compact_parents, consonants, name_key, skeleton, trigrams


@dataclass(frozen=True, slots=True)
class Query:
    handle: str | None
    display_name: str | None
    avatar_hash: str | None
    promoters: frozenset[str] = frozenset()


def _keys(fp: Fingerprint) -> tuple[set[str], set[str], set[str]]:
    skels = {skeleton(h) for h in fp.handles if h}
    return (
        {s for s in skels if s},
        {c for h in fp.handles if h and (c := consonants(h))},
        {c for h in fp.handles if h and (c := compact(h))},
    )


#: A handle stem shared by more suspended accounts than this is generic (``user``, ``news``).
GENERIC_BUCKET = 20
#: How many of a promoter's suspended accounts (the newest) are proposed.
PER_PROMOTER = 10
#: The suspensions a network-promoted newcomer may replace (``returns.py``): those this long
#: before its creation, the newest ``RECENT_MAX``. Returns come within the hour (simulated
#: worlds: 95% within 61 minutes, 99% within 135); a network loses a handful of accounts an hour.
RECENT_WINDOW = timedelta(hours=3)
RECENT_MAX = 10


class CandidateIndex:
    def __init__(self, *, min_trigram_share: float = 0.5, max_posting: int = 2_000, max_candidates: int = 30):
        self.min_trigram_share = min_trigram_share
        #: Trigrams carried by more fingerprints than this say nothing and are skipped at query time.
        self.max_posting = max_posting
        self.max_candidates = max_candidates
        self.fingerprints: dict[int, Fingerprint] = {}
        self._compact: defaultdict[str, list[int]] = defaultdict(list)
        self._skeleton: defaultdict[str, list[int]] = defaultdict(list)
        #: Per skeleton, how many of its fingerprints start a lineage: a recidivist's own chain
        #: of incarnations (ashen_media, ashen_media2, ...) must not make its stem look common.
        self._stem_roots: Counter[str] = Counter()
        self._consonants: defaultdict[str, list[int]] = defaultdict(list)
        self._trigrams: defaultdict[str, list[int]] = defaultdict(list)
        self._names: defaultdict[str, list[int]] = defaultdict(list)
        #: Per display-name key, how many of its fingerprints start a lineage (as ``_stem_roots``).
        self._name_roots: Counter[str] = Counter()
        self._avatars: defaultdict[str, list[int]] = defaultdict(list)
        self._audience: defaultdict[str, list[int]] = defaultdict(list)
        #: (suspended_at, fid), in time order: suspensions arrive in stream order, nearly sorted.
        self._recent: list[tuple[datetime, int]] = []
        #: Skeleton -> the fingerprints its trigrams propose, until the next ``add``. The trigram
        #: count is the costly path, and one skeleton is asked again and again between two
        #: suspensions: each account at every trigger, every namesake at a late suspension.
        self._gram_hits: dict[str, list[int]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k != "_gram_hits"}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._gram_hits = {}

    def __len__(self) -> int:
        return len(self.fingerprints)

    def add(self, fp: Fingerprint) -> None:
        self.fingerprints[fp.fid] = fp
        self._gram_hits.clear()
        skels, cons, compacts = _keys(fp)
        for c in compacts:
            self._compact[c].append(fp.fid)
        for s in skels:
            self._skeleton[s].append(fp.fid)
            if fp.parent_account_id is None:
                self._stem_roots[s] += 1
        for c in cons:
            self._consonants[c].append(fp.fid)
        for t in set().union(*(trigrams(s) for s in skels)) if skels else ():
            self._trigrams[t].append(fp.fid)
        if fp.display_name and (k := name_key(fp.display_name)):
            self._names[k].append(fp.fid)
            if fp.parent_account_id is None:
                self._name_roots[k] += 1
        if fp.avatar_hash:
            self._avatars[fp.avatar_hash].append(fp.fid)
        for a in fp.audience:
            self._audience[a].append(fp.fid)
        entry = (fp.suspended_at, fp.fid)
        if self._recent and entry < self._recent[-1]:
            bisect.insort(self._recent, entry)
        else:
            self._recent.append(entry)

    def deactivate(self, fid: int) -> None:
        """An unsuspended account stops being a parent; its postings are skipped, not rewritten."""
        if fid in self.fingerprints:
            self.fingerprints[fid].active = False

    def stem_count(self, handle: str | None) -> int:
        """How many unrelated suspended actors share this handle's skeleton."""
        return self._stem_roots.get(skeleton(handle), 0) if handle else 0

    def name_count(self, display_name: str | None) -> int:
        """How many unrelated suspended actors wore this display name."""
        return self._name_roots.get(name_key(display_name), 0) if display_name else 0

    def is_audience(self, account_id: str) -> bool:
        return account_id in self._audience

    def audience_degree(self, account_id: str) -> int:
        """How many suspended accounts this account followed, reposted or mentioned."""
        posting = self._audience.get(account_id)
        return len(posting) if posting else 0

    def recent(self, created_at: datetime) -> list[int]:
        """Active fingerprints suspended within ``RECENT_WINDOW`` before ``created_at``, newest first."""
        out: list[int] = []
        since = created_at - RECENT_WINDOW
        fps = self.fingerprints
        i = bisect.bisect_right(self._recent, created_at, key=lambda e: e[0])
        while i > 0 and len(out) < RECENT_MAX:
            i -= 1
            at, fid = self._recent[i]
            if at < since:
                break
            if fps[fid].active:
                out.append(fid)
        return out

    def candidates(self, q: Query) -> list[int]:
        found: dict[int, None] = {}  # insertion-ordered set: strongest reasons first

        def take(fids: Iterable[int]) -> None:
            for f in fids:
                found.setdefault(f, None)

        if q.handle:
            take(self._compact.get(compact(q.handle), ()))
            for key in compact_parents(q.handle):
                take(self._compact.get(key, ()))
        # An exact avatar or display name is rarer than a name pattern and says more: these go
        # before the skeleton buckets, which for a common pattern (``ibn_<name><digits>``) alone
        # fill the candidate list. A key shared by many (a default avatar, "News") gives only its
        # newest few.
        for bucket in (
            self._avatars.get(q.avatar_hash, ()) if q.avatar_hash else (),
            self._names.get(k, ()) if q.display_name and (k := name_key(q.display_name)) else (),
        ):
            take(bucket[::-1] if len(bucket) <= GENERIC_BUCKET else bucket[-5:][::-1])
        if q.handle:
            skel = skeleton(q.handle)
            # A common stem is shared by thousands and names nobody: take its newest few only
            # (the likeliest parents); the audience, avatar and display name find the rest.
            limit = self.max_candidates if self._stem_roots.get(skel, 0) <= GENERIC_BUCKET else 5
            for bucket in (self._skeleton.get(skel, ()), self._consonants.get(consonants(q.handle), ())):
                take(bucket[-limit:][::-1])
            # Trigrams catch what no fold removes (a swapped consonant); they are the costly path,
            # so they are skipped when the exact keys already filled the candidate list.
            if len(found) < self.max_candidates:
                take(self._by_trigrams(skel))
        if q.promoters:
            shared: Counter[int] = Counter()
            for p in sorted(q.promoters):  # a set of ids: sorted, so ties rank alike whatever the hash seed
                # An amplifier follows every account of its network: its newest ones are the
                # likeliest parents, and counting all of them would cost more than it tells.
                shared.update(self._audience.get(p, ())[-PER_PROMOTER:])
            take(f for f, _ in shared.most_common(self.max_candidates))
        fps = self.fingerprints
        return [f for f in found if fps[f].active][: self.max_candidates]

    def _by_trigrams(self, skel: str) -> list[int]:
        """Fingerprints sharing at least ``min_trigram_share`` of the skeleton's trigrams, best first."""
        hits = self._gram_hits.get(skel)
        if hits is None:
            grams = trigrams(skel)
            counts: Counter[int] = Counter()
            for g in grams:
                posting = self._trigrams.get(g)
                if posting and len(posting) <= self.max_posting:
                    counts.update(posting)
            need = self.min_trigram_share * len(grams)
            hits = self._gram_hits[skel] = [f for f, n in counts.most_common(self.max_candidates) if n >= need]
        return hits


class NaiveIndex:
    """The same rules by linear scan: slow, obviously right, the reference for tests."""

    def __init__(self, *, min_trigram_share: float = 0.5):
        self.min_trigram_share = min_trigram_share
        self.fingerprints: dict[int, Fingerprint] = {}

    def add(self, fp: Fingerprint) -> None:
        self.fingerprints[fp.fid] = fp

    def candidates(self, q: Query) -> list[int]:
        out = []
        by_promoter: dict[str, list[int]] = {}
        for fid, fp in sorted(self.fingerprints.items()):
            for p in q.promoters & fp.audience:
                by_promoter.setdefault(p, []).append(fid)
        promoted = {f for fids in by_promoter.values() for f in fids[-PER_PROMOTER:]}
        qname = name_key(q.display_name) if q.display_name else ""
        same_name = [
            f for f, fp in self.fingerprints.items() if qname and fp.display_name and name_key(fp.display_name) == qname
        ]
        same_avatar = [f for f, fp in self.fingerprints.items() if q.avatar_hash and fp.avatar_hash == q.avatar_hash]
        # A key shared by more than GENERIC_BUCKET accounts names nobody: only its newest few.
        by_name = set(same_name if len(same_name) <= GENERIC_BUCKET else same_name[-5:])
        by_avatar = set(same_avatar if len(same_avatar) <= GENERIC_BUCKET else same_avatar[-5:])
        for fid, fp in self.fingerprints.items():
            if not fp.active:
                continue
            skels, cons, compacts = _keys(fp)
            hit = False
            if q.handle:
                skel = skeleton(q.handle)
                grams = trigrams(skel)
                hit = skel in skels or consonants(q.handle) in cons
                hit = hit or compact(q.handle) in compacts or bool(set(compact_parents(q.handle)) & compacts)
                hit = hit or any(len(grams & trigrams(s)) >= self.min_trigram_share * len(grams) for s in skels)
            hit = hit or fid in by_name or fid in by_avatar
            hit = hit or fid in promoted
            if hit:
                out.append(fid)
        return out
