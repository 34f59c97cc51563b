from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from cauterize.events import decode_event
from cauterize.network.graph import KIND_CODE, InteractionGraph, combine
from tests.conftest import jsonl

DAY = 86400.0


def _weight(g: InteractionGraph, src: str, dst: str, kind: str, now: float | None = None) -> float:
    w = g.weights_at(now)
    t = g.table
    m = (t.src == g.ids[src]) & (t.dst == g.ids[dst]) & (t.kind == KIND_CODE[kind])
    return float(w[m].sum())


def test_interactions_decay_by_half_every_half_life_and_follows_do_not():
    g = InteractionGraph("x", half_life_days=1.0)
    g.add("a", "b", "repost", 0.0)
    g.add("a", "b", "repost", DAY)
    g.add("a", "c", "follow", 0.0)
    assert _weight(g, "a", "b", "repost") == pytest.approx(1.5)
    assert _weight(g, "a", "b", "repost", now=3 * DAY) == pytest.approx(0.375)
    assert _weight(g, "a", "c", "follow", now=30 * DAY) == pytest.approx(1.0)


def test_unfollow_clears_a_follow_and_a_second_follow_restores_it():
    g = InteractionGraph("x")
    g.add("a", "b", "follow", 1.0)
    g.add("a", "b", "unfollow", 2.0)
    assert _weight(g, "a", "b", "follow") == 0.0
    g.add("a", "b", "follow", 3.0)
    assert _weight(g, "a", "b", "follow") == 1.0


def test_folding_in_pieces_equals_folding_at_once_and_reports_changed_rows():
    rng = np.random.default_rng(3)
    edges = [
        (f"n{rng.integers(30)}", f"n{rng.integers(30)}", ["repost", "mention", "quote"][rng.integers(3)], float(t))
        for t in sorted(rng.uniform(0, 20 * DAY, 400))
    ]
    whole = InteractionGraph("x", half_life_days=2.0)
    for e in edges:
        whole.add(*e)
    whole.compact()
    parts = InteractionGraph("x", half_life_days=2.0)
    changed_total = 0
    for lo in range(0, 400, 100):
        for e in edges[lo : lo + 100]:
            parts.add(*e)
        changed = parts.compact()
        changed_total += len(changed)
        assert len(changed) <= len(parts.table)
    assert changed_total > len(parts.table)  # later chunks touch rows again
    assert parts.keys == whole.keys
    np.testing.assert_allclose(parts.weights_at(30 * DAY), whole.weights_at(30 * DAY), rtol=1e-9)
    np.testing.assert_array_equal(parts.table.count, whole.table.count)
    np.testing.assert_array_equal(parts.table.first, whole.table.first)


def test_events_map_to_edges_and_a_reply_does_not_also_count_as_a_mention():
    g = InteractionGraph("t")
    t0 = "2024-03-01T12:00:00Z"
    lines = jsonl(
        {
            "kind": "post_created",
            "platform": "t",
            "event_id": "1",
            "actor": "a",
            "time": t0,
            "post_id": "p1",
            "reply_to": {"post_id": "q", "account_id": "b"},
            "mentions": [{"handle": "b", "account_id": "b"}, {"handle": "c", "account_id": "c"}],
        },
        {
            "kind": "post_created",
            "platform": "t",
            "event_id": "2",
            "actor": "a",
            "time": t0,
            "post_id": "p2",
            "repost_of": {"post_id": "q", "account_id": "b"},
        },
        {"kind": "follow", "platform": "t", "event_id": "3", "actor": "c", "time": t0, "target": "a"},
        {
            "kind": "post_created",
            "platform": "t",
            "event_id": "4",
            "actor": "a",
            "time": t0,
            "post_id": "p3",
            "repost_of": {"post_id": "z", "account_id": "a"},
        },
    )
    added = [g.add_event(decode_event(line)) for line in lines.splitlines()]
    assert added == [2, 1, 1, 0]  # a self-repost adds nothing
    g.compact()
    got = {(g.keys[s], g.keys[d], k) for s, d, k in zip(g.table.src, g.table.dst, g.table.kind, strict=True)}
    names = {v: k for k, v in KIND_CODE.items()}
    assert {(s, d, names[k]) for s, d, k in got} == {
        ("a", "b", "reply"),
        ("a", "c", "mention"),
        ("a", "b", "repost"),
        ("c", "a", "follow"),
    }
    assert datetime.fromtimestamp(g.now, UTC).isoformat().startswith("2024-03-01T12:00")


def test_combine_weighs_kinds_and_merges_parallel_edges():
    g = InteractionGraph("x")
    g.add("a", "b", "repost", 0.0)
    g.add("a", "b", "mention", 0.0)
    g.add("a", "b", "quote", 0.0)
    g.compact()
    src, dst, w = combine(g.n, g.table, g.weights_at(), {"repost": 1.0, "mention": 0.5})
    assert (src.tolist(), dst.tolist()) == ([0], [1])
    assert w.tolist() == pytest.approx([1.5])
