"""The stream's own invariants: determinism, decodability, order, consistency with the truth."""

from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Follow,
    PostCreated,
    ProfileChanged,
)
from cauterize.sim.generator import CHUNK, Simulation
from cauterize.sim.run import simulate

from .conftest import World, small_world


def test_same_seed_gives_byte_identical_stream_and_truth(tmp_path: Path) -> None:
    cfg = small_world(seed=5, days=1.0)
    simulate(cfg, tmp_path / "a.jsonl", tmp_path / "a.json")
    simulate(cfg, tmp_path / "b.jsonl", tmp_path / "b.json")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    simulate(dataclasses.replace(cfg, seed=6), tmp_path / "c.jsonl", None)
    assert (tmp_path / "a.jsonl").read_bytes() != (tmp_path / "c.jsonl").read_bytes()


def test_output_does_not_depend_on_python_hash_seed(tmp_path: Path) -> None:
    # String hashing is randomised per process: any iteration over a set of handles would show here.
    code = (
        "import sys; from cauterize.sim.run import simulate; from tests.sim.conftest import small_world; "
        "simulate(small_world(seed=3, days=0.5), sys.argv[1], sys.argv[2])"
    )
    root = Path(__file__).resolve().parents[2]
    for n in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": n}
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / f"{n}.jsonl"), str(tmp_path / f"{n}.jsonl.truth")],
            check=True,
            cwd=root,
            env=env,
        )
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()
    assert (tmp_path / "1.jsonl.truth").read_bytes() == (tmp_path / "2.jsonl.truth").read_bytes()


def test_every_line_decodes_and_time_never_goes_back(world: World) -> None:
    lines = world.events_path.read_bytes().splitlines()
    assert len(lines) == len(world.events) == world.truth.header.counts["events"]
    times = [e.time for e in world.events]
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert times[0] >= world.cfg.start
    assert times[-1] < world.truth.header.end


def test_event_ids_are_unique_and_post_ids_are_created_once(world: World) -> None:
    assert len({e.event_id for e in world.events}) == len(world.events)
    posts = [e.post_id for e in world.events if isinstance(e, PostCreated)]
    assert len(set(posts)) == len(posts)


def test_references_point_backwards_in_time(world: World) -> None:
    seen: set[str] = set()
    for e in world.events:
        if isinstance(e, PostCreated):
            for ref in (e.reply_to, e.quote_of, e.repost_of):
                if ref is not None:
                    assert ref.post_id in seen, f"{e.post_id} refers to a post not yet written"
            seen.add(e.post_id)


def test_every_event_kind_occurs(world: World) -> None:
    kinds = Counter(e.kind for e in world.events)
    assert set(kinds) == {
        "account_created",
        "profile_changed",
        "post_created",
        "post_deleted",
        "follow",
        "unfollow",
        "report_filed",
        "enforcement",
    }


def test_chunks_are_bounded() -> None:
    cfg = small_world(seed=2, days=1.0)
    cfg.benign = dataclasses.replace(cfg.benign, accounts=30_000)
    sizes = [len(c) for c in Simulation(cfg).chunks()]
    assert len(sizes) > 2
    # A handler emits a few events at most, so a chunk overshoots CHUNK by very little.
    assert max(sizes) <= CHUNK + 10


def test_truth_accounts_match_the_stream(world: World) -> None:
    created = {e.actor: e for e in world.events if isinstance(e, AccountCreated)}
    suspended = {e.actor: e.time for e in world.events if isinstance(e, EnforcementApplied) and e.action == "suspend"}
    first_post: dict[str, object] = {}
    last_act: dict[str, object] = {}
    for e in world.events:
        if isinstance(e, PostCreated):
            first_post.setdefault(e.actor, e.time)
        if not isinstance(e, EnforcementApplied):
            last_act[e.actor] = e.time
    assert len(created) == world.truth.header.counts["accounts"]
    for a in world.truth.accounts.values():
        ev = created[a.account_id]
        assert ev.handle == a.handle
        assert ev.time == a.created_at
        assert suspended.get(a.account_id) == a.suspended_at
        assert first_post.get(a.account_id) == a.first_post_at
        if a.suspended_at is not None:
            # A suspended account does nothing afterwards.
            assert last_act[a.account_id] <= a.suspended_at
    # Only network accounts are suspended, and every one of them is in the truth as extremist.
    assert suspended
    assert all(world.truth.label_of((world.cfg.platform, k)) == "extremist" for k in suspended)


def test_truth_follower_timelines_match_follow_events(world: World) -> None:
    gained = Counter(e.target for e in world.events if isinstance(e, Follow))
    for a in world.truth.accounts.values():
        if a.label != "extremist":
            continue
        assert a.followers is not None
        start = a.followers[0][1]
        assert a.followers[-1][1] - start == gained[a.account_id]
        counts = [n for _, n in a.followers]
        assert counts == sorted(counts)


def test_protected_replacements_open_up_just_before_their_release(world: World) -> None:
    protected = [a for a in world.truth.accounts.values() if a.protected_at_creation and a.first_post_at]
    assert protected, "the test world should contain a private-until-release account"
    releases = {p.post_id for p in world.truth.posts if p.label == "release"}
    by_actor: dict[str, list] = {}
    for e in world.events:
        by_actor.setdefault(e.actor, []).append(e)
    for a in protected:
        evs = by_actor[a.account_id]
        opened = [e for e in evs if isinstance(e, ProfileChanged) and e.protected is False]
        posts = [e for e in evs if isinstance(e, PostCreated)]
        assert opened and opened[0].time <= posts[0].time
        assert posts[0].post_id in releases
        assert posts[0].media and posts[0].media[0].type in {"video", "audio"}


def test_attack_brings_threats_storms_and_shared_media_hashes(world: World) -> None:
    threats = [p for p in world.truth.posts if p.label == "threat"]
    assert threats
    assert any(p.target_is_employee for p in threats)
    employees = set(world.cfg.attacks.employees)
    assert all((p.target in employees) == p.target_is_employee for p in threats)
    attack_start = world.cfg.start + timedelta(
        minutes=world.cfg.onboarding_minutes, hours=world.cfg.attacks.at_hours[0]
    )
    assert all(attack_start <= p.time for p in threats)
    hashes = Counter(
        m.hashes["sha256"] for e in world.events if isinstance(e, PostCreated) for m in e.media if "sha256" in m.hashes
    )
    # Re-uploads carry the release's file hash under a new media id.
    assert any(n > 1 for n in hashes.values())


@pytest.mark.parametrize("fmt", ["jetstream", "twitter_v2"])
def test_other_formats_write_when_emitters_exist(tmp_path: Path, fmt: str) -> None:
    pytest.importorskip(f"cauterize.emit.{fmt}")
    result = simulate(small_world(seed=4, days=0.3), tmp_path / "out.jsonl", None, fmt=fmt)
    assert result.events > 0
    for path in result.paths:
        assert Path(path).stat().st_size > 0
