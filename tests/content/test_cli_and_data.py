from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cauterize.cli.main import app
from cauterize.content import data
from cauterize.content.shipped import VERSION, load_metrics

SHARED = data.default_data_dir()
needs_data = pytest.mark.skipif(not data.available(SHARED), reason=f"shared data not found at {SHARED}")
runner = CliRunner()


def test_models_info_lists_every_shipped_file() -> None:
    result = runner.invoke(app, ["models", "info"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for task in ("propaganda", "recruitment", "threat"):
        for tier in ("fast", "strong"):
            assert f"{task}-{tier}-{VERSION}.json.gz" in result.output


def test_models_eval_prints_the_recorded_metrics() -> None:
    result = runner.invoke(app, ["models", "eval"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "recall.flag.pro_is.en" in result.output and "fpr.flag.reporting" in result.output
    assert "baseline_raw" in result.output and "windows with a flag" in result.output
    metrics = load_metrics()
    assert metrics["version"] == VERSION
    for task in ("propaganda", "recruitment", "threat"):
        m = metrics["tasks"][task]["metrics"]
        # Every figure of the shipped model has the baselines' figure beside it.
        assert set(m["shipped"]) == set(m["baseline"]) == set(m["baseline_raw"]) and m["shipped"]
        assert metrics["tasks"][task]["invariance"]["decisions_changed"] == 0
        link = metrics["tasks"][task]["link_sensitivity"]["shipped"]
        assert link["flagged_before"] == link["flagged_after"]
    assert runner.invoke(app, ["models", "eval", "--version", "0.0.0-none"]).exit_code == 2


def test_split_is_a_function_of_the_unit_and_seed() -> None:
    assert data.split_of("acct:x", 13) == data.split_of("acct:x", 13)
    shares = [data.split_of(f"u{i}", 3) for i in range(3000)]
    assert 0.55 < shares.count("train") / 3000 < 0.65 and 0.2 < shares.count("test") / 3000 < 0.3


@needs_data
def test_real_splits_never_put_one_account_or_template_on_two_sides() -> None:
    from cauterize.content.train import propaganda_rows, threat_rows

    for rows in (propaganda_rows(SHARED, 13), threat_rows(SHARED, 13)):
        sides: dict[str, set[str]] = {}
        for example, split in rows:
            sides.setdefault(example.unit, set()).add(split)
        assert all(len(s) == 1 for s in sides.values())
        assert {"train", "calib", "test"} <= {s for v in sides.values() for s in v}


@needs_data
def test_shipped_propaganda_model_separates_held_out_accounts_from_hard_negatives() -> None:
    """A regression guard on real data: held-out pro-IS tweets outscore held-out Davidson rows."""
    from cauterize.content.normalize import normalize
    from cauterize.content.shipped import load_cascade

    cascade = load_cascade("propaganda")
    pos = [e for e in data.extremist(SHARED) if data.split_of(e.unit, 13) == "test"][:600]
    neg = [e for e in data.davidson(SHARED) if data.split_of(e.unit, 13) == "test"][:600]
    ps = [cascade.score(normalize(e.text)) for e in pos]
    ns = [cascade.score(normalize(e.text)) for e in neg]
    wins = sum((p > n) + 0.5 * (p == n) for p in ps for n in ns)
    # 2.2.0 scores a post with nothing left to read after the words of everyday faith 0 by design
    # (greetings and prayers of pro-IS accounts are not evidence), which ties them with the
    # negatives: 0.93 here, where 2.1.0 reached 0.95.
    assert wins / (len(ps) * len(ns)) > 0.9
    assert sum(s >= cascade.threshold for s in ns) / len(ns) <= 0.02


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CAUTERIZE_SHARED_DATA", str(tmp_path))
    assert data.default_data_dir() == tmp_path and not data.available(tmp_path)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_readers_of_the_same_surface_negatives_keep_their_split_units(tmp_path: Path) -> None:
    """CrisisLex by event, ArSarcasm by text, FA-KES by article (title and lead together)."""
    _write(
        tmp_path / "general_tweets" / "crisislex_t26.csv",
        ["event", "Tweet ID", "Tweet Text", "Information Source", "Information Type", "Informativeness"],
        [
            ["2013_Example_flood", "1", "RT @a: water rising http://t.co/x", "Media", "x", "y"],
            ["2013_Example_flood", "2", "stay safe all", "Outsiders", "x", "y"],
            ["2013_Example_fire", "3", "", "Media", "x", "y"],
        ],
    )
    _write(
        tmp_path / "general_tweets" / "crisislex_t6.csv",
        ["event", "tweet id", "tweet", "label"],
        [["2012_Example_storm", "'9'", "lunch time", "off-topic"]],
    )
    _write(
        tmp_path / "general_tweets" / "arsarcasm_train.csv",
        ["dialect", "sarcasm", "sentiment", "original_sentiment", "tweet", "source"],
        [
            ["msa", "False", "neutral", "neutral", '"صباح الخير"', "semeval"],
            ["msa", "False", "negative", "negative", "داعش لا تمثلنا", "astd"],
            ["msa", "False", "neutral", "neutral", "صباح الخير", "astd"],
        ],
    )
    _write(
        tmp_path / "reporting" / "fakes_syria_news.csv",
        ["unit_id", "article_title", "lead", "source", "date", "location"],
        [
            ["7", "IS claims an attack", "The group said ...", "example", "1/1/2016", "x"],
            ["8", "Talks resume in Geneva", "Delegates met ...", "example", "1/1/2016", "y"],
        ],
    )
    t26 = data.crisislex_t26(tmp_path)
    assert [(e.unit, e.tag) for e in t26] == [
        ("event:2013_Example_flood", "media"),
        ("event:2013_Example_flood", "general"),
    ]
    assert [e.tag for e in data.crisislex_t6(tmp_path)] == ["off-topic"]
    ar = data.arsarcasm(tmp_path)
    assert [e.tag for e in ar] == ["general", "daesh", "general"] and ar[0].unit == ar[2].unit
    fk = data.fakes(tmp_path)
    assert [(e.unit, e.tag) for e in fk] == [("article:7", "names_is")] * 2 + [("article:8", "war")] * 2
    assert all(e.label == 0 for e in t26 + ar + fk)
    assert data.fakes(tmp_path / "absent") == [] and data.arsarcasm(tmp_path / "absent") == []


@needs_data
def test_evasion_edits_change_no_decision_on_held_out_real_text() -> None:
    """Zero-width characters, look-alikes and tatweel inserted into held-out tweets and articles
    (English and Arabic) change no decision of any shipped model."""
    import random

    from cauterize.content.normalize import normalize
    from cauterize.content.perturb import perturb
    from cauterize.content.shipped import load_cascade
    from cauterize.content.train import lang_of

    rng = random.Random(5)
    rows = []
    for reader in (data.extremist, data.arsarcasm, data.fakes, data.crisislex_t26):
        held_out = [e for e in reader(SHARED) if data.split_of(e.unit, 13) == "test"]
        rows += rng.sample(held_out, min(150, len(held_out)))
    for task in ("propaganda", "recruitment", "threat"):
        cascade = load_cascade(task)
        for e in rows:
            t = cascade.threshold_for(lang_of(e))
            edited = perturb(e.text, rng, 0.3)
            assert (cascade.score(normalize(edited)) >= t) == (cascade.score(normalize(e.text)) >= t), e.unit
