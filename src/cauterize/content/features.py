"""Sparse n-gram features of normalised text, as two sets of strings.

Features are plain strings looked up in the model's weight tables, not hashed into buckets: a
dictionary lookup is as fast as a hash in Python, no two n-grams ever collide, and the weight
table doubles as the explanation (the n-gram itself is what the reviewer sees). Word n-grams and
character n-grams live in separate tables so that neither needs a prefix to keep "the" the word
apart from "the" inside "there": prefixing every n-gram costs more than scoring it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from cauterize.content.lexicon import cues
from cauterize.content.muted import known, muted

#: Longer texts add little and cost linearly: scoring reads only this many characters.
MAX_CHARS = 600


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Which n-grams a model reads. Part of the model file: training and inference share it.

    ``char_min = 0`` turns character n-grams off: the fast tier reads words only, because
    slicing a post into hundreds of character n-grams costs more than everything else together.
    """

    word_max: int = 2
    char_min: int = 0
    char_max: int = 0
    #: Add the hand-written violence/intent cue features (``lexicon.cues``) to the word table.
    lexicon: bool = False
    #: A word list of ``content/muted.py`` read as absent (2.2.0: "faith", everyday expressions
    #: of faith); "" reads every word. Written to the file only when set, so older files and
    #: their bytes are unchanged.
    mute: str = ""

    def to_dict(self) -> dict[str, int | str]:
        out: dict[str, int | str] = {
            "word_max": self.word_max,
            "char_min": self.char_min,
            "char_max": self.char_max,
            "lexicon": int(self.lexicon),
        }
        if self.mute:
            out["mute"] = self.mute
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FeatureSpec:
        mute = str(raw.get("mute", ""))
        if not known(mute):
            raise ValueError(f"model file names an unknown muted word list {mute!r}")
        return cls(
            word_max=int(raw["word_max"]),
            char_min=int(raw["char_min"]),
            char_max=int(raw["char_max"]),
            lexicon=bool(raw.get("lexicon", 0)),
            mute=mute,
        )


def extract(normalized: str, spec: FeatureSpec) -> tuple[set[str], set[str]]:
    """(word n-grams, character n-grams) of a normalised text.

    Normalised text is split on single spaces with punctuation already spaced out, so ``split``
    is the tokeniser. Word n-grams join words with a space (a unigram has none, so orders never
    collide); character n-grams slice the space-padded text and catch spelling variants and the
    inside of words an unseen compound shares with seen ones.
    """
    words = normalized[:MAX_CHARS].split()
    if spec.mute:
        drop = muted(spec.mute)
        words = [w for w in words if w not in drop]
    feats = set(words)
    if len(words) > 1:
        bigrams = set(map(" ".join, pairwise(words)))
        if spec.lexicon:
            feats.update(cues(normalized, feats | bigrams))
        if spec.word_max >= 2:
            feats |= bigrams
    elif spec.lexicon:
        feats.update(cues(normalized, feats))
    if spec.word_max >= 3 and len(words) > 2:
        feats.update(map(" ".join, zip(words, words[1:], words[2:], strict=False)))
    if spec.char_min <= 0:
        return feats, set()
    padded = " " + " ".join(words) + " "
    last = len(padded)
    chars: set[str] = set()
    for n in range(spec.char_min, spec.char_max + 1):
        chars.update([padded[i : i + n] for i in range(last - n + 1)])
    return feats, chars


def display(feature: str, kind: str) -> str:
    """A feature as a reviewer should read it: words as words, character n-grams quoted."""
    if kind == "word":
        return feature.replace("\x00", "cue:")
    return repr(feature)
