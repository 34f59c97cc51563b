"""Both generators' migration worlds: real formats that the adapters read, a truth that matches the
files, and the detector beating the same-stem baseline on them (small worlds, seeds used nowhere else)."""

from __future__ import annotations

import json

import pytest

from cauterize.actors.evaluate import measure, read_world
from cauterize.sim import atproto_migration, migration
from cauterize.sim.config import config_from_dict

WORLD = {
    "scenario": "test-migration",
    "seed": 5150,
    "days": 2.0,
    "benign": {"accounts": 2000},
    "networks": [
        {
            "name": "Ashen Banner",
            "slug": "ashen",
            "official": 2,
            "media": 3,
            "affiliates": 3,
            "amplifiers": 8,
            "recruiters": 1,
            "sympathisers": 20,
        }
    ],
}


@pytest.fixture(scope="module")
def main_world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("main-migration")
    migration.build_world(config_from_dict(WORLD), folder)
    return folder


@pytest.fixture(scope="module")
def atproto_world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("atproto-migration")
    atproto_migration.build_world(5151, folder, accounts=800, days=5.0)
    return folder


@pytest.mark.parametrize("which", ["main_world", "atproto_world"])
def test_the_files_are_real_formats_and_the_truth_matches_them(which, request):
    folder = request.getfixturevalue(which)
    truth = json.loads((folder / "migration.json").read_text())
    events, rejects = read_world(folder)
    assert rejects == 0
    handles = {(e.platform, e.actor): getattr(e, "handle", None) for e in events if getattr(e, "handle", None)}
    assert truth["movers"] and truth["innocents"]
    for row in truth["movers"] + truth["innocents"]:
        assert handles.get((row["platform"], row["account_id"])) == row["handle"], row
    platforms = {e.platform for e in events}
    assert {truth["origin_platform"], "mastodon"} <= platforms
    if which == "main_world" and any(m["platform"] == "bluesky" for m in truth["movers"]):
        assert "bluesky" in platforms  # read back from Jetstream lines
    suspended = {e.actor for e in events if e.kind == "enforcement" and e.action == "suspend"}
    assert all(m["parent_account_id"] in suspended for m in truth["movers"])


def test_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    atproto_migration.build_world(7, a, accounts=300, days=3.0)
    atproto_migration.build_world(7, b, accounts=300, days=3.0)
    for name in ("origin.jsonl", "dest.mastodon-stream.jsonl", "migration.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


@pytest.mark.parametrize("which", ["main_world", "atproto_world"])
def test_the_detector_links_announced_moves_and_spares_innocents_unlike_the_baseline(which, request):
    r = measure(request.getfixturevalue(which), aliases={"sim": "twitter"})
    det, naive = r["cauterize"], r["naive"]
    assert det["announced"] > 0
    # Loose bars for tiny worlds; the published figures are in docs/benchmarks.md. In the second
    # generator some parents never sent a profile nor were mentioned with a handle: a reference
    # to them cannot be resolved, and the collective's shout-outs alone name no parent.
    assert det["announced_right_parent"] >= 0.7 * det["announced"]
    assert det["innocents_flagged"] <= max(1, det["innocents"] // 100)
    assert det["auto_actions"] == 0 and det["movers_wrong_parent"] <= 1
    assert naive["innocents_flagged"] > det["innocents_flagged"]
    assert det["announced_right_parent"] >= naive["announced_right_parent"]
