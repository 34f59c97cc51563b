"""A calibrated linear model over n-gram features, and its file format.

Scoring needs nothing beyond the standard library: the shipped detector runs in the default
install, and only training needs numpy and scikit-learn.

The raw score is ``bias + sum(weights of present n-grams) / sqrt(number of distinct n-grams)``,
i.e. a dot product with the L2-normalised binary feature vector; features the model never saw
still count in the norm, exactly as in training. A Platt sigmoid fitted on a held-out split
turns it into a probability.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cauterize.content.features import FeatureSpec, display, extract

FORMAT = "cauterize-linear-text/1"


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


Features = tuple[set[str], set[str]]


@dataclass(frozen=True, slots=True)
class LinearTextModel:
    name: str
    version: str
    spec: FeatureSpec
    #: Weights of word n-grams and of character n-grams (separate tables, see ``features``).
    word_weights: Mapping[str, float]
    char_weights: Mapping[str, float]
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    #: Training facts kept with the weights: data, seed, thresholds chosen on held-out data.
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.version}"

    def features(self, normalized: str) -> Features:
        return extract(normalized, self.spec)

    def raw(self, feats: Features) -> float:
        words, chars = feats
        n = len(words) + len(chars)
        if not n:
            return self.bias
        # sum(filter(None, map(dict.get, ...))) is the fastest sparse dot product plain Python offers.
        total = sum(filter(None, map(self.word_weights.get, words)))
        if chars:
            total += sum(filter(None, map(self.char_weights.get, chars)))
        return self.bias + total / math.sqrt(n)

    def calibrate(self, raw: float) -> float:
        return sigmoid(self.platt_a * raw + self.platt_b)

    def proba(self, normalized: str) -> float:
        return self.calibrate(self.raw(self.features(normalized)))

    def top_features(self, feats: Features, k: int = 5) -> list[dict[str, Any]]:
        """The n-grams that pushed the score up most, with their contribution to the raw score."""
        words, chars = feats
        n = len(words) + len(chars)
        if not n:
            return []
        scale = 1.0 / math.sqrt(n)
        hits = [(w * scale, f, "word") for f in words if (w := self.word_weights.get(f, 0.0)) > 0]
        hits += [(w * scale, f, "char") for f in chars if (w := self.char_weights.get(f, 0.0)) > 0]
        hits.sort(key=lambda h: (-h[0], h[1]))
        return [{"ngram": display(f, kind), "kind": kind, "contribution": round(c, 4)} for c, f, kind in hits[:k]]

    # -- file format ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "spec": self.spec.to_dict(),
            "bias": self.bias,
            "calibration": {"method": "platt", "a": self.platt_a, "b": self.platt_b},
            "meta": dict(self.meta),
            "word_weights": dict(sorted(self.word_weights.items())),
            "char_weights": dict(sorted(self.char_weights.items())),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> LinearTextModel:
        if raw.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file (format={raw.get('format')!r})")
        cal = raw["calibration"]
        return cls(
            name=str(raw["name"]),
            version=str(raw["version"]),
            spec=FeatureSpec.from_dict(raw["spec"]),
            word_weights={str(k): float(v) for k, v in raw["word_weights"].items()},
            char_weights={str(k): float(v) for k, v in raw["char_weights"].items()},
            bias=float(raw["bias"]),
            platt_a=float(cal["a"]),
            platt_b=float(cal["b"]),
            meta=raw.get("meta", {}),
        )

    def dump_bytes(self) -> bytes:
        # mtime=0 and sorted keys: the same model gives the same bytes, so retraining is diffable.
        body = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        return gzip.compress(body, compresslevel=9, mtime=0)

    def save(self, path: Path) -> None:
        path.write_bytes(self.dump_bytes())

    @classmethod
    def load_bytes(cls, data: bytes) -> LinearTextModel:
        return cls.from_json(json.loads(gzip.decompress(data)))

    @classmethod
    def load(cls, path: Path) -> LinearTextModel:
        return cls.load_bytes(path.read_bytes())


def file_name(name: str, version: str) -> str:
    return f"{name}-{version}.json.gz"


def load_packaged(name: str, version: str) -> LinearTextModel:
    """Load a model shipped in ``cauterize.models``: never from the network."""
    ref = resources.files("cauterize.models").joinpath(file_name(name, version))
    return LinearTextModel.load_bytes(ref.read_bytes())
