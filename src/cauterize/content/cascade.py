"""Two tiers per label: a fast word model on every post, a stronger one on the uncertain share.

Most posts are plainly benign (or plainly not) to the fast tier; only those whose fast score falls
inside ``[low, high]`` pay for character n-grams. The final score is the tier that decided: both
tiers are calibrated on the same held-out split, so their scores mean the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cauterize.content.features import FeatureSpec
from cauterize.content.linear import Features, Keys, LinearTextModel, keys_of, script_key


@dataclass(frozen=True, slots=True)
class CascadeResult:
    score: float
    tier: str
    fast_score: float
    model: LinearTextModel
    feats: Features

    def evidence(self, k: int = 5) -> dict[str, Any]:
        return {
            "model": self.model.name,
            "model_version": self.model.version,
            "tier": self.tier,
            "fast_score": round(self.fast_score, 6),
            "top_ngrams": self.model.top_features(self.feats, k),
        }


@dataclass(frozen=True, slots=True)
class Cascade:
    label: str
    fast: LinearTextModel
    strong: LinearTextModel | None = None
    low: float = 0.2
    high: float = 0.8
    #: Chosen on held-out data at training time; what the detector emits from by default.
    threshold: float = 0.5
    #: Per-language operating thresholds (ISO 639-1), chosen on each language's calibration rows:
    #: one threshold chosen on English negatives missed most Arabic propaganda (issue 11).
    thresholds: Mapping[str, float] = field(default_factory=dict)
    #: Scripts whose posts always go to the strong tier: on Arabic the character n-grams rank
    #: clearly better than words (prefixes and clitics make every word rare), chosen on the
    #: calibration split.
    strong_scripts: frozenset[str] = frozenset()

    def threshold_for(self, lang: str | None) -> float:
        """The operating threshold for a language; ``threshold`` for a language without its own."""
        return self.thresholds.get(lang or "", self.threshold)

    @property
    def lowest_threshold(self) -> float:
        return min([self.threshold, *self.thresholds.values()])

    def run(
        self,
        normalized: str,
        fast_feats: tuple[Features, Keys] | None = None,
        fast_raw: float | None = None,
        script: str | None = None,
    ) -> CascadeResult:
        """Score one normalised text; ``fast_feats`` (and ``fast_raw``, from a :class:`FastBank`)
        let several cascades share one extraction and one pass over the weights, ``script``
        (:func:`linear.script_key`) one script test."""
        if fast_feats is None:
            feats = self.fast.features(normalized)
            keys = keys_of(feats)
        else:
            feats, keys = fast_feats
        if not keys[0] and not keys[1]:
            # Nothing left to read (an empty post, a bare link, a greeting whose words are all
            # muted) is no evidence: the bias alone, through the Arabic Platt pair, scored 0.83.
            return CascadeResult(0.0, "fast", 0.0, self.fast, feats)
        if script is None:
            script = script_key(normalized)
        fast = self.fast.calibrate(self.fast.raw(keys) if fast_raw is None else fast_raw, script)
        if self.strong is None or (not self.low <= fast <= self.high and script not in self.strong_scripts):
            return CascadeResult(fast, "fast", fast, self.fast, feats)
        strong_feats = self.strong.features(normalized)
        strong = self.strong.calibrate(self.strong.raw(keys_of(strong_feats)), script)
        return CascadeResult(strong, "strong", fast, self.strong, strong_feats)

    def score(self, normalized: str) -> float:
        return self.run(normalized).score

    @property
    def fast_spec(self) -> FeatureSpec:
        return self.fast.spec


class FastBank:
    """The fast tiers of several tasks merged into one table: key -> one weight per task.

    Every post pays one dictionary pass instead of one per task; ``zip(*hits)`` turns the hits
    into per-task columns that ``sum`` adds in C. Only for models reading the same features.
    """

    def __init__(self, models: Sequence[LinearTextModel]) -> None:
        if len({m.spec for m in models}) != 1:
            raise ValueError("a FastBank needs models with one feature spec")
        self.models = tuple(models)
        self.biases = tuple(m.bias for m in models)
        self.word_table = self._merge([m.word_weights for m in models])
        self.char_table = self._merge([m.char_weights for m in models])

    @staticmethod
    def _merge(tables: Sequence[Any]) -> dict[int, tuple[float, ...]]:
        keys = sorted(set().union(*tables))
        return {k: tuple(t.get(k, 0.0) for t in tables) for k in keys}

    def raw_all(self, keys: Keys) -> list[float]:
        words, chars = keys
        n = len(words) + len(chars)
        if not n:
            return list(self.biases)
        hits = list(filter(None, map(self.word_table.get, words)))
        if chars:
            hits += filter(None, map(self.char_table.get, chars))
        if not hits:
            return list(self.biases)
        scale = 1.0 / math.sqrt(n)
        return [b + sum(col) * scale for b, col in zip(self.biases, zip(*hits, strict=True), strict=True)]
