from __future__ import annotations

import numpy as np

from cauterize.evaluation.stats import roc_auc
from cauterize.events import decode_event
from cauterize.network import communities, protect
from cauterize.network.analysis import NetworkParams, analyse, bootstrap_members
from cauterize.network.graph import InteractionGraph
from tests.conftest import jsonl


def _graph(world) -> InteractionGraph:
    g = InteractionGraph("testnet")
    for line in jsonl(*world.events).splitlines():
        g.add_event(decode_event(line))
    return g


def _run(world, seeds=("off0", "sym5"), **kw):
    g = _graph(world)
    r = analyse(g, [g.ids[s] for s in seeds], **kw)
    return g, r


def test_network_accounts_outscore_bystanders_from_two_seeds(world):
    g, r = _run(world)
    net = [g.ids[a] for a in world.network if a not in ("off0", "sym5")]
    others = [g.ids[a] for a in world.benign]
    auc = roc_auc(r.adjusted[net].tolist(), r.adjusted[others].tolist())
    assert auc is not None and auc >= 0.95
    # The returning account, reached only through its promoters, is a member too.
    assert r.adjusted[g.ids["new0"]] >= r.member_closeness
    assert {g.keys[i] for i in r.members} >= {"off1", "sym0", "amp0", "new0"}
    assert not {g.keys[i] for i in r.members} & set(world.benign)


def test_watchers_are_close_but_protected_by_direction(world):
    g, r = _run(world)
    _, old = _run(world, params=NetworkParams.all_interactions())
    for a in ("journo", "researcher", "counter"):
        i = g.ids[a]
        assert old.closeness[i] > 0, a  # a walk over every interaction reaches them
        assert r.protected[i] and r.adjusted[i] == 0.0, a
        assert r.reasons[i] and "promoted" in r.reasons[i][0]
        ev = r.evidence(i)
        assert "protected_because" in ev and ev["observer"] is True
        assert ev["promotion_share"] <= 0.25 and set(ev["interactions_with_network"]) & {"quote", "reply"}
    # Talking to the network carries no membership: the counter-messaging account only replies.
    assert r.closeness[g.ids["counter"]] == 0.0
    # Members are never shielded: they spread the network or are promoted by it.
    assert not r.protected[[g.ids[a] for a in ("off1", "sym0", "rec0", "amp0")]].any()


def test_allow_list_protects_even_a_member_and_seeds_are_not_shielded_by_behaviour(world):
    g = _graph(world)
    allow = np.zeros(g.n, bool)
    allow[g.ids["sym3"]] = True
    r = analyse(g, [g.ids["off0"], g.ids["counter"]], allow=allow)
    assert r.protected[g.ids["sym3"]] and r.reasons[g.ids["sym3"]] == ["allow-listed"]
    assert not r.protected[g.ids["counter"]]  # confirmed by the platform: behaviour does not shield it


def test_direction_measures_weigh_counterparts_by_closeness():
    g = InteractionGraph("x")
    g.add("j", "n", "quote", 0.0)
    g.add("j", "b", "repost", 0.0)
    g.add("n", "s", "repost", 0.0)
    g.compact()
    close = np.zeros(g.n)
    close[g.ids["n"]] = 1.0
    d = protect.direction(g.n, g.table, g.weights_at(), close)
    j = g.ids["j"]
    assert d.talk_out[j] == 1.0 and d.spread_out[j] == 0.0  # reposting a stranger does not count
    assert protect.watcher_like(d)[j]
    assert d.promoted_in[g.ids["s"]] == 1.0


def test_roles_from_behaviour(world):
    g, r = _run(world)
    roles = {g.keys[i]: role for i, role in r.roles.items()}
    assert roles["off1"] == "official/media"
    assert roles["rec0"] == "recruiter"
    assert roles["amp0"] == "amplifier"
    assert roles["sym7"] == "sympathiser"
    ev = r.evidence(g.ids["rec0"])
    assert ev["role"] == "recruiter" and ev["role_evidence"]["answers"] >= 2


def test_leiden_splits_two_cliques_joined_by_one_edge():
    src, dst = [], []
    for base in (0, 10):
        for i in range(10):
            for j in range(i + 1, 10):
                src.append(base + i)
                dst.append(base + j)
    src.append(0)
    dst.append(10)
    comm = communities.leiden(21, np.array(src), np.array(dst), np.ones(len(src)), nodes=np.arange(20))
    assert comm[20] == -1
    assert len(set(comm[:10])) == 1 and len(set(comm[10:20])) == 1 and comm[0] != comm[10]


def test_bootstrap_reruns_keep_seeds_and_vary_with_them(world):
    _, r = _run(world, seeds=("off0", "sym5", "sym9", "amp0"), params=NetworkParams(communities=False))
    masks = bootstrap_members(r, rounds=8)
    assert len(masks) == 8
    for m in masks:
        assert m[r.seeds].all()
        assert not m[r.protected].any()
