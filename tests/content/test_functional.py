"""The extremism functional suite: ids, coverage, languages and a by-template split."""

from __future__ import annotations

from collections import defaultdict

import pytest

from cauterize.content.functional import (
    GROUPS,
    NOT_PROPAGANDA_FUNCTIONS,
    NOT_THREAT_FUNCTIONS,
    PROPAGANDA_FUNCTIONS,
    THREAT_FUNCTIONS,
    propaganda_cases,
    template_split,
    threat_cases,
)

SUITES = {
    "propaganda": (propaganda_cases(), PROPAGANDA_FUNCTIONS, NOT_PROPAGANDA_FUNCTIONS),
    "threat": (threat_cases(), THREAT_FUNCTIONS, NOT_THREAT_FUNCTIONS),
}


@pytest.mark.parametrize("task", sorted(SUITES))
def test_every_function_of_every_language_is_in_every_split(task: str) -> None:
    cases, positive, negative = SUITES[task]
    splits: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in cases:
        assert c.task == task and c.label == int(c.function in positive)
        splits[(c.lang, c.function)].add(template_split(c.template))
    assert set(splits) == {(lang, f) for lang in ("en", "ar", "fr") for f in positive + negative}
    assert all(s == {"train", "calib", "test"} for s in splits.values()), splits


@pytest.mark.parametrize("task", sorted(SUITES))
def test_a_template_never_straddles_splits_and_slots_are_filled(task: str) -> None:
    cases = SUITES[task][0]
    seen: dict[str, str] = {}
    for c in cases:
        split = template_split(c.template)
        assert seen.setdefault(c.template, split) == split
        assert "[" not in c.text and "]" not in c.text, c.text
    # Texts of one template are distinct, and no text is in two templates.
    by_text = defaultdict(set)
    for c in cases:
        by_text[c.text].add(c.template)
    assert all(len(t) == 1 for t in by_text.values())


def test_group_slots_hold_real_and_fictional_names() -> None:
    texts = " ".join(c.text for c in propaganda_cases())
    for name in ("ISIS", "Daesh", "al-Shabab", "Ashen Banner", "داعش", "Daech"):
        assert name in texts, name
    assert {"IS", "ISIS", "Daesh", "al-Shabab"} <= set(GROUPS["en"])


def test_arabic_and_french_cases_are_in_their_script() -> None:
    for c in propaganda_cases() + threat_cases():
        arabic = sum("\u0600" <= ch <= "\u06ff" for ch in c.text)
        if c.lang == "ar":
            assert arabic > len(c.text) / 3, c.text
        else:
            assert arabic == 0, c.text
