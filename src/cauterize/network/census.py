"""Census: the estimated number of active network accounts per day, with its uncertainty.

Method (printed with every census):

1. *Members* are the accounts whose protected-adjusted closeness to the confirmed accounts
   (personalised PageRank from the seeds, over the median seed's score) is at least
   ``member_closeness``, plus the seeds themselves. The estimate is their count.
2. A member is *active* on a day when it existed during that day: created (or first seen)
   before the day ends and not suspended before it starts.
3. The 90% interval carries two errors, both measured without the truth:

   * *which accounts happen to be confirmed*: the expansion is rerun ``B`` times from seeds
     drawn with replacement;
   * *the membership threshold's*: each rerun checks how many of the seeds it left out (out of
     bag) its threshold finds again. Pooled over the reruns that is the threshold's recall on
     network accounts it was not told about; each rerun draws its own recall from those pooled
     outcomes (as many as there are seeds, so the spread shrinks with more seeds), and divides
     the non-seed members it found by it: the count if the threshold misses others as often as
     it missed held-out seeds.

   The interval runs from the lower of the 5th percentile of the reruns' plain counts and the
   *stable core* (members in at least 95% of the reruns, seeds always: an account whose
   membership rests on one or two interactions is not in it) to the 95th percentile of their
   recall-corrected counts, and always contains the estimate. The held-out seeds are confirmed
   accounts; where the confirmed accounts are easier to find than the rest of the network (the
   platform suspended the loudest), the recall is optimistic and the interval too narrow on the
   high side. Nothing measures the accounts wrongly taken in (no labelled negatives); the
   evaluation (docs/network.md) reports how often the interval covers a simulated world's truth.

Per day the census also counts members suspended that day, members created that day, and the
followers they had (the latest profile snapshot each, summed over active members).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

METHOD = (
    "seed-expansion members (PPR closeness >= {thr}), active = existed that day; 90% interval: {b} seed"
    " bootstraps with the threshold's held-out recall ({recall})"
)
#: A rerun's recall is never taken below this: with a handful of seeds, one unlucky draw would
#: otherwise multiply the count without bound.
MIN_RECALL = 0.2
#: Members in at least this share of the reruns form the stable core, the interval's floor.
STABLE_SHARE = 0.95


@dataclass(slots=True)
class CensusDay:
    day: str
    active: float
    low: float
    high: float
    suspended: int
    created: int
    followers: int
    #: The estimate divided by the threshold's held-out recall (non-seed members only).
    corrected: float | None = None
    #: The data ends during this day: its created/suspended counts cover part of it only.
    partial: bool = False


def days_between(start: float, end: float) -> list[datetime]:
    d = datetime.fromtimestamp(start, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    while d.timestamp() <= end:
        out.append(d)
        d += timedelta(days=1)
    return out


def active_on(member: np.ndarray, created: np.ndarray, suspended: np.ndarray, day: datetime) -> np.ndarray:
    start, end = day.timestamp(), (day + timedelta(days=1)).timestamp()
    alive = created < end
    not_gone = np.isnan(suspended) | (suspended >= start)
    return member & alive & not_gone


@dataclass(slots=True)
class Rerun:
    """A bootstrap rerun's members (seeds included) and the recall it is corrected by."""

    member: np.ndarray
    recall: float = 1.0


def pooled_recall(held_out: list[int], found: list[int]) -> float | None:
    n = sum(held_out)
    return sum(found) / n if n else None


def rerun_recalls(
    held_out: list[int], found: list[int], n_seeds: int, rng: np.random.Generator
) -> tuple[list[float], float | None]:
    """Per rerun, a recall drawn from the pooled held-out outcomes (``n_seeds`` of them)."""
    outcomes = np.concatenate(
        [np.r_[np.ones(f, bool), np.zeros(h - f, bool)] for h, f in zip(held_out, found, strict=True)] or [[]]
    ).astype(bool)
    pooled = pooled_recall(held_out, found)
    if pooled is None or n_seeds == 0:
        return [1.0] * len(held_out), pooled
    draws = [max(MIN_RECALL, float(rng.choice(outcomes, size=n_seeds, replace=True).mean())) for _ in held_out]
    return draws, pooled


def census(
    member: np.ndarray,
    created: np.ndarray,
    suspended: np.ndarray,
    followers: np.ndarray,
    days: list[datetime],
    bootstrap: list[np.ndarray] | list[Rerun] | None = None,
    is_seed: np.ndarray | None = None,
    recall: float | None = None,
    now: float | None = None,
) -> list[CensusDay]:
    """Per day: the members' count and its interval (see the module docstring). ``bootstrap``
    holds reruns (plain masks count with recall 1); ``is_seed`` marks the confirmed accounts,
    which no recall correction touches."""
    reruns = [b if isinstance(b, Rerun) else Rerun(b) for b in bootstrap or []]
    seed = np.zeros(len(member), bool) if is_seed is None else is_seed
    # The stable core: accounts that are members in at least 95% of the reruns (seeds always).
    core = seed.copy()
    if reruns:
        times = np.zeros(len(member), np.int32)
        for b in reruns:
            times += b.member
        core |= member & (times >= STABLE_SHARE * len(reruns))
    out = []
    for day in days:
        act = active_on(member, created, suspended, day)
        est = float(act.sum())
        n_seed = float(active_on(seed, created, suspended, day).sum())
        lo = hi = est
        if reruns:
            plain = np.array([active_on(b.member, created, suspended, day).sum() for b in reruns], float)
            fixed = np.array([n_seed + (c - n_seed) / b.recall for c, b in zip(plain, reruns, strict=True)])
            stable = float(active_on(core, created, suspended, day).sum())
            lo = min(est, float(np.percentile(plain, 5)), stable)
            hi = max(est, float(np.percentile(fixed, 95)))
        start, end = day.timestamp(), (day + timedelta(days=1)).timestamp()
        out.append(
            CensusDay(
                day=day.strftime("%Y-%m-%d"),
                active=est,
                low=lo,
                high=hi,
                suspended=int((member & (suspended >= start) & (suspended < end)).sum()),
                created=int((member & (created >= start) & (created < end)).sum()),
                followers=int(followers[act].sum()),
                corrected=None if not recall else n_seed + (est - n_seed) / max(MIN_RECALL, recall),
                partial=now is not None and now < end,
            )
        )
    return out
