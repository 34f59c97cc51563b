from __future__ import annotations

import numpy as np
import pytest

from cauterize.network.coordination import CoActionTracker, co_action_pairs, groups, normalise_url


def _live(item, t, acc, window, max_burst):
    tr = CoActionTracker(window, max_burst)
    for i in np.argsort(t, kind="stable"):
        tr.observe(int(item[i]), int(acc[i]), float(t[i]))
    return tr


def test_hand_worked_example():
    # item 1: a at 0, b at 30, c at 100 -> (a,b) only; item 2: a at 0, b at 60 (edge of window), c at 61
    # item 3: a and b again at 5 s apart; item 4: a twice (no pair with itself).
    item = np.array([1, 1, 1, 2, 2, 2, 3, 3, 4, 4])
    t = np.array([0, 30, 100, 1000, 1060, 1061, 2000, 2005, 3000, 3001], float)
    acc = np.array([0, 1, 2, 0, 1, 2, 0, 1, 0, 0])
    pairs = co_action_pairs(item, t, acc, window=60, max_burst=50)
    assert pairs.as_dict() == {(0, 1): 3, (1, 2): 1}
    # (1,2) co-acted on item 2 only (1060 vs 1061); (0,2) are 61 s apart on item 2 and 100 s on item 1.
    assert pairs.at_least(2).as_dict() == {(0, 1): 3}
    assert _live(item, t, acc, 60, 50).pairs().as_dict() == pairs.as_dict()


def test_the_same_pair_on_the_same_item_counts_once():
    item = np.array([7, 7, 7, 7])
    t = np.array([0, 1, 2, 3], float)
    acc = np.array([0, 1, 0, 1])
    assert co_action_pairs(item, t, acc, 60).as_dict() == {(0, 1): 1}
    assert _live(item, t, acc, 60, 50).pairs().as_dict() == {(0, 1): 1}


def test_trending_items_are_left_out_in_batch_and_live():
    n = 12
    item = np.array([5] * n + [6, 6])
    t = np.concatenate([np.arange(n, dtype=float), [500.0, 510.0]])
    acc = np.concatenate([np.arange(n), [0, 1]])
    pairs = co_action_pairs(item, t, acc, 60, max_burst=10)
    assert pairs.trending == 1 and pairs.as_dict() == {(0, 1): 1}
    live = _live(item, t, acc, 60, 10).pairs()
    assert live.trending == 1 and live.as_dict() == {(0, 1): 1}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batch_and_live_agree_on_random_streams(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    item = rng.integers(0, 200, n)
    t = np.sort(rng.uniform(0, 20_000, n)).round()  # whole seconds: ties at the window's edge
    acc = rng.integers(0, 80, n)
    batch = co_action_pairs(item, t, acc, 60, max_burst=8)
    live = _live(item, t, acc, 60, 8).pairs()
    assert batch.as_dict() == live.as_dict()
    assert batch.trending == live.trending
    assert len(batch) > 50  # the comparison is not vacuous


def test_groups_are_connected_components():
    pairs = co_action_pairs(np.array([1, 1, 2, 2]), np.array([0, 1, 0, 1.0]), np.array([0, 1, 5, 6]), 60)
    g = groups(8, pairs)
    assert g[0] == g[1] and g[5] == g[6] and g[0] != g[5] and g[3] == -1


def test_url_normalisation():
    assert normalise_url("https://www.Example.org/a/b/?x=1#frag") == "example.org/a/b?x=1"
    assert normalise_url("http://example.org/a/b") == normalise_url("https://example.org/a/b/")
