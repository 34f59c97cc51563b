from __future__ import annotations

import pytest

from cauterize.content.langid import identify, lingua_available, looks_arabizi, script_of

needs_lingua = pytest.mark.skipif(not lingua_available(), reason="lingua-language-detector is not installed")


def test_script_of() -> None:
    assert script_of("مرحبا بكم") == "arabic"
    assert script_of("hello there") == "latin"
    assert script_of("12 !! 🙂") is None


def test_arabic_script_is_arabic_without_asking_lingua() -> None:
    guess = identify("مرحبا بكم في البيت", languages=("en", "ar"))
    assert guess.lang == "ar" and guess.method == "script"


def test_arabizi_is_arabic() -> None:
    assert looks_arabizi("ana 7abibi w enta 3arab")
    assert not looks_arabizi("see you 2day at the mp3 shop")
    guess = identify("ana 7abibi w enta 3arab")
    assert (guess.lang, guess.method) == ("ar", "arabizi")


def test_no_letters_is_undetermined() -> None:
    assert identify("123 !!! 🙂").lang is None


@needs_lingua
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the weather is lovely in the park today", "en"),
        ("le temps est magnifique dans le parc aujourd'hui", "fr"),
        ("waan ku jeclahay walaal, sidee tahay maanta", "so"),
        ("das Wetter ist heute im Park sehr schön", "de"),
        ("مرحبا بكم في البيت الجديد", "ar"),
    ],
)
def test_short_lines_with_lingua(text: str, lang: str) -> None:
    guess = identify(text)
    assert guess.lang == lang
    assert guess.confidence is None or 0.0 <= guess.confidence <= 1.0


@needs_lingua
def test_restricting_languages_restricts_answers() -> None:
    assert identify("le temps est magnifique aujourd'hui", languages=("en", "so")).lang in {"en", "so"}
