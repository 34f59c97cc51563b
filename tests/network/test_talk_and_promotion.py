"""Talking about or to the network is not promoting it: hand-made canonical events."""

from __future__ import annotations

import numpy as np

from cauterize.events import decode_event
from cauterize.network.analysis import NetworkParams, analyse
from cauterize.network.graph import KIND_CODE, InteractionGraph
from tests.conftest import ev, jsonl

CORE = [f"core{i}" for i in range(30)]
BYSTANDERS = [f"by{i}" for i in range(300)]


def _world(journalist_posts: int = 30) -> list[dict]:
    """30 network accounts that repost each other, 300 bystanders with their own life, a
    journalist who quotes and replies to every network account, and an amplifier that retweets 5."""
    out: list[dict] = []

    def add(kind: str, actor: str, minutes: float, **fields) -> None:
        out.append(ev(kind, f"e{len(out)}", actor, minutes, **fields))

    for i, a in enumerate([*CORE, *BYSTANDERS, "journo", "amp"]):
        add("account_created", a, i * 0.001, handle=a, followers_count=60_000 if a == "journo" else 100)
    t = 200.0
    rng = np.random.default_rng(3)
    for i, a in enumerate(CORE):
        add("post_created", a, t, post_id=f"p{i}", text="statement")
        t += 1
    for i, a in enumerate(CORE):  # the network reposts itself
        for j in rng.choice(len(CORE), 6, replace=False).tolist():
            if j != i:
                add("post_created", a, t, post_id=f"r{i}-{j}", repost_of={"post_id": f"p{j}", "account_id": CORE[j]})
                t += 0.1
    for k in range(1500):  # ordinary life among bystanders: replies, follows, reposts
        a, b = rng.choice(len(BYSTANDERS), 2, replace=False).tolist()
        kind = k % 3
        if kind == 0:
            add("follow", BYSTANDERS[a], t, target=BYSTANDERS[b])
        elif kind == 1:
            add(
                "post_created",
                BYSTANDERS[a],
                t,
                post_id=f"b{k}",
                reply_to={"post_id": "x", "account_id": BYSTANDERS[b]},
            )
        else:
            add(
                "post_created",
                BYSTANDERS[a],
                t,
                post_id=f"b{k}",
                repost_of={"post_id": "y", "account_id": BYSTANDERS[b]},
            )
        t += 0.05
    for k in range(10):  # a few bystanders follow the network (its audience)
        add("follow", BYSTANDERS[k], t, target=CORE[k])
    for k in range(journalist_posts):  # the journalist quotes and replies to 30 network accounts
        target = CORE[k % len(CORE)]
        fields = (
            {"quote_of": {"post_id": f"p{k % len(CORE)}", "account_id": target}}
            if k % 2
            else {"reply_to": {"post_id": f"p{k % len(CORE)}", "account_id": target}}
        )
        add(
            "post_created",
            "journo",
            t,
            post_id=f"j{k}",
            text="reporting",
            mentions=[{"handle": target, "account_id": target}],
            **fields,
        )
        add(
            "post_created",
            "journo",
            t + 0.5,
            post_id=f"jm{k}",
            text="see",
            mentions=[{"handle": target, "account_id": target}],
        )
        t += 1
    for k in range(5):  # the amplifier retweets five network posts
        add("post_created", "amp", t, post_id=f"a{k}", repost_of={"post_id": f"p{k}", "account_id": CORE[k]})
        t += 1
    return out


def _graph(events: list[dict]) -> InteractionGraph:
    g = InteractionGraph("testnet")
    for line in jsonl(*events).splitlines():
        g.add_event(decode_event(line))
    return g


def _top_decile(scores: np.ndarray, i: int) -> bool:
    cut = np.sort(scores)[::-1][max(1, len(scores) // 10) - 1]
    return bool(scores[i] > 0 and scores[i] >= cut)


def test_journalist_who_quotes_and_replies_to_30_is_not_in_the_top_decile_an_amplifier_of_5_is():
    g = _graph(_world())
    seeds = [g.ids[a] for a in CORE[:3]]
    r = analyse(g, seeds, followers=np.zeros(g.n, np.int64))
    j, amp = g.ids["journo"], g.ids["amp"]
    assert not _top_decile(r.adjusted, j)
    assert r.protected[j] and r.observer is not None and r.observer[j]
    ev_j = r.evidence(j)
    assert ev_j["observer"] is True and ev_j["promotion_share"] == 0.0
    assert {"quote", "reply", "mention"} <= set(ev_j["interactions_with_network"])
    assert _top_decile(r.adjusted, amp) and not r.protected[amp]
    assert r.evidence(amp)["interactions_with_network"].get("repost", 0) > 0
    # Before talk and promotion were told apart, the journalist was ranked with the network.
    old = analyse(g, seeds, params=NetworkParams.all_interactions())
    assert _top_decile(old.closeness, j)


def test_no_allow_list_needed_and_an_allow_list_adds_on_top():
    g = _graph(_world())
    seeds = [g.ids[a] for a in CORE[:3]]
    r = analyse(g, seeds)
    assert not r.reasons[g.ids["journo"]] or "allow-listed" not in r.reasons[g.ids["journo"]]
    allow = np.zeros(g.n, bool)
    allow[g.ids["amp"]] = True
    r2 = analyse(g, seeds, allow=allow)
    assert r2.protected[g.ids["amp"]] and r2.reasons[g.ids["amp"]] == ["allow-listed"]
    assert not r2.observer[g.ids["amp"]]  # allow-listed is said as such, not as an observer


def test_shout_out_of_a_new_account_is_promotion_a_mention_of_an_old_or_first_named_one_is_talk():
    g = InteractionGraph("x", shoutout_hours=24.0, onboarding_hours=2.0)
    g.add("a", "b", "follow", 0.0)  # the feed starts at 0
    g.node("old", 0.0)
    g.set_created(g.ids["old"], 600.0)  # "created" in the feed's first hours: a collector's snapshot
    g.node("fresh", 0.0)
    g.set_created(g.ids["fresh"], 10 * 3600.0)
    g.node("nodate", 10 * 3600.0)  # no creation event (Jetstream): first seen during the feed
    g.node("seen-early", 1800.0)  # first seen in the feed's first hours: there before it began
    t = 11 * 3600.0
    assert g.mention_kind("fresh", t) == "shoutout"
    assert g.mention_kind("fresh", t + 30 * 3600.0) == "mention"  # a day and more later: no longer new
    assert g.mention_kind("old", t) == "mention"
    assert g.mention_kind("nodate", t) == "shoutout"  # appeared an hour before it was named
    assert g.mention_kind("nodate", 10 * 3600.0) == "mention"  # named at its first sighting: not new to anyone
    assert g.mention_kind("seen-early", t) == "mention"
    assert g.mention_kind("never-seen", t) == "mention"


def test_stream_path_records_shout_outs_from_account_creation_events():
    events = [
        ev("follow", "e0", "x", 0, target="y"),
        ev("account_created", "e1", "new", 300, handle="new"),
        ev(
            "post_created",
            "e2",
            "amp",
            305,
            post_id="s",
            text="follow",
            mentions=[{"handle": "new", "account_id": "new"}],
        ),
        ev(
            "post_created",
            "e3",
            "journo",
            306,
            post_id="q",
            text="about",
            mentions=[{"handle": "y", "account_id": "y"}],
        ),
    ]
    g = _graph(events)
    g.compact()
    kinds = {(g.keys[s], g.keys[d]): int(k) for s, d, k in zip(g.table.src, g.table.dst, g.table.kind, strict=True)}
    assert kinds[("amp", "new")] == KIND_CODE["shoutout"]
    assert kinds[("journo", "y")] == KIND_CODE["mention"]


def test_a_follow_train_is_promotion_a_single_follow_of_a_new_account_is_not():
    g = InteractionGraph("x")
    g.add("s0", "s1", "repost", 0.0)
    for k in range(6):
        g.node(f"n{k}", 0.0)
    for k in range(6):  # the train: six network accounts in ten minutes
        g.add("train", f"n{k}", "follow", 100.0 + 100 * k)
    g.add("watch", "n0", "follow", 5000.0)
    g.add("watch", "n1", "quote", 5000.0)
    g.compact()
    from cauterize.network import protect

    close = np.zeros(g.n)
    close[[g.ids[f"n{k}"] for k in range(6)]] = 1.0
    created = np.full(g.n, np.nan)
    created[g.ids["n0"]] = 4000.0
    fw, new = protect.follow_promotion(g.table, created, close)
    d = protect.direction(g.n, g.table, g.weights_at(), close, (fw, new))
    assert d.spread_out[g.ids["train"]] == 3.0  # six follows in step, 0.5 each
    assert d.spread_out[g.ids["watch"]] == 0.0 and d.out_by_kind["follow_new"][g.ids["watch"]] == 1.0
    assert protect.watcher_like(d)[g.ids["watch"]] and not protect.watcher_like(d)[g.ids["train"]]


def test_without_creation_events_now_at_posts_are_shout_outs_and_their_authors_not_observers():
    # A Jetstream-shaped feed: no account_created at all. The collective follows each other; a
    # replacement appears, two members follow it and one posts "now at @new" half a minute later.
    events: list[dict] = []

    def add(kind: str, actor: str, minutes: float, **fields) -> None:
        events.append(ev(kind, f"e{len(events)}", actor, minutes, **fields))

    members = [f"m{i}" for i in range(8)]
    for i, a in enumerate(members):
        for b in members[i + 1 : i + 4]:
            add("follow", a, i, target=b)
    add("follow", "m1", 600, target="new")
    add("follow", "m2", 601, target="new")
    add("post_created", "m2", 601.5, post_id="now", text="now at", mentions=[{"handle": "new", "account_id": "new"}])
    g = _graph(events)
    g.compact()
    kinds = {(g.keys[s], g.keys[d]): int(k) for s, d, k in zip(g.table.src, g.table.dst, g.table.kind, strict=True)}
    assert kinds[("m2", "new")] == KIND_CODE["shoutout"]
    r = analyse(g, [g.ids["m0"], g.ids["m3"]], params=NetworkParams(communities=False))
    assert not r.protected[g.ids["m2"]]
    assert r.evidence(g.ids["m2"])["interactions_with_network"].get("shoutout", 0) > 0
