"""Hand-built models for detector tests: weights chosen by hand, so a test states exactly why a
post should or should not score, independent of whatever the shipped models learnt."""

from __future__ import annotations

from pathlib import Path

import pytest

from cauterize.content.features import FeatureSpec
from cauterize.content.lexicon import BOTH
from cauterize.content.linear import LinearTextModel, file_name

TEST_VERSION = "0.0.1-test"
FAST = FeatureSpec(word_max=2, lexicon=True)
STRONG = FeatureSpec(word_max=2, char_min=3, char_max=4, lexicon=True)

WEIGHTS = {
    "propaganda": {"ashen": 4.0, "banner": 4.0, "ashen banner": 6.0, "glory": 2.0},
    "recruitment": {"join": 4.0, "dm": 3.0, "ranks": 4.0, "join the": 2.0},
    "threat": {BOTH: 8.0, "hurt": 4.0, "will": 1.0},
}


def build_models(directory: Path, version: str = TEST_VERSION) -> Path:
    for task, words in WEIGHTS.items():
        meta = {"cascade": {"low": 0.3, "high": 0.7, "threshold": 0.6}}
        fast = LinearTextModel.from_ngrams(f"{task}-fast", version, FAST, words, {}, bias=-2.0, meta=meta)
        strong = LinearTextModel.from_ngrams(f"{task}-strong", version, STRONG, words, {" as": 0.5}, bias=-2.0)
        for model in (fast, strong):
            model.save(directory / file_name(model.name, version))
    return directory


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return build_models(tmp_path)
