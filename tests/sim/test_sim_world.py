"""The world's behaviours: lineage, recidivism, confounders, and rates that match the parameters."""

from __future__ import annotations

import dataclasses
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from cauterize.evaluation.truth import AccountTruth
from cauterize.events import AccountCreated, EnforcementApplied, Follow, PostCreated
from cauterize.sim import names
from cauterize.sim.config import BenignConfig, EnforcementConfig, NetworkConfig, RecidivismConfig
from cauterize.sim.generator import Simulation

from .conftest import World, build_world, small_world


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def parent_of(world: World, a: AccountTruth) -> AccountTruth:
    assert a.parent_account_id is not None
    return world.truth.accounts[(a.platform, a.parent_account_id)]


@pytest.fixture(scope="module")
def recidivist(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Officials caught three times a day: long chains of incarnations."""
    cfg = small_world(
        seed=21,
        benign=BenignConfig(accounts=300),
        networks=[NetworkConfig(official=6, media=3, affiliates=2, amplifiers=10, recruiters=2, sympathisers=20)],
        enforcement=EnforcementConfig(
            suspension_rate_per_day={**EnforcementConfig().suspension_rate_per_day, "official": 3.0}
        ),
        recidivism=RecidivismConfig(return_probability=0.95, max_incarnations=12),
    )
    return build_world(tmp_path_factory.mktemp("recidivist"), cfg, truth_name="truth.jsonl")


def test_lineage_links_are_consistent(recidivist: World) -> None:
    reps = [a for a in recidivist.truth.accounts.values() if a.is_replacement]
    assert len(reps) > 20
    children: Counter[str] = Counter()
    for a in reps:
        p = parent_of(recidivist, a)
        children[p.account_id] += 1
        assert (p.persona, p.network, p.role, p.label) == (a.persona, a.network, a.role, "extremist")
        assert a.generation == p.generation + 1
        assert p.suspended_at is not None and p.suspended_at < a.created_at
        assert a.handle != p.handle
        assert a.technique in names.TECHNIQUES
    # One persona, one chain: an account is replaced at most once.
    assert max(children.values()) == 1
    roots = [a for a in recidivist.truth.accounts.values() if a.label == "extremist" and a.generation == 0]
    assert all(a.parent_account_id is None and a.technique is None for a in roots)


def test_some_persona_reaches_five_or_more_incarnations(recidivist: World) -> None:
    deepest = max(a.generation for a in recidivist.truth.accounts.values())
    assert deepest >= 4  # generation 4 is the fifth incarnation


def test_replacement_handles_resemble_their_parent(recidivist: World) -> None:
    reps = [a for a in recidivist.truth.accounts.values() if a.is_replacement]
    for a in reps:
        if a.technique != "new_name":
            assert edit_distance(a.handle, parent_of(recidivist, a).handle) <= 4, (a.handle, a.technique)
    assert len({a.technique for a in reps}) >= 5


def test_display_name_and_avatar_carry_over_as_recorded(recidivist: World) -> None:
    created = {e.actor: e for e in recidivist.events if isinstance(e, AccountCreated)}
    reps = [a for a in recidivist.truth.accounts.values() if a.is_replacement]
    for a in reps:
        child, parent = created[a.account_id], created[parent_of(recidivist, a).account_id]
        assert (child.display_name == parent.display_name) == a.same_display_name
        assert (child.avatar_hash == parent.avatar_hash) == a.same_avatar
    assert any(a.same_avatar for a in reps) and not all(a.same_avatar for a in reps)


def test_network_promotes_replacements(recidivist: World) -> None:
    truth = recidivist.truth
    promos = [p for p in truth.posts if p.label == "promotion"]
    assert promos
    posts = {e.post_id: e for e in recidivist.events if isinstance(e, PostCreated)}
    for p in promos:
        child = truth.accounts[(p.platform, str(p.target))]
        promoter = truth.accounts[(p.platform, p.account_id)]
        assert promoter.role == "amplifier" and promoter.network == child.network
        assert p.time > child.created_at
        assert posts[p.post_id].mentions[0].account_id == child.account_id
        assert child.handle in posts[p.post_id].text
    # Followers come back: most replacements of followed accounts regain some.
    regained = [a for a in truth.accounts.values() if a.is_replacement and a.followers and a.followers[-1][1] > 0]
    assert len(regained) >= 0.5 * sum(1 for a in truth.accounts.values() if a.is_replacement)


def test_confounders_interact_with_the_network(world: World) -> None:
    truth = world.truth
    role = {a.account_id: a.role for a in truth.accounts.values()}
    label = {a.account_id: a.label for a in truth.accounts.values()}
    follows_network: Counter[str] = Counter()
    quotes: Counter[str] = Counter()
    replies: Counter[str] = Counter()
    tags: dict[str, set[str]] = defaultdict(set)
    mentions_network: Counter[str] = Counter()
    for e in world.events:
        r = role.get(e.actor)
        if label.get(e.actor) != "confounder":
            continue
        if isinstance(e, Follow) and label.get(e.target) == "extremist":
            follows_network[r] += 1
        if isinstance(e, PostCreated):
            if e.quote_of and label.get(e.quote_of.account_id or "") == "extremist":
                quotes[r] += 1
            if e.reply_to and label.get(e.reply_to.account_id or "") == "extremist":
                replies[r] += 1
            if any(label.get(m.account_id or "") == "extremist" for m in e.mentions):
                mentions_network[r] += 1
            tags[r].update(e.hashtags)
    for watcher in ("journalist", "researcher", "monitor"):
        assert follows_network[watcher] > 0 and quotes[watcher] > 0
    assert replies["counter_messaging"] > 0
    assert mentions_network["parody"] > 0
    net = world.cfg.networks[0]
    assert tags["news"] & set(net.hashtags)
    attack_tags = {t for t in tags["news"] | tags["police"] | tags["government"] if t.endswith("Attack1")}
    assert attack_tags
    suspended = {e.actor for e in world.events if isinstance(e, EnforcementApplied)}
    assert not suspended & {a for a, lab in label.items() if lab == "confounder"}


def test_lookalikes_resemble_a_network_handle(world: World) -> None:
    looks = [a for a in world.truth.accounts.values() if a.role == "lookalike"]
    assert len(looks) == world.cfg.confounders.lookalikes
    for a in looks:
        assert a.lookalike_of is not None
        source = world.truth.accounts[(a.platform, a.lookalike_of)]
        assert source.label == "extremist"
        assert 0 < edit_distance(a.handle, source.handle) <= 4


@pytest.fixture(scope="module")
def rate_world() -> tuple[Simulation, list]:
    cfg = small_world(
        seed=31,
        days=2.0,
        benign=BenignConfig(accounts=2_000),
        networks=[NetworkConfig(official=0, media=0, affiliates=0, amplifiers=5, recruiters=0, sympathisers=400)],
        enforcement=EnforcementConfig(suspension_rate_per_day={"sympathiser": 0.5, "amplifier": 0.0}),
        recidivism=RecidivismConfig(return_probability=0.7, max_incarnations=100, return_median_minutes=12.0),
    )
    sim = Simulation(cfg)
    events = list(sim.events())
    return sim, events


def test_suspension_rate_matches_the_parameter(rate_world: tuple[Simulation, list]) -> None:
    sim, _ = rate_world
    accts = [a for a in sim.accts if a.role == "sympathiser"]
    exposure_days = 0.0
    for a in accts:
        born = max(a.created, sim.onboarding)
        died = a.suspended if a.suspended is not None else sim.end
        exposure_days += (died - born) / 86_400
    suspensions = sum(1 for a in accts if a.suspended is not None)
    assert suspensions > 200
    assert suspensions / exposure_days == pytest.approx(0.5, rel=0.15)


def test_return_probability_and_delay_match_the_parameters(rate_world: tuple[Simulation, list]) -> None:
    sim, _ = rate_world
    # Leave out suspensions so late that a return would fall after the end.
    cutoff = sim.end - 6 * 3600
    suspended = [a for a in sim.accts if a.suspended is not None and a.suspended < cutoff]
    returned = {a.parent.account_id for a in sim.accts if a.parent is not None}
    share = sum(1 for a in suspended if a.account_id in returned) / len(suspended)
    assert share == pytest.approx(0.7, abs=0.08)
    delays = [(a.created - a.parent.suspended) / 60 for a in sim.accts if a.parent is not None and a.parent.suspended]
    assert statistics.median(delays) == pytest.approx(12.0, rel=0.25)


def test_ordinary_activity_matches_the_parameter(rate_world: tuple[Simulation, list]) -> None:
    sim, events = rate_world
    benign_ids = {str(i) for i in sim.pop.ids}
    # Follow-backs of replacement accounts by their audience are the network's doing, not the
    # user's own activity rate, so they are left out.
    acts = sum(
        1
        for e in events
        if e.actor in benign_ids
        and e.kind != "account_created"
        and not (isinstance(e, Follow) and e.target not in benign_ids)
    )
    expected = sim.pop.total_activity() * sim.cfg.days
    # Recruiters' questions from ordinary users add a few; lost reports on suspended authors remove a few.
    assert acts == pytest.approx(expected, rel=0.06)


def test_heavy_tailed_followers(world: World) -> None:
    counts = sorted(e.followers_count or 0 for e in world.events if isinstance(e, AccountCreated))
    top = counts[-len(counts) // 100 :]
    assert statistics.median(counts) < 40
    assert max(top) > 20 * statistics.median(counts)


def test_lookalike_ordinary_handles_are_common(world: World) -> None:
    handles = [e.handle or "" for e in world.events if isinstance(e, AccountCreated)]
    stems = Counter(h.rstrip("0123456789").replace("_", "") for h in handles)
    assert stems.most_common(1)[0][1] >= 3  # several innocent accounts share a name stem
    assert any(
        any("\u0600" <= ch <= "\u06ff" for ch in (e.display_name or ""))
        for e in world.events
        if isinstance(e, AccountCreated)
    )


@pytest.mark.parametrize(
    ("fn", "handle", "expected"),
    [
        (names.increment, "abu_harith7", {"abu_harith8"}),
        (names.increment, "abu_harith", {"abu_harith2"}),
        (names.increment, "ashen_wire99", {"ashen_wire100"}),
        (names.transliteration, "abu_harith", {"abou_harith", "abo_harith", "abu_hareth", "abu_haris"}),
        (names.transliteration, "mohammed_ali", {"muhammad_ali", "mohamed_ali", "mhmd_ali"}),
    ],
)
def test_evasion_techniques(fn: Callable[[str, random.Random], str | None], handle: str, expected: set[str]) -> None:
    results = {fn(handle, random.Random(s)) for s in range(30)}
    assert results <= expected and results


def test_homoglyph_separator_swap_double_change_one_spot() -> None:
    rng = random.Random(0)
    for h in ("ashen_official", "umm_talha"):
        g = names.homoglyph(h, rng)
        assert g is not None and g != h and edit_distance(g, h) <= 2
        assert set(g) - set(h) <= {"0", "1", "3", "4", "5", "r", "n", "v"}
        s = names.separator(h, rng)
        assert s is not None and s.replace("_", "") == h.replace("_", "")
        w = names.swap(h, rng)
        assert w is not None and sorted(w) == sorted(h) and w != h
        d = names.double(h, rng)
        assert d is not None and len(d) == len(h) + 1


def test_evade_never_returns_a_taken_handle() -> None:
    rng = random.Random(1)
    taken = {"abu_harith", "abu_harith2"}
    handle, technique = names.evade("abu_harith", "increment", rng, taken)
    assert handle not in {"abu_harith", "abu_harith2"} and handle in taken
    assert technique in names.TECHNIQUES


def test_scenario_files_load_and_reject_unknown_keys(tmp_path: Path) -> None:
    from cauterize.sim.config import load_scenario

    root = Path(__file__).resolve().parents[2] / "bench" / "scenarios"
    sizes = {p.stem: load_scenario(p).benign.accounts for p in sorted(root.glob("*.toml"))}
    assert sizes == {"evasion": 3_000, "large": 1_000_000, "medium": 100_000, "small": 10_000}
    medium = load_scenario(root / "medium.toml")
    assert len(medium.networks) == 2 and medium.networks[1].slug == "cinder"
    # A partial table merges into the defaults.
    bad = tmp_path / "bad.toml"
    bad.write_text("[enforcement]\nsuspension_rate_per_day = { official = 2.0 }\n")
    cfg = load_scenario(bad)
    assert cfg.enforcement.suspension_rate_per_day["official"] == 2.0
    assert cfg.enforcement.suspension_rate_per_day["media"] == EnforcementConfig().suspension_rate_per_day["media"]
    bad.write_text("[benign]\nacounts = 5\n")
    with pytest.raises(ValueError, match="acounts"):
        load_scenario(bad)


def test_config_round_trips_through_the_truth_header(world: World) -> None:
    from cauterize.sim.config import config_from_dict

    again = config_from_dict(world.truth.header.config)
    assert dataclasses.asdict(again) == dataclasses.asdict(world.cfg)
