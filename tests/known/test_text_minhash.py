from __future__ import annotations

import random

import pytest

np = pytest.importorskip("numpy")

from cauterize.known import text_minhash as tm  # noqa: E402

STATEMENT = (
    "The Ashen Banner calls on every loyal member to gather at the old mill before the winter "
    "council and to bring the grey flags that were promised last spring."
)
OTHER = (
    "The neighbourhood garden club meets on Saturday morning to plant tulips along the river path; "
    "bring gloves and a thermos of tea."
)


def test_normalise_strips_links_mentions_emojis_punctuation_and_styling() -> None:
    styled = "🔥🔥 ＴＨＥ Ashen... BANNER!!! @someone https://t.co/AbC www.paste.example/x calls #now"
    assert tm.normalize(styled) == "the ashen banner calls now"


def test_near_duplicate_with_changed_punctuation_emojis_and_links_still_matches() -> None:
    idx = tm.MinHashIndex()
    idx.add("s1", STATEMENT)
    idx.add("s2", OTHER)
    copy = (
        "🔥🔥 THE ASHEN BANNER calls on every loyal member -- to gather at the old mill, before the "
        "winter council; and to bring the grey flags that were promised last spring!!! 👉 "
        "https://paste.example/xyz @ashen_media"
    )
    hits = idx.query(copy)
    assert [h[0] for h in hits] == ["s1"]
    assert hits[0][1] >= 0.9


def test_light_edit_still_matches_and_unrelated_text_does_not() -> None:
    idx = tm.MinHashIndex()
    idx.add("s1", STATEMENT)
    edited = STATEMENT.replace("every loyal member", "every member").replace("last spring", "last year")
    hits = idx.query(edited)
    assert hits and hits[0][0] == "s1" and 0.6 <= hits[0][1] < 1.0
    assert idx.query(OTHER) == []
    assert idx.query("🔥🔥 !!! https://t.co/x") == []


def test_batched_signatures_equal_single_ones() -> None:
    texts = [STATEMENT, OTHER, "", "short", STATEMENT + " again"] * 30
    for s, t in zip(tm.signatures(texts), texts, strict=True):
        one = tm.signature(t)
        assert (s is None and one is None) or bool((s == one).all())


def _corpus(rng: random.Random, n: int) -> list[str]:
    words = [f"w{i}" for i in range(400)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(12, 30))) for _ in range(n)]


def _mutate(rng: random.Random, text: str) -> str:
    ws = text.split()
    for _ in range(rng.randint(0, 2)):
        ws.insert(rng.randrange(len(ws)), rng.choice(["!!", "🔥", "https://x.example/a", "@bot", "..."]))
    if rng.random() < 0.5:
        ws[rng.randrange(len(ws))] = "zzz"
    return " ".join(ws).upper() if rng.random() < 0.3 else " ".join(ws)


def test_fast_and_naive_indexes_return_the_same_matches_on_random_data() -> None:
    rng = random.Random(11)
    bank = _corpus(rng, 400)
    fast, naive = tm.MinHashIndex(0.6), tm.NaiveMinHashIndex(0.6)
    for i, t in enumerate(bank):
        fast.add(f"e{i}", t)
        naive.add(f"e{i}", t)
    queries = [_mutate(rng, rng.choice(bank)) for _ in range(150)] + _corpus(rng, 150)
    matched = 0
    for q in queries:
        f, n = fast.query(q), naive.query(q)
        assert f == n
        matched += bool(f)
    assert 140 <= matched < 300  # the mutated copies match, fresh random texts do not
