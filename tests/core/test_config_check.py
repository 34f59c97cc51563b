"""A misspelt or mistyped key in cauterize.toml is named, never a traceback or silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from cauterize.config import load_config

REPO = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "cauterize.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[ingest]\nbatch_sise = 5\n", "[ingest] batch_sise: unknown key (known: batch_size"),
        ('[ingest]\nbatch_size = "many"\n', "[ingest] batch_size = 'many': Input should be a valid integer"),
        ("[ingest]\nbatch_size = 0\n", "[ingest] batch_size = 0"),
        (
            "[detectors.watchlist]\nhashtagz = {}\n",
            "[detectors.watchlist] hashtagz: unknown key (known: hashtags, terms)",
        ),
        ("[detectors.nope]\nx = 1\n", "[detectors.nope]: unknown detector"),
        ('[detectors.evasion]\nenabled = "no"\n', "[detectors.evasion] enabled = 'no': expected true or false"),
        ('[detectors.evasion]\nreport_at = "high"\n', "[detectors.evasion] report_at = 'high'"),
        ('[policy]\nauto_actions = "yes please"\n', "[policy] auto_actions = 'yes please'"),
        ('[policy]\nname = "magic"\n', "[policy] name = 'magic': unknown policy"),
        ("[review]\nsession_hourz = 3\n", "[review] session_hourz: unknown key"),
        ("[server]\nport = 70000\n", "[server] port = 70000"),
        ("data_dir = 3\n", "data_dir = 3: expected a path"),
    ],
)
def test_a_bad_key_or_value_is_named(tmp_path, toml, expected):
    with pytest.raises(ValueError) as err:
        _load(tmp_path, toml)
    assert expected in str(err.value)


def test_every_problem_is_listed_at_once(tmp_path):
    with pytest.raises(ValueError) as err:
        _load(tmp_path, "[ingest]\nbatch_sise = 5\n[server]\nport = 0\n")
    assert "batch_sise" in str(err.value) and "port = 0" in str(err.value)


def test_the_shipped_and_bundled_configs_pass(tmp_path):
    for path in [REPO / "cauterize.toml", *sorted((REPO / "samples").glob("*.toml"))]:
        assert load_config(path).source == path
    cfg = _load(tmp_path, '[detectors.watchlist]\nhashtags = { "X" = { label = "watchlist.x", weight = 0.5 } }\n')
    assert cfg.detectors["watchlist"]["hashtags"]["X"]["weight"] == 0.5
