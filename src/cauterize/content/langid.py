"""Language of a post, for the posts whose event carries no ``lang``.

The script decides first, for free: Arabic script is Arabic (or Persian/Urdu, which only lingua
can tell apart), and Latin text whose words carry Arabizi digits is Arabic written in Latin
letters, which no statistical detector trained on standard orthography gets right. Only Latin
text without Arabizi goes to lingua, restricted to a short list of languages: lingua is accurate
on short text but its cost grows with every language it considers.

lingua (``lingua-language-detector``, the ``content`` extra) is optional; without it Latin-script text comes back as
``None`` (undetermined) rather than as a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cauterize.content.normalize import is_arabizi_token

#: ISO 639-1 codes lingua may choose from, Latin and Arabic script. Somali and French are here
#: because the platform sees them, not because the models were trained on them (see model card).
DEFAULT_LANGUAGES = ("en", "fr", "so", "de", "es", "it", "tr", "id", "ar", "fa", "ur")
_ARABIC_SCRIPT_CODES = frozenset({"ar", "fa", "ur"})

_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
_LATIN_LETTER = re.compile("[a-zA-Z\u00c0-\u024f]")
_LATIN_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str | None
    #: How it was decided: ``script``, ``arabizi``, ``lingua`` or ``none``.
    method: str
    confidence: float | None = None


def script_of(text: str) -> str | None:
    """``arabic``, ``latin`` or ``None``: whichever letters are the majority."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return None
    return "arabic" if arabic >= latin else "latin"


def looks_arabizi(text: str) -> bool:
    """At least a third of the Latin words (and at least one) carry Arabizi digits."""
    words = _LATIN_WORD.findall(text.casefold())
    marked = sum(1 for w in words if is_arabizi_token(w))
    return marked > 0 and marked * 3 >= len(words)


@cache
def _lingua(codes: tuple[str, ...]) -> Any | None:
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        return None
    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    if len(langs) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*langs).build()


def lingua_available() -> bool:
    return _lingua(("en", "fr")) is not None


def identify(text: str, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> LanguageGuess:
    script = script_of(text)
    if script is None:
        return LanguageGuess(None, "none")
    if script == "latin" and "ar" in languages and looks_arabizi(text):
        return LanguageGuess("ar", "arabizi")
    pool = tuple(c for c in languages if (c in _ARABIC_SCRIPT_CODES) == (script == "arabic"))
    if script == "arabic" and len(pool) <= 1:
        return LanguageGuess(pool[0] if pool else "ar", "script")
    detector = _lingua(pool)
    if detector is None:
        return LanguageGuess("ar" if script == "arabic" else None, "script" if script == "arabic" else "none")
    values = detector.compute_language_confidence_values(text)
    if not values:
        return LanguageGuess(None, "lingua")
    top = values[0]
    return LanguageGuess(top.language.iso_code_639_1.name.lower(), "lingua", round(float(top.value), 4))
