from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cauterize.content.normalize import (
    NUM_TOKEN,
    URL_TOKEN,
    USER_TOKEN,
    arabizi_to_arabic,
    is_arabizi_token,
    normalize,
    normalize_arabic,
)


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أحمد", "احمد"),  # alef with hamza above
        ("إسلام", "اسلام"),  # alef with hamza below
        ("آمن", "امن"),  # alef with madda
        ("ٱلكتاب", "الكتاب"),  # alef wasla
        ("على", "علي"),  # alef maqsura -> ya
        ("مدرسة", "مدرسه"),  # ta marbuta -> ha
        ("کتاب", "كتاب"),  # Persian kaf
    ],
)
def test_arabic_letter_variants_fold_to_one_spelling(variant: str, plain: str) -> None:
    assert normalize_arabic(variant) == plain


def test_diacritics_and_tatweel_are_removed() -> None:
    assert normalize_arabic("كِتَابٌ") == "كتاب"
    assert normalize_arabic("كـــتـاب") == "كتاب"
    assert normalize("مَدْرَسَةٌ") == normalize("مدرسة") == "مدرسه"


def test_arabic_indic_digits_become_ascii_numbers() -> None:
    assert normalize("عام ٢٠١٥") == f"عام {NUM_TOKEN}"


@pytest.mark.parametrize(
    ("token", "arabic"),
    [("7abibi", "حبيبي"), ("3arab", "عرب"), ("5alid", "خليد"), ("ma3a", "معا")],
)
def test_arabizi_words_transliterate(token: str, arabic: str) -> None:
    assert arabizi_to_arabic(token) == arabic


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("7abibi", True),
        ("3arab", True),
        ("ba2a", True),
        ("mp3", False),
        ("2day", False),
        ("hello", False),
        ("2015", False),
    ],
)
def test_arabizi_token_detection(token: str, expected: bool) -> None:
    assert is_arabizi_token(token) is expected


def test_mostly_arabizi_text_is_rewritten_whole_but_one_word_in_english_is_not() -> None:
    assert normalize("ana 7abibi w enta 3arab") == "انا حبيبي و انتا عرب"
    mixed = normalize("I will see my 7abibi at the station today")
    assert mixed.startswith("i will see my حبيبي at the station")


def test_arabizi_and_arabic_spelling_meet() -> None:
    assert normalize("7abibi").split() == normalize("حبيبي").split()


def test_urls_mentions_case_entities_and_punctuation() -> None:
    text = "RT @Someone: Read THIS &amp; that https://example.org/x?y=1 now!!"
    assert normalize(text) == f"rt {USER_TOKEN} read this that {URL_TOKEN} now"


def test_fullwidth_and_curly_quotes() -> None:
    assert normalize("ＡＳＨＥＮ don’t") == "ashen don't"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 73 xyzأإآىةـَُِّ.,!@#&:/")), max_size=40))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
