from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cauterize.content.cascade import FastBank
from cauterize.content.features import FeatureSpec, extract
from cauterize.content.lexicon import BOTH, SPEECH, VIOLENCE, cues
from cauterize.content.linear import LinearTextModel, keys_of, sigmoid
from cauterize.content.normalize import normalize


def _model(weights: dict[str, float], bias: float = -1.0, a: float = 1.0, b: float = 0.0) -> LinearTextModel:
    return LinearTextModel.from_ngrams("t", "1", FeatureSpec(word_max=2), weights, {}, bias, platt_a=a, platt_b=b)


def test_word_and_char_features_are_kept_apart() -> None:
    words, chars = extract("the cat", FeatureSpec(word_max=2, char_min=3, char_max=3))
    assert words == {"the", "cat", "the cat"}
    assert " th" in chars and "the" in chars and "cat" in chars
    assert extract("the cat", FeatureSpec(word_max=1)) == ({"the", "cat"}, set())


def test_raw_score_is_a_normalised_dot_product() -> None:
    model = _model({"ashen": 2.0, "banner": 1.0}, bias=-1.0)
    feats = model.features("ashen banner rises")  # 3 words + 2 bigrams = 5 features
    assert model.raw(keys_of(feats)) == pytest.approx(-1.0 + 3.0 / math.sqrt(5))
    assert model.raw(([], [])) == -1.0


def test_the_model_file_holds_keys_not_ngrams(tmp_path: Path) -> None:
    model = _model({"ashen banner": 2.0, "glory": 1.0})
    model.save(tmp_path / "m.json.gz")
    body = gzip.decompress((tmp_path / "m.json.gz").read_bytes()).decode()
    assert "ashen" not in body and "glory" not in body
    assert LinearTextModel.load(tmp_path / "m.json.gz").weight("ashen banner") == 2.0


@given(st.floats(-30, 30), st.floats(-30, 30))
def test_calibration_is_monotone_and_bounded(x: float, y: float) -> None:
    model = _model({}, a=1.7, b=-0.4)
    px, py = model.calibrate(x), model.calibrate(y)
    assert 0.0 <= px <= 1.0 and 0.0 <= py <= 1.0
    if x <= y:
        assert px <= py


def test_score_rises_with_the_weight_of_a_present_ngram() -> None:
    text = normalize("Glory to the Ashen Banner")
    scores = [_model({"ashen": w}).proba(text) for w in (0.0, 1.0, 2.0, 4.0, 8.0)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_top_features_name_the_ngrams_that_pushed_the_score() -> None:
    model = _model({"ashen banner": 3.0, "glory": 1.0, "to": -2.0})
    top = model.top_features(model.features(normalize("Glory to the Ashen Banner")), k=5)
    assert [t["ngram"] for t in top] == ["ashen banner", "glory"]
    assert top[0]["contribution"] > top[1]["contribution"] > 0


def test_file_round_trip_is_exact_and_byte_stable(tmp_path: Path) -> None:
    model = LinearTextModel.from_ngrams(
        "x",
        "2.0.0",
        FeatureSpec(3, 2, 4, True),
        {"a": 0.5, "a b": -0.25},
        {" a ": 1.5},
        0.1,
        platt_a=2.0,
        platt_b=-1.0,
        meta={"k": 1},
    )
    model.save(tmp_path / "m.json.gz")
    again = LinearTextModel.load(tmp_path / "m.json.gz")
    assert again == model
    assert again.dump_bytes() == model.dump_bytes()


def test_a_file_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not a"):
        LinearTextModel.from_json({"format": "something-else"})


def test_sigmoid_is_stable_at_the_extremes() -> None:
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0 and sigmoid(0.0) == 0.5


def _cues(text: str) -> list[str]:
    normalized = normalize(text)
    return [f for f in extract(normalized, FeatureSpec(word_max=2, lexicon=True))[0] if f.startswith("\x00")]


def test_cues_need_violence_and_add_intent() -> None:
    assert sorted(_cues("I will hurt them")) == sorted([VIOLENCE, "\x00intent", BOTH])
    assert sorted(_cues("they are going to attack the example")) == sorted([VIOLENCE, "\x00intent", BOTH])
    assert _cues("the bakery will open at nine") == []
    assert _cues("the match was a massacre") == [VIOLENCE]
    assert BOTH in _cues("سوف نقتلهم")
    assert _cues("صلاه الفجر") == []
    assert cues("hurt", {"hurt"}) == [VIOLENCE]


@pytest.mark.parametrize(
    "text",
    [
        "saying they should be shot is vile",
        "he wrote that the example should be killed",
        "il a écrit qu'il allait les tuer",
        "كتب أنهم يستحقون القتل",
    ],
)
def test_violence_inside_reported_speech_is_its_own_cue(text: str) -> None:
    """A quoted or reported threat gets the speech cue instead of the threat cues, so the weight
    the violence cues learnt from threats does not carry over to counter-speech."""
    assert _cues(text) == [SPEECH]


def test_egyptian_future_and_dialect_verbs_are_cues() -> None:
    assert BOTH in _cues("هقص رقابهم")
    assert BOTH in _cues("لازم نخلص منهم")
    assert _cues("هذا هو المكان") == []
    # news of an attack: the word for "attack" starts with the prefix's letter and is not intent
    assert _cues("هجوم ادى الى قتل اثنين") == [VIOLENCE]


def test_a_fast_bank_scores_like_its_models_one_by_one() -> None:
    spec = FeatureSpec(word_max=2)
    a = LinearTextModel.from_ngrams("a", "1", spec, {"ashen": 1.0, "banner": 2.0}, {}, -1.0)
    b = LinearTextModel.from_ngrams("b", "1", spec, {"banner": -0.5, "join": 3.0}, {}, 0.5)
    bank = FastBank([a, b])
    for text in ("ashen banner", "join the banner now", "nothing here", ""):
        keys = keys_of(a.features(text))
        assert bank.raw_all(keys) == pytest.approx([a.raw(keys), b.raw(keys)])
    with pytest.raises(ValueError, match="one feature spec"):
        FastBank([a, LinearTextModel.from_ngrams("c", "1", FeatureSpec(word_max=3), {}, {}, 0.0)])


def test_a_script_can_carry_its_own_calibration(tmp_path: Path) -> None:
    """Arabic posts are calibrated on Arabic calibration rows; the pair survives the file."""
    from dataclasses import replace

    model = replace(_model({"راية": 2.0, "banner": 2.0}, bias=0.0), platt_by_script={"arabic": (1.0, 3.0)})
    latin, arabic = model.proba("banner"), model.proba("راية")
    assert latin == pytest.approx(sigmoid(2.0)) and arabic == pytest.approx(sigmoid(5.0))
    model.save(tmp_path / "m.json.gz")
    again = LinearTextModel.load(tmp_path / "m.json.gz")
    assert again.platt_by_script == {"arabic": (1.0, 3.0)} and again.proba("راية") == pytest.approx(arabic)


def test_a_strong_script_always_goes_to_the_strong_tier() -> None:
    from cauterize.content.cascade import Cascade

    fast = _model({"راية": 9.0, "banner": 9.0}, bias=0.0)
    strong = _model({"راية": 1.0, "banner": 1.0}, bias=0.0)
    cascade = Cascade("x", fast, strong, low=0.2, high=0.8, strong_scripts=frozenset({"arabic"}))
    assert cascade.run("banner").tier == "fast"  # far above the band: the fast tier decides
    assert cascade.run("راية").tier == "strong"
