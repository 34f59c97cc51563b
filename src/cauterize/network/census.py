"""Census: the estimated number of active network accounts per day, with its uncertainty.

Method (printed with every census):

1. *Members* are the accounts whose protected-adjusted closeness to the confirmed accounts
   (personalised PageRank from the seeds, over the median seed's score) is at least
   ``member_closeness``, plus the seeds themselves.
2. A member is *active* on a day when it existed during that day: created (or first seen)
   before the day ends and not suspended before it starts.
3. *Uncertainty* comes from the seeds: the expansion is rerun ``B`` times from seeds drawn with
   replacement, and the 5th and 95th percentiles of each day's count bound the estimate. This
   covers which confirmed accounts happen to be known; it does not cover the threshold itself,
   whose effect is reported separately by the evaluation (docs/network.md).

Per day the census also counts members suspended that day, members created that day, and the
followers they had (the latest profile snapshot each, summed over active members).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

METHOD = "seed-expansion members (PPR closeness >= {thr}), active = existed that day; 90% interval: {b} seed bootstraps"


@dataclass(slots=True)
class CensusDay:
    day: str
    active: float
    low: float
    high: float
    suspended: int
    created: int
    followers: int


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


def census(
    member: np.ndarray,
    created: np.ndarray,
    suspended: np.ndarray,
    followers: np.ndarray,
    days: list[datetime],
    bootstrap: list[np.ndarray] | None = None,
) -> list[CensusDay]:
    out = []
    for day in days:
        act = active_on(member, created, suspended, day)
        est = float(act.sum())
        lo = hi = est
        if bootstrap:
            counts = np.array([active_on(m, created, suspended, day).sum() for m in bootstrap], float)
            lo = min(est, float(np.percentile(counts, 5)))
            hi = max(est, float(np.percentile(counts, 95)))
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
            )
        )
    return out
