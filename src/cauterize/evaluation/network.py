"""Network mapping against a simulated world's truth: membership, protection, roles, census.

Pure functions over plain mappings keyed by ``(platform, account_id)``; the caller (the bench
script, the tests) runs the analysis and hands the results in.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cauterize.evaluation.stats import roc_auc
from cauterize.evaluation.truth import LABEL_EXTREMIST, Truth

Key = tuple[str, str]
WATCHERS = ("journalist", "researcher", "monitor", "counter_messaging", "police", "government", "news")
#: Truth roles folded into the roles the network analysis reports.
ROLE_OF = {
    "official": "official/media",
    "media": "official/media",
    "affiliate": "official/media",
    "amplifier": "amplifier",
    "recruiter": "recruiter",
    "sympathiser": "sympathiser",
}


def pick_seeds(truth: Truth, share: float = 0.05, rng_seed: int = 0) -> list[Key]:
    """A random ``share`` of the network's accounts (at least one), as known confirmed accounts."""
    ext = sorted(k for k, a in truth.accounts.items() if a.label == LABEL_EXTREMIST)
    k = max(1, round(share * len(ext)))
    return sorted(random.Random(rng_seed).sample(ext, k))


def membership(truth: Truth, scores: Mapping[Key, float], seeds: set[Key], all_keys: list[Key]) -> dict[str, Any]:
    """ROC-AUC of ``scores`` for "is a network account", over every account but the seeds.

    ``all_keys`` is the universe (accounts the graph knows); accounts without a score count 0.
    """
    pos, neg = [], []
    for k in all_keys:
        if k in seeds:
            continue
        (pos if truth.label_of(k) == LABEL_EXTREMIST else neg).append(scores.get(k, 0.0))
    return {"auc": roc_auc(pos, neg), "positives": len(pos), "negatives": len(neg), "seeds": len(seeds)}


def watchers_in_top(
    truth: Truth, scores: Mapping[Key, float], all_keys: list[Key], share: float = 0.10
) -> dict[str, Any]:
    """How many watcher accounts (journalist, researcher, monitor, counter-messaging, police,
    government, news) rank in the top ``share`` of all accounts by score (zero never counts)."""
    ranked = sorted(all_keys, key=lambda k: -scores.get(k, 0.0))
    cut = max(1, int(len(ranked) * share))
    threshold = scores.get(ranked[cut - 1], 0.0)
    by_type: dict[str, dict[str, int]] = {}
    total = top = 0
    universe = set(all_keys)
    for k, a in truth.accounts.items():
        if a.role not in WATCHERS or k not in universe:
            continue
        s = scores.get(k, 0.0)
        hit = s > threshold or (s == threshold and s > 0)
        row = by_type.setdefault(a.role, {"accounts": 0, "top_decile": 0})
        row["accounts"] += 1
        row["top_decile"] += int(hit)
        total += 1
        top += int(hit)
    return {
        "watchers": total,
        "in_top": top,
        "share_of_watchers": top / total if total else 0.0,
        "share_of_top": top / cut,
        "top_size": cut,
        "by_type": by_type,
    }


def role_accuracy(truth: Truth, predicted: Mapping[Key, str]) -> dict[str, Any]:
    """Accuracy over network accounts that were given a role, and the confusion counts."""
    confusion: dict[str, dict[str, int]] = {}
    right = total = 0
    for k, role in predicted.items():
        a = truth.accounts.get(k)
        if a is None or a.label != LABEL_EXTREMIST:
            continue
        want = ROLE_OF.get(a.role, a.role)
        confusion.setdefault(want, {}).setdefault(role, 0)
        confusion[want][role] += 1
        total += 1
        right += int(want == role)
    return {"accuracy": right / total if total else 0.0, "accounts": total, "confusion": confusion}


def true_active(truth: Truth, day_start: datetime, day_end: datetime) -> int:
    """Network accounts that existed during the day: created before its end, not suspended before its start."""
    n = 0
    for a in truth.accounts.values():
        if a.label != LABEL_EXTREMIST:
            continue
        if a.created_at < day_end and (a.suspended_at is None or a.suspended_at >= day_start):
            n += 1
    return n


def census_error(truth: Truth, estimates: Mapping[str, tuple[float, float, float]]) -> dict[str, Any]:
    """Per day (``YYYY-MM-DD`` -> (estimate, low, high)): the true count, relative error, covered."""
    from datetime import UTC, timedelta

    days = {}
    worst = 0.0
    for day, (est, lo, hi) in sorted(estimates.items()):
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
        true = true_active(truth, start, start + timedelta(days=1))
        err = (est - true) / true if true else 0.0
        worst = max(worst, abs(err))
        days[day] = {"estimate": est, "low": lo, "high": hi, "true": true, "error": err, "covered": lo <= true <= hi}
    covered = sum(1 for v in days.values() if v["covered"])
    widths = sorted((v["high"] - v["low"]) / v["true"] for v in days.values() if v["true"])
    return {
        "days": days,
        "max_abs_error": worst,
        "covered": covered,
        "coverage": covered / len(days) if days else 0.0,
        "median_relative_width": widths[len(widths) // 2] if widths else 0.0,
    }
