"""Randomised worlds and the second (atproto-shaped) generator: what each promises."""

from __future__ import annotations

import json
from pathlib import Path

from cauterize.evaluation.truth import read_truth
from cauterize.sim.atproto import AtprotoWorld, simulate_atproto
from cauterize.sim.config import WorldConfig
from cauterize.sim.randomise import draw, randomised


def test_randomised_worlds_draw_their_habits_from_the_seed_within_the_ranges():
    draws = [draw(seed) for seed in range(40)]
    assert draw(7) == draws[7]  # same seed, same world
    delays = [d["return_median_minutes"] for d in draws]
    assert all(2.0 <= x <= 7 * 1440.0 for x in delays)
    assert min(delays) < 60 and max(delays) > 1440  # minutes to days across worlds
    assert any(d["shoutouts_per_return"] == 0.0 for d in draws)  # some worlds without promotion
    assert any(d["same_avatar_probability"] < 0.2 for d in draws) and any(
        d["same_avatar_probability"] > 0.8 for d in draws
    )
    cfg = randomised(WorldConfig(), 7)
    assert cfg.seed == 7 and cfg.recidivism.techniques == draws[7]["techniques"]
    assert cfg.confounders.lookalike_signups_per_day == draws[7]["lookalike_signups_per_day"]


def test_the_atproto_world_has_no_creation_events_and_late_takedowns(tmp_path: Path):
    cfg = WorldConfig(seed=5)
    res = simulate_atproto(cfg, tmp_path / "e.jsonl", tmp_path / "t.jsonl")
    events = [json.loads(line) for line in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert res.events == len(events)
    kinds = {e["kind"] for e in events}
    assert "account_created" not in kinds and {"profile_changed", "post_created", "follow"} <= kinds
    assert all(e["actor"].startswith("did:plc:") for e in events)
    times = [e["time"] for e in events]
    assert times == sorted(times)
    takedowns = {e["actor"]: e["time"] for e in events if e["kind"] == "enforcement"}
    assert takedowns and all(e["reason"] == "takendown" for e in events if e["kind"] == "enforcement")
    truth = read_truth(tmp_path / "t.jsonl")
    kids = [a for a in truth.accounts.values() if a.is_replacement]
    assert kids and all("." in a.handle for a in kids)
    first_seen: dict[str, str] = {}
    for e in events:
        first_seen.setdefault(e["actor"], e["time"])
    # Late enforcement: some replacements are seen before their parent's takedown is reported.
    early = [
        a
        for a in kids
        if a.parent_account_id in takedowns and first_seen[a.account_id] < takedowns[a.parent_account_id]
    ]
    assert early
    # Watchers quote, reply to and mention members; they never repost them.
    watchers = {
        a.account_id for a in truth.accounts.values() if a.role in {"journalist", "researcher", "counter_messaging"}
    }
    theirs = [e for e in events if e["actor"] in watchers and e["kind"] == "post_created"]
    assert theirs and not any("repost_of" in e for e in theirs)
    assert any("quote_of" in e for e in theirs) and any("reply_to" in e for e in theirs)


def test_the_atproto_world_is_deterministic():
    a, b = AtprotoWorld(3, accounts=300, days=2.0), AtprotoWorld(3, accounts=300, days=2.0)
    a.run()
    b.run()
    assert [e for _, _, e in a.events] == [e for _, _, e in b.events]
