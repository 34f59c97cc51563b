"""A small synthetic world for the network tests: a network, its audience, bystanders, watchers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from tests.conftest import ev

NETWORK = ["off0", "off1"] + [f"sym{i}" for i in range(12)] + ["amp0", "rec0"]
BENIGN = [f"user{i}" for i in range(60)]
WATCHERS = ["journo", "researcher", "counter"]


@dataclass
class World:
    events: list[dict] = field(default_factory=list)
    network: list[str] = field(default_factory=lambda: [*NETWORK, "new0", "new1"])
    benign: list[str] = field(default_factory=lambda: list(BENIGN))
    watchers: list[str] = field(default_factory=lambda: list(WATCHERS))
    suspended: list[str] = field(default_factory=lambda: ["off0"])

    def add(self, kind: str, actor: str, minutes: float, **fields) -> None:
        self.events.append(ev(kind, f"e{len(self.events)}", actor, minutes, **fields))


def build_world(seed: int = 7) -> World:
    rng = random.Random(seed)
    w = World()
    for i, a in enumerate([*NETWORK, *BENIGN, *WATCHERS]):
        followers = 50_000 if a == "journo" else 100
        w.add("account_created", a, i * 0.01, handle=a, followers_count=followers)
    post = 0
    t = 10.0
    for _day in range(3):
        for off in ("off0", "off1"):
            post += 1
            pid = f"p{post}"
            w.add("post_created", off, t, post_id=pid, text="statement", hashtags=["AshenBanner"])
            for s in rng.sample(NETWORK[2:], 8):
                t += 0.3
                w.add("post_created", s, t, post_id=f"r{post}-{s}", repost_of={"post_id": pid, "account_id": off})
            t += 1
            w.add(
                "post_created",
                "journo",
                t,
                post_id=f"q{post}",
                text="reporting on this",
                quote_of={"post_id": pid, "account_id": off},
                mentions=[{"handle": off, "account_id": off}],
            )
            w.add(
                "post_created",
                "researcher",
                t + 1,
                post_id=f"q2{post}",
                text="analysis",
                quote_of={"post_id": pid, "account_id": off},
            )
            w.add(
                "post_created",
                "counter",
                t + 2,
                post_id=f"c{post}",
                text="this is a lie",
                reply_to={"post_id": pid, "account_id": off},
                mentions=[{"handle": off, "account_id": off}],
            )
            t += 30
    for s in NETWORK[2:]:
        for off in ("off0", "off1"):
            w.add("follow", s, t, target=off)
            t += 0.1
    for x in ("journo", "researcher"):
        for off in ("off0", "off1"):
            w.add("follow", x, t, target=off)
            t += 0.1
    # The recruiter answers questions it was asked.
    for s in ("sym0", "sym1", "user3"):
        w.add(
            "post_created",
            s,
            t,
            post_id=f"ask-{s}",
            text="how do I join?",
            mentions=[{"handle": "rec0", "account_id": "rec0"}],
        )
        w.add(
            "post_created",
            "rec0",
            t + 2,
            post_id=f"ans-{s}",
            text="message me",
            reply_to={"post_id": f"ask-{s}", "account_id": s},
        )
        t += 5
    for s in ("sym2", "sym3"):
        w.add("post_created", s, t, post_id=f"rr-{s}", repost_of={"post_id": "ans-sym0", "account_id": "rec0"})
        t += 1
    # Ordinary life: posts, follows among themselves, a few follow an official (the audience).
    for _ in range(300):
        a, b = rng.sample(BENIGN, 2)
        w.add("follow", a, t, target=b)
        t += 0.5
    for i in range(0, 60, 10):
        w.add("follow", BENIGN[i], t, target="off1")
        t += 0.5
    for _ in range(150):
        a, b = rng.sample(BENIGN, 2)
        w.add("post_created", a, t, post_id=f"b{_}", text="hello", reply_to={"post_id": "x", "account_id": b})
        t += 0.5
    # off0 is suspended; new0 appears and the amplifier introduces it; the network reposts it.
    w.add("enforcement", "off0", t, action="suspend", reason="terrorism")
    w.add("account_created", "new0", t + 5, handle="off0_2")
    w.add(
        "post_created",
        "amp0",
        t + 8,
        post_id="shout",
        text="follow the new account",
        mentions=[{"handle": "off0_2", "account_id": "new0"}],
    )
    w.add("account_created", "new1", t + 6, handle="ashen_new")
    w.add(
        "post_created",
        "amp0",
        t + 9,
        post_id="shout2",
        text="and this one",
        mentions=[{"handle": "ashen_new", "account_id": "new1"}],
    )
    w.add("post_created", "new1", t + 19, post_id="np1", text="hello brothers")
    for s in NETWORK[5:10]:
        w.add("post_created", s, t + 20, post_id=f"nr1-{s}", repost_of={"post_id": "np1", "account_id": "new1"})
    w.add("post_created", "new0", t + 20, post_id="np", text="we are back")
    for s in NETWORK[2:8]:
        w.add("post_created", s, t + 21, post_id=f"nr-{s}", repost_of={"post_id": "np", "account_id": "new0"})
    w.add("post_created", "amp0", t + 22, post_id="ar", repost_of={"post_id": "np", "account_id": "new0"})
    w.add("follow", "journo", t + 30, target="new0")
    w.add("follow", "researcher", t + 31, target="new0")
    w.events.sort(key=lambda e: e["time"])
    return w


@pytest.fixture(scope="session")
def world() -> World:
    return build_world()
