from __future__ import annotations

import random
import string
from collections import Counter
from datetime import UTC, datetime

import pytest

from cauterize.evasion.fingerprint import Fingerprint
from cauterize.evasion.handles import consonants, skeleton, trailing_number
from cauterize.evasion.index import CandidateIndex, NaiveIndex, Query

T = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "variant",
    ["Ashen_Media2", "ashen__media", "ashen.media", "ashen_rnedia", "аshen_media", "ashen_mediaa", "ＡＳＨＥＮ_media"],
)
def test_evasion_variants_share_the_skeleton(variant):
    assert skeleton(variant) == skeleton("ashen_media") == "ashenmedia"


@pytest.mark.parametrize(
    ("a", "b"),
    [("abu_harith", "abou_hareth"), ("mohammed", "muhammad"), ("abu_harith", "أبو حارث"), ("mhmd", "muhammad")],
)
def test_transliterations_share_the_consonant_frame(a, b):
    assert consonants(a) == consonants(b)


def test_different_names_stay_apart():
    assert skeleton("ashen_media") != skeleton("garden_notes")
    assert consonants("abu_harith") != consonants("umm_talha")


def test_trailing_number():
    assert trailing_number("ashen_media74") == 74 and trailing_number("ashen_media") is None


def _fp(fid, handle, name=None, avatar=None, audience=()):
    return Fingerprint(
        fid, "p", f"a{fid}", (handle,), name, None, avatar, "en", T, "terrorism", frozenset(audience), Counter()
    )


def _random_handle(rng):
    stem = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))
    return stem + rng.choice(["", "_x", "2", "_media", "99"])


def test_fast_and_naive_indexes_propose_the_same_candidates():
    rng = random.Random(3)
    fast, naive = CandidateIndex(max_candidates=10_000), NaiveIndex()
    for fid in range(1, 600):
        fp = _fp(
            fid,
            _random_handle(rng),
            name=rng.choice([None, "Ashen Media", "Garden Club", f"n{fid}"]),
            avatar=rng.choice([None, "av1", f"av{fid}"]),
            audience={f"u{rng.randrange(300)}" for _ in range(rng.randint(0, 5))},
        )
        fast.add(fp)
        naive.add(fp)
    fast.deactivate(5)
    naive.fingerprints[5].active = False
    for _ in range(200):
        base = naive.fingerprints[rng.randrange(1, 600)].handles[0]
        q = Query(
            handle=rng.choice([base + "1", base.replace("a", "4"), _random_handle(rng), None]),
            display_name=rng.choice([None, "Ashen Media", "Someone"]),
            avatar_hash=rng.choice([None, "av1", "zz"]),
            promoters=frozenset(f"u{rng.randrange(400)}" for _ in range(rng.randint(0, 3))),
        )
        assert sorted(fast.candidates(q)) == sorted(naive.candidates(q)), q


def test_index_finds_a_swapped_letter_by_trigrams():
    idx = CandidateIndex()
    idx.add(_fp(1, "ashen_official"))
    idx.add(_fp(2, "garden_notes"))
    assert idx.candidates(Query("ashen_offcial", None, None)) == [1]
    assert idx.candidates(Query("totally_else", None, None)) == []
