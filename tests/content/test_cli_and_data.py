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
    assert "propaganda.terrorist" in result.output and "account_level" in result.output
    metrics = load_metrics()
    assert metrics["version"] == VERSION
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
    assert wins / (len(ps) * len(ns)) > 0.95
    assert sum(s >= cascade.threshold for s in ns) / len(ns) <= 0.02


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CAUTERIZE_SHARED_DATA", str(tmp_path))
    assert data.default_data_dir() == tmp_path and not data.available(tmp_path)
