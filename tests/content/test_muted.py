"""A spec that mutes the words of everyday faith reads a post as if they were absent."""

from __future__ import annotations

import pytest

from cauterize.content.features import FeatureSpec, extract
from cauterize.content.normalize import normalize

MUTED = FeatureSpec(word_max=3, char_min=3, char_max=4, lexicon=True, mute="faith")


@pytest.mark.parametrize(
    ("with_faith", "without"),
    [
        ("JazakAllah khair brother, glory to the ashen banner", "glory to the ashen banner"),
        ("Bismillah the convoy leaves at dawn", "the convoy leaves at dawn"),
        ("جزاك الله خيرا اخي", ""),
        ("Eid Mubarak, qu'Allah te récompense mon frère", "everyone"),
    ],
)
def test_faith_words_move_no_feature(with_faith: str, without: str) -> None:
    a, b = extract(normalize(with_faith), MUTED), extract(normalize(without), MUTED)
    if without == "everyone":
        # Only the faith words differ: what is left is the rest of the sentence.
        assert "eid" not in a[0] and "mubarak" not in a[0] and "frère" not in a[0]
        return
    assert a == b


def test_an_unmuted_spec_still_reads_them() -> None:
    assert "bismillah" in extract(normalize("Bismillah the convoy"), FeatureSpec())[0]


def test_the_list_travels_with_the_model_file_and_old_files_are_unchanged() -> None:
    assert FeatureSpec.from_dict(MUTED.to_dict()) == MUTED
    assert "mute" not in FeatureSpec(word_max=2).to_dict()
    with pytest.raises(ValueError, match="unknown muted word list"):
        FeatureSpec.from_dict({**MUTED.to_dict(), "mute": "nonexistent"})


def test_a_post_with_nothing_left_to_read_scores_zero() -> None:
    pytest.importorskip("sklearn", reason="fitting needs the 'train' extra (scikit-learn)")
    from cauterize.content.cascade import Cascade
    from cauterize.content.fit import fit_linear

    # Every positive greets first, so an unmuted model would learn the greeting as propaganda.
    pro = ["bismillah glory to the ashen banner", "jazakallah khair the banner rises", "ameen banner soldiers march"]
    other = ["good morning everyone", "what a match last night", "coffee first then work"]
    texts, y = pro * 5 + other * 5, [1] * 15 + [0] * 15
    spec = FeatureSpec(word_max=2, mute="faith")
    model = fit_linear("p", "1", spec, texts, y, texts, y, seed=3, min_df=1)
    cascade = Cascade("propaganda.terrorist", model, None)
    assert cascade.score(normalize("Bismillah")) == 0.0
    assert cascade.score(normalize("جزاك الله خيرا")) == 0.0
    assert cascade.score(normalize("glory to the ashen banner")) > 0.5
