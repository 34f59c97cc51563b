"""Folding handles and names so that the variants evaders use collapse onto one key.

Evaders return as ``ashen_media2``, ``ashen__media``, ``ashen_rnedia``, ``аshen_media`` (a
Cyrillic a), ``ashne_media`` or ``abou_harith`` for ``abu_harith``. Each fold removes one kind of
variation; the index looks an account up under several folds, and the scorer compares them with
an edit distance so that what no fold removes (a swap, a new letter) still counts as close.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Homoglyphs that survive transliteration because they are ASCII already: digits and letter
# pairs standing in for letters. Applied only between letters, so a trailing counter stays a number.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g"})
_LEET_INNER = re.compile(r"(?<=[a-z])[013457](?=[a-z])")
_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("l", "i"))
_SEPARATORS = re.compile(r"[\s_.\-'`·•|]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TRAILING_DIGITS = re.compile(r"\d+$")
_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouwy]+")


_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_OVERRIDDEN = re.compile("\u202e([^\u202c\u2069]*)[\u202c\u2069]?")


def visual_order(text: str) -> str:
    """The text as a reader sees it: a right-to-left override reverses what follows it (up to
    its terminator), so ``ashen_<RLO>aidem`` reads ``ashen_media``; other bidi controls go."""
    if not _BIDI.search(text):
        return text
    return _BIDI.sub("", _OVERRIDDEN.sub(lambda m: m.group(1)[::-1], text))


@lru_cache(maxsize=200_000)
def ascii_fold(text: str) -> str:
    """Lower-case ASCII: the visual order of bidi overrides, compatibility forms, homoglyphs from
    other scripts, transliteration."""
    return anyascii(unicodedata.normalize("NFKC", visual_order(text))).lower()


@lru_cache(maxsize=200_000)
def _alnum_fold(handle: str) -> str:
    """What :func:`skeleton` and :func:`compact` share: folded, separators, look-alike digits and
    letter pairs resolved, only letters and digits left (computed once for both)."""
    s = ascii_fold(handle.lstrip("@"))
    s = _SEPARATORS.sub("", s)
    s = _LEET_INNER.sub(lambda m: m.group(0).translate(_LEET), s)
    for pair, letter in _PAIRS[:3]:
        s = s.replace(pair, letter)
    return _NON_ALNUM.sub("", s)


@lru_cache(maxsize=200_000)
def skeleton(handle: str) -> str:
    """Handle without case, script, separators, look-alike digits, doubled letters or a trailing counter.

    ``Ashen_Media2``, ``ashen__media``, ``ashen_rnedia``, ``аshen_media`` and ``ashen_mediaa``
    all give ``ashenmedia``.
    """
    s = _alnum_fold(handle)
    stem = _TRAILING_DIGITS.sub("", s) or s
    return _DOUBLES.sub(r"\1", stem)


@lru_cache(maxsize=200_000)
def compact(handle: str) -> str:
    """Like :func:`skeleton` but keeping the digits: ``ashen_rnedia74`` -> ``ashenmedia74``."""
    return _DOUBLES.sub(r"\1", _alnum_fold(handle))


def compact_parents(handle: str) -> list[str]:
    """Compact keys a parent of this handle could have had: ``x745`` <- ``x74``, ``x7``, ``x``, ``x744``.

    Evaders append a digit, grow a counter or drop one; looking these keys up exactly finds the
    parent among thousands of accounts sharing a common stem.
    """
    key = compact(handle)
    m = _TRAILING_DIGITS.search(key)
    if not m:
        return []
    stem, digits = key[: m.start()], m.group(0)
    out = [stem + digits[:i] for i in range(len(digits) - 1, -1, -1)]
    number = int(digits)
    if number > 0:
        out.insert(0, f"{stem}{number - 1}")
    return out


@lru_cache(maxsize=200_000)
def consonants(text: str) -> str:
    """The consonant frame: what survives transliteration (``abu_harith`` ~ ``abou_hareth`` ~ ``ابو حارث``)."""
    s = skeleton(text).replace("l", "i")
    s = _VOWELS.sub("", s.replace("q", "k").replace("kh", "h").replace("th", "t"))
    return _DOUBLES.sub(r"\1", re.sub(r"\d+", "", s))


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """Display-name key: folded words without punctuation or spacing."""
    return _NON_ALNUM.sub("", ascii_fold(name))


@lru_cache(maxsize=200_000)
def trailing_number(handle: str) -> int | None:
    m = _TRAILING_DIGITS.search(_NON_ALNUM.sub("", ascii_fold(handle)))
    return int(m.group(0)) if m else None


@lru_cache(maxsize=50_000)
def trigrams(key: str) -> frozenset[str]:
    padded = f"^{key}$"
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))
