"""The filter-dodging edits an evader makes, for measuring that normalisation undoes them.

Zero-width characters and bidi marks inside words, look-alike letters of other scripts in place
of Latin ones, tatweel inside Arabic words. Used by ``models train`` (decisions on the held-out
sets must not change) and by the property tests.
"""

from __future__ import annotations

import random

from cauterize.content.normalize import CONFUSABLES

INVISIBLES = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u2066", "\u2069")
#: Latin letter -> the look-alikes that fold back to it.
LOOKALIKES: dict[str, tuple[str, ...]] = {}
for _src, _dst in sorted(CONFUSABLES.items()):
    LOOKALIKES[_dst] = (*LOOKALIKES.get(_dst, ()), _src)
TATWEEL = "\u0640"


def _arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a"


def perturb(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """Insert invisibles between letters, swap Latin letters for look-alikes and stretch Arabic
    words with tatweel, each at about ``rate`` of the eligible positions."""
    out: list[str] = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in LOOKALIKES and ch.isascii() and rng.random() < rate:
            out.append(rng.choice(LOOKALIKES[low]))
        else:
            out.append(ch)
        if prev.isalpha() and ch.isalpha() and rng.random() < rate:
            # Insert *before* this letter, between two letters of one word.
            extra = TATWEEL if _arabic_letter(prev) and _arabic_letter(ch) and rng.random() < 0.5 else None
            out.insert(len(out) - 1, extra or rng.choice(INVISIBLES))
        prev = ch
    return "".join(out)
