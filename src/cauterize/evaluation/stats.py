"""Small, exact statistics with no dependencies, so their definitions are visible and tested."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def confusion(predicted: set[tuple[str, str]], positives: set[tuple[str, str]], universe: int) -> Confusion:
    tp = len(predicted & positives)
    fp = len(predicted - positives)
    fn = len(positives - predicted)
    return Confusion(tp, fp, fn, max(0, universe - tp - fp - fn))


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), ``q`` in [0, 100]."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50.0)


def roc_auc(
    positive_scores: Iterable[float],
    negative_scores: Iterable[float],
    unscored_positives: int = 0,
    unscored_negatives: int = 0,
    unscored_value: float = 0.0,
) -> float | None:
    """Probability that a random positive outscores a random negative, ties counting half.

    Accounts a detector never scored are counted at ``unscored_value`` without being listed, so
    a million quiet accounts cost nothing.
    """
    groups: dict[float, list[int]] = {}
    for s in positive_scores:
        groups.setdefault(float(s), [0, 0])[0] += 1
    for s in negative_scores:
        groups.setdefault(float(s), [0, 0])[1] += 1
    if unscored_positives or unscored_negatives:
        g = groups.setdefault(unscored_value, [0, 0])
        g[0] += unscored_positives
        g[1] += unscored_negatives
    n_pos = sum(g[0] for g in groups.values())
    n_neg = sum(g[1] for g in groups.values())
    if n_pos == 0 or n_neg == 0:
        return None
    wins = 0.0
    below = 0
    for score in sorted(groups):
        pos, neg = groups[score]
        wins += pos * (below + 0.5 * neg)
        below += neg
    return wins / (n_pos * n_neg)
