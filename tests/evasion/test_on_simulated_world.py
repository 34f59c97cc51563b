"""End to end on a small simulated world the link model never saw (its own seed).

The generator's ground truth says which accounts replace which; the pipeline runs with its
default detectors and policy, and the evaluation harness scores the export. The bars here are
looser than the published ones (docs/evasion.md) because the world is small.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cauterize.app import build_pipeline, open_store
from cauterize.cli.decisions import export_record
from cauterize.cli.main import app
from cauterize.config import Config
from cauterize.evaluation.decisions import parse_decision
from cauterize.evaluation.metrics import evaluate
from cauterize.evaluation.truth import read_truth
from cauterize.ingest.sources import FileSource
from cauterize.sim.config import config_from_dict
from cauterize.sim.run import simulate

WORLD = {
    "scenario": "test-evasion",
    "seed": 424242,
    "days": 1.5,
    "benign": {"accounts": 2000},
    "networks": [
        {
            "name": "Ashen Banner",
            "slug": "ashen",
            "official": 2,
            "media": 2,
            "affiliates": 2,
            "amplifiers": 8,
            "recruiters": 1,
            "sympathisers": 20,
        }
    ],
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tmp_path_factory.mktemp("world")
    simulate(config_from_dict(WORLD), d / "events.jsonl", d / "truth.json")
    cfg = Config(data_dir=d / "data")
    store = open_store(cfg)
    build_pipeline(cfg, store).run([FileSource(d / "events.jsonl")])
    decisions = [parse_decision(json.loads(json.dumps(export_record(r)))) for r in store.iter_decisions()]
    yield d, cfg, store, read_truth(d / "truth.json"), decisions
    store.close()


def test_replacements_are_caught_early_and_tied_to_their_parent(world):
    _d, _cfg, _store, truth, decisions = world
    report = evaluate(truth, decisions)
    ev = report.evasion
    assert ev.replacements >= 5, "the world should contain replacements to find"
    assert ev.correct_parent_first / ev.replacements >= 0.8
    assert ev.before_first_post / ev.replacements >= 0.8
    assert ev.false_links <= 1


def test_no_lookalike_or_watcher_is_linked(world):
    _d, _cfg, store, truth, _decisions = world
    watchers = {a.account_id for a in truth.accounts.values() if a.label == "confounder" and a.role != "lookalike"}
    lookalikes = {a.account_id for a in truth.accounts.values() if a.role == "lookalike"}
    assert watchers and lookalikes, "the world should contain confounders"
    linked = set(store.evasion_links("sim"))
    assert not (linked & watchers)
    # link-lr-4 no longer learns "created before the suspension" (it encoded this simulator's
    # habit of creating every look-alike at the start, and a late takedown report breaks it), so
    # a look-alike announced minutes after a parent that never acted may go to review on its
    # name; it is never actioned (one line of evidence).
    assert len(linked & lookalikes) <= 1


def test_lineage_command_prints_the_chain(world):
    d, _cfg, store, truth, _decisions = world
    child = max(
        (a for a in truth.accounts.values() if a.generation >= 1 and a.account_id in store.evasion_links("sim")),
        key=lambda a: a.generation,
    )
    parent = truth.accounts[("sim", child.parent_account_id)]
    result = CliRunner().invoke(
        app, ["lineage", child.account_id], env={"CAUTERIZE_DATA_DIR": str(d / "data"), "COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert f"@{child.handle}" in result.output and f"@{parent.handle}" in result.output
    assert result.output.index(f"@{parent.handle}") < result.output.index(f"@{child.handle}")
