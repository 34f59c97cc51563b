"""A calibrated linear model over n-gram features, and its file format.

Scoring needs nothing beyond the standard library: the shipped detector runs in the default
install, and only training needs numpy and scikit-learn.

The raw score is ``bias + sum(weights of present n-grams) / sqrt(number of distinct n-grams)``,
i.e. a dot product with the L2-normalised binary feature vector; features the model never saw
still count in the norm, exactly as in training. A Platt sigmoid fitted on a held-out split
turns it into a probability; a model may carry one Platt pair per script (``platt_by_script``),
fitted on that script's calibration rows, because one calibration fitted on a mostly Latin-script
split put every Arabic post near zero whatever its rank among Arabic posts (issue 11).

Weights are keyed by the CRC-32 of the n-gram, not by the n-gram: the model file must not carry
fragments of the training text (shared/data's rule), and it need not, because the evidence lists
the n-grams *of the post being scored*, whose keys are computed on the spot. With ~10^5 weights
in a 2^32 key space a collision is a rare, harmless merge of two small weights.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from zlib import crc32

from cauterize.content.features import FeatureSpec, display, extract
from cauterize.content.langid import script_of

FORMAT = "cauterize-linear-text/2"

#: A post's n-grams: (word n-grams, character n-grams), as strings.
Features = tuple[set[str], set[str]]
#: The same n-grams as weight keys (CRC-32 of their UTF-8 bytes).
Keys = tuple[list[int], list[int]]


def script_key(normalized: str) -> str:
    """``arabic`` or ``latin`` (everything else): the script a calibration is chosen by."""
    if normalized.isascii():
        return "latin"
    return "arabic" if script_of(normalized) == "arabic" else "latin"


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def key(ngram: str) -> int:
    return crc32(ngram.encode())


def keys_of(feats: Features) -> Keys:
    words, chars = feats
    return list(map(crc32, map(str.encode, words))), list(map(crc32, map(str.encode, chars)))


def hashed(weights: Mapping[str, float]) -> dict[int, float]:
    """Weights keyed by n-gram -> keyed by CRC-32; colliding n-grams add up."""
    out: dict[int, float] = {}
    for ngram, w in sorted(weights.items()):
        k = key(ngram)
        out[k] = out.get(k, 0.0) + w
    return out


@dataclass(frozen=True, slots=True)
class LinearTextModel:
    name: str
    version: str
    spec: FeatureSpec
    #: Weights of word n-grams and of character n-grams (separate tables, see ``features``),
    #: keyed by :func:`key`.
    word_weights: Mapping[int, float]
    char_weights: Mapping[int, float]
    bias: float
    platt_a: float = 1.0
    platt_b: float = 0.0
    #: Script (``arabic``) -> its own Platt pair; other scripts use ``platt_a``/``platt_b``.
    platt_by_script: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    #: Training facts kept with the weights: data, seed, thresholds chosen on held-out data.
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_ngrams(
        cls,
        name: str,
        version: str,
        spec: FeatureSpec,
        words: Mapping[str, float],
        chars: Mapping[str, float],
        bias: float,
        **kw: Any,
    ) -> LinearTextModel:
        return cls(name, version, spec, hashed(words), hashed(chars), bias, **kw)

    @property
    def model_id(self) -> str:
        return f"{self.name}@{self.version}"

    def features(self, normalized: str) -> Features:
        return extract(normalized, self.spec)

    def weight(self, ngram: str, kind: str = "word") -> float:
        table = self.word_weights if kind == "word" else self.char_weights
        return table.get(key(ngram), 0.0)

    def raw(self, keys: Keys) -> float:
        words, chars = keys
        n = len(words) + len(chars)
        if not n:
            return self.bias
        # sum(filter(None, map(dict.get, ...))) is the fastest sparse dot product plain Python offers.
        total = sum(filter(None, map(self.word_weights.get, words)))
        if chars:
            total += sum(filter(None, map(self.char_weights.get, chars)))
        return self.bias + total / math.sqrt(n)

    def calibrate(self, raw: float, script: str | None = None) -> float:
        if script is not None and script in self.platt_by_script:
            a, b = self.platt_by_script[script]
            return sigmoid(a * raw + b)
        return sigmoid(self.platt_a * raw + self.platt_b)

    def proba(self, normalized: str) -> float:
        return self.calibrate(self.raw(keys_of(self.features(normalized))), script_key(normalized))

    def top_features(self, feats: Features, k: int = 5) -> list[dict[str, Any]]:
        """The post's n-grams that pushed the score up most, with their contribution to the raw score."""
        words, chars = feats
        n = len(words) + len(chars)
        if not n:
            return []
        scale = 1.0 / math.sqrt(n)
        hits = [(w * scale, f, "word") for f in words if (w := self.word_weights.get(key(f), 0.0)) > 0]
        hits += [(w * scale, f, "char") for f in chars if (w := self.char_weights.get(key(f), 0.0)) > 0]
        hits.sort(key=lambda h: (-h[0], h[1]))
        return [{"ngram": display(f, kind), "kind": kind, "contribution": round(c, 4)} for c, f, kind in hits[:k]]

    # -- file format ------------------------------------------------------------------------

    @staticmethod
    def _table(weights: Mapping[int, float]) -> dict[str, list[Any]]:
        items = sorted(weights.items())
        return {"keys": [k for k, _ in items], "values": [v for _, v in items]}

    @staticmethod
    def _untable(raw: Mapping[str, Iterable[Any]]) -> dict[int, float]:
        return {int(k): float(v) for k, v in zip(raw["keys"], raw["values"], strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "version": self.version,
            "spec": self.spec.to_dict(),
            "bias": self.bias,
            "calibration": {
                "method": "platt",
                "a": self.platt_a,
                "b": self.platt_b,
                "by_script": {k: list(v) for k, v in sorted(self.platt_by_script.items())},
            },
            "meta": dict(self.meta),
            "key": "crc32(utf-8 n-gram)",
            "word_weights": self._table(self.word_weights),
            "char_weights": self._table(self.char_weights),
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
            word_weights=cls._untable(raw["word_weights"]),
            char_weights=cls._untable(raw["char_weights"]),
            bias=float(raw["bias"]),
            platt_a=float(cal["a"]),
            platt_b=float(cal["b"]),
            platt_by_script={str(k): (float(v[0]), float(v[1])) for k, v in cal.get("by_script", {}).items()},
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
