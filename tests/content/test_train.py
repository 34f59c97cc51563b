"""Training is deterministic: the same tiny synthetic data and seed give byte-identical files."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("sklearn", reason="training needs the 'train' extra (scikit-learn)")

from cauterize.cli.main import app
from cauterize.content.features import FeatureSpec
from cauterize.content.fit import fit_linear
from cauterize.content.linear import LinearTextModel

PRO = [
    "glory to the ashen banner",
    "the ashen banner rises again",
    "ashen banner media office release",
    "banner soldiers march on",
]
CHATTER = ["good morning everyone", "what a match last night", "coffee first then work", "the bus was late again"]
THREAT_CASES = ["I will hurt [G]", "[G] should be hurt", "we are going to attack [G]", "[G] will pay for this"]
OTHER_CASES = ["I love [G]", "[G] are my neighbours", "saying [G] should be hurt is wrong", "[G] are great cooks"]
GROUPS = ["painters", "sailors", "bakers", "gardeners", "drummers"]


def _fake_shared_data(root: Path, seed: int = 0) -> Path:
    """A miniature shared/data with the real files' columns and synthetic text only."""
    rng = random.Random(seed)
    (root / "extremist_tweets").mkdir(parents=True)
    with (root / "extremist_tweets" / "isis_fanboy_tweets.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "username", "tweetid", "time", "tweets"])
        for a in range(40):
            for t in range(6):
                text = rng.choice(PRO) + (" " + rng.choice(CHATTER) if t % 3 == 0 else "")
                w.writerow([f"Acct {a}", f"acct{a}", a * 10 + t, "1/1/2015 10:00", text])
    (root / "general_tweets").mkdir()
    with (root / "general_tweets" / "davidson_labeled_tweets.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"])
        for i in range(400):
            w.writerow([i, 3, 0, 1, 2, i % 3, f"{rng.choice(CHATTER)} {rng.choice(CHATTER)}"])
    (root / "threat_tests").mkdir()
    for name in ("hatecheck_en.csv", "mhc_arabic.csv", "mhc_french.csv"):
        with (root / "threat_tests" / name).open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["functionality", "test_case", "label_gold", "templ_id"])
            for t, frame in enumerate(THREAT_CASES * 5):
                for g in GROUPS:
                    w.writerow(["threat_dir_h", frame.replace("[G]", g), "hateful", t])
            for t, frame in enumerate(OTHER_CASES * 5):
                for g in GROUPS:
                    w.writerow(
                        [
                            "counter_quote_nh" if "wrong" in frame else "ident_pos_nh",
                            frame.replace("[G]", g),
                            "non-hateful",
                            100 + t,
                        ]
                    )
    (root / "formats" / "twitter-v2").mkdir(parents=True)
    return root


def test_fit_linear_is_deterministic_and_learns_the_direction() -> None:
    texts = PRO * 5 + CHATTER * 5
    y = [1] * 20 + [0] * 20
    spec = FeatureSpec(word_max=2, char_min=3, char_max=4)
    a = fit_linear("p", "1", spec, texts, y, texts, y, seed=7, min_df=1)
    b = fit_linear("p", "1", spec, list(texts), list(y), texts, y, seed=7, min_df=1)
    assert a.dump_bytes() == b.dump_bytes()
    assert a.proba("glory to the ashen banner") > 0.5 > a.proba("good morning everyone")
    assert a.weight("ashen") > 0 > a.weight("morning")
    assert a.platt_a > 0


def test_fit_linear_keeps_only_the_largest_weights() -> None:
    texts = PRO * 5 + CHATTER * 5
    y = [1] * 20 + [0] * 20
    small = fit_linear("p", "1", FeatureSpec(word_max=2), texts, y, texts, y, seed=7, min_df=1, keep=5)
    assert len(small.word_weights) + len(small.char_weights) == 5


def test_calibration_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both classes"):
        fit_linear("p", "1", FeatureSpec(), PRO * 2 + CHATTER * 2, [1] * 8 + [0] * 8, PRO, [1] * 4, seed=1, min_df=1)


def test_a_weighted_confounder_moves_the_boundary() -> None:
    """Row weights reach the solver: the same rows with the shared word's negative weighted up
    give that word a lower weight."""
    texts = ["they will hurt", "we will hurt", "it will rain", "coffee first then work"] * 4
    y = [1, 1, 0, 0] * 4
    spec = FeatureSpec(word_max=1)
    plain = fit_linear("p", "1", spec, texts, y, texts, y, seed=3, min_df=1)
    weights = [5.0 if t == "it will rain" else 1.0 for t in texts]
    weighted = fit_linear("p", "1", spec, texts, y, texts, y, seed=3, min_df=1, sample_weight=weights)
    assert weighted.weight("will") < plain.weight("will")


def test_confounder_rows_weigh_a_share_of_a_positive_row() -> None:
    from cauterize.content.data import Example
    from cauterize.content.train import TrainConfig, confounder_weights

    rows = [
        Example("i will hurt you", 1, "functional", "t1", "en", "direct"),
        Example("saying i will hurt you is vile", 0, "functional", "t2", "en", "counter_speech"),
        Example("good morning", 0, "davidson", "r1"),
        Example("nice day", 0, "davidson", "r2"),
    ]
    cfg = TrainConfig(confounder_weight=(("threat", 2.0),))
    assert confounder_weights("threat", rows, cfg) == [1.0, 6.0, 1.0, 1.0]
    assert confounder_weights("recruitment", rows, cfg) is None


def test_train_command_is_deterministic(tmp_path: Path) -> None:
    data = _fake_shared_data(tmp_path / "shared")
    runner = CliRunner()
    outs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        result = runner.invoke(
            app,
            ["models", "train", "--data", str(data), "--out", str(out), "--seed", "5", "--version", "9.9.9"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        outs.append(out)
    files = sorted(p.name for p in outs[0].iterdir())
    assert "propaganda-fast-9.9.9.json.gz" in files and "content-metrics-9.9.9.json" in files
    assert len(files) == 7
    for name in files:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    model = LinearTextModel.load(outs[0] / "propaganda-fast-9.9.9.json.gz")
    assert model.meta["seed"] == 5 and model.proba("glory to the ashen banner") > model.proba("coffee first then work")
    metrics = json.loads((outs[0] / "content-metrics-9.9.9.json").read_text())
    assert set(metrics["tasks"]) == {"propaganda", "recruitment", "threat"}
    evaluated = runner.invoke(app, ["models", "eval", "--models", str(outs[0]), "--version", "9.9.9", "--json"])
    assert evaluated.exit_code == 0 and '"propaganda.terrorist"' in evaluated.output


def test_train_command_refuses_a_missing_data_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["models", "train", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and not (tmp_path / "o").exists()
