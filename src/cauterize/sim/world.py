"""The simulator's mutable state: who exists, who follows whom (as counts), who is suspended.

Ordinary users are the bulk of a large world, so they live in flat arrays indexed by position
rather than one object each: a million of them cost tens of megabytes, not hundreds. Network
members and confounders are few and carry more state, so they are objects.
"""

from __future__ import annotations

import math
import random
from array import array
from dataclasses import dataclass, field


@dataclass(slots=True)
class Persona:
    """The person behind a chain of incarnations (one per suspension survived)."""

    persona_id: str
    network: int
    role: str
    region: str
    incarnations: int = 0


@dataclass(slots=True, eq=False)
class Acct:
    """A network member or a confounder (ordinary users live in :class:`Population`)."""

    account_id: str
    handle: str
    display_name: str
    avatar_hash: str
    lang: str
    label: str
    role: str
    created: int
    network: int | None = None
    persona: Persona | None = None
    region: str = ""
    generation: int = 0
    parent: Acct | None = None
    technique: str | None = None
    same_display_name: bool | None = None
    same_avatar: bool | None = None
    protected: bool = False
    protected_at_creation: bool = False
    suspend_at: int | None = None
    suspended: int | None = None
    first_post: int | None = None
    followers: int = 0
    #: Seconds at which a follower was gained (network accounts only; for the truth file). An
    #: int32 array: 4 bytes a follow, the one part of the state that grows with the stream.
    follow_log: array[int] = field(default_factory=lambda: array("i"))
    #: For lookalikes: the network account whose handle theirs was derived from.
    resembles: Acct | None = None
    last_post_id: str | None = None

    def alive(self) -> bool:
        return self.suspended is None


class Population:
    """Ordinary users as parallel arrays; ``cum_*`` are cumulative weights for ``random.choices``."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.handles: list[str] = []
        self.lang = bytearray()
        self.followers = array("l")
        self.cum_activity = array("d")
        self.cum_popularity = array("d")

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, account_id: int, handle: str, lang: int, followers: int, activity: float) -> int:
        self.ids.append(account_id)
        self.handles.append(handle)
        self.lang.append(lang)
        self.followers.append(followers)
        last_a = self.cum_activity[-1] if self.cum_activity else 0.0
        last_p = self.cum_popularity[-1] if self.cum_popularity else 0.0
        self.cum_activity.append(last_a + activity)
        # Attachment by initial popularity: new follows go mostly to already popular accounts.
        self.cum_popularity.append(last_p + followers + 1.0)
        return len(self.ids) - 1

    def total_activity(self) -> float:
        return self.cum_activity[-1] if self.cum_activity else 0.0


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit = math.exp(-lam)
        k = 0
        p = rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 60:
        return sum(1 for _ in range(n) if rng.random() < p)
    mean = n * p
    return min(n, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))


def pareto_int(rng: random.Random, minimum: int, alpha: float, cap: int = 5_000_000) -> int:
    return min(cap, int(minimum * rng.paretovariate(alpha)))


def lognormal_median(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


class LiveSet:
    """Live accounts with O(1) add, remove and random pick (swap-remove keeps a dense list).

    Order is a deterministic function of the add/remove history, which is all determinism needs.
    """

    __slots__ = ("_index", "items")

    def __init__(self) -> None:
        self.items: list[Acct] = []
        self._index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def add(self, acct: Acct) -> None:
        self._index[acct.account_id] = len(self.items)
        self.items.append(acct)

    def remove(self, acct: Acct) -> None:
        i = self._index.pop(acct.account_id, None)
        if i is None:
            return
        last = self.items.pop()
        if last is not acct:
            self.items[i] = last
            self._index[last.account_id] = i

    def choice(self, rng: random.Random) -> Acct | None:
        return self.items[rng.randrange(len(self.items))] if self.items else None

    def sample(self, rng: random.Random, k: int) -> list[Acct]:
        return rng.sample(self.items, min(k, len(self.items)))
