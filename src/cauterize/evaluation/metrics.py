"""Scores of a pipeline run against a simulated world's truth: a pure function of parsed inputs.

Account-level throughout: a pipeline is judged on which accounts it flagged (any decision) or
actioned (``suspend``/``escalate``), and when. Definitions (also in docs/simulation.md):

* positives are the truth's ``extremist`` accounts, every incarnation counted; the universe is
  every account that ever existed (the header's ``counts.accounts``);
* an account's flag time is the earliest ``event_time`` among its decisions;
* a detector "flagged" an account when one of that account's decisions cites its signal; its
  ROC-AUC ranks every account by the detector's highest score (``--signals`` when given, else
  the scores cited in decisions), accounts it never scored counting as 0;
* evasion figures are over replacement accounts (generation >= 1); "before 10 followers"
  compares the follower count at flag time with 10; a parent is "correct" when an
  ``evasion.*`` signal's ``parent_account_id`` is the truth's parent, "ranked first" when that
  signal has the best (lowest) rank among the account's links.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from cauterize.evaluation.decisions import ENFORCING_ACTIONS, FLAG_ACTIONS, DecisionRecord, SignalRecord
from cauterize.evaluation.stats import Confusion, confusion, median, percentile, roc_auc
from cauterize.evaluation.truth import LABEL_CONFOUNDER, LABEL_EXTREMIST, AccountTruth, Truth

Key = tuple[str, str]
FOLLOWER_THRESHOLD = 10


class FollowerSource(Protocol):
    def at(self, when: datetime) -> int: ...


def _share(n: int, d: int) -> float | None:
    return n / d if d else None


@dataclass
class DetectorMetrics:
    detector: str
    accounts: int
    confusion: dict[str, Any]
    roc_auc: float | None
    #: Where the scores for ROC-AUC came from: ``signals`` (the --signals file) or ``decisions``.
    auc_source: str
    scored_accounts: int


@dataclass
class EvasionMetrics:
    replacements: int
    flagged: int
    flagged_share: float | None
    before_first_post: int
    before_first_post_share: float | None
    before_10_followers: int
    before_10_followers_share: float | None
    minutes_to_flag_median: float | None
    minutes_to_flag_p95: float | None
    followers_at_flag_median: float | None
    #: Replacements with at least one evasion link, and how many named the right parent.
    linked: int
    correct_parent: int
    correct_parent_share: float | None
    correct_parent_first: int
    correct_parent_first_share: float | None
    #: Linked to any earlier incarnation of the same persona (a grandparent is still useful).
    correct_lineage: int
    correct_lineage_share: float | None
    #: Accounts that are not replacements but were linked to a parent (e.g. lookalikes).
    false_links: int
    #: Of the accounts linked to a parent (what a reviewer receives), the share whose named
    #: parent is one of their earlier incarnations.
    link_precision: float | None = None
    #: Calibration of the links' probabilities (every ``evasion.link`` signal reported, one per
    #: account and parent, at its highest score): per probability band, links, mean probability
    #: and the share that named an earlier incarnation; and the Brier score over all of them.
    calibration: list[dict[str, Any]] = field(default_factory=list)
    brier: float | None = None
    by_technique: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Beside ``before_first_post`` (never instead of it): flagged before the first post, or, for
    #: a replacement that posted before its parent's takedown was reported, no later than that
    #: report. Where a platform reports takedowns late, nothing can name a parent that is not yet
    #: known to be gone; this counts what was possible. ``posted_before_report``: how many
    #: replacements posted before their parent's takedown was reported.
    before_first_post_or_report: int = 0
    before_first_post_or_report_share: float | None = None
    posted_before_report: int = 0
    #: Also beside it: flagged before the first post by a decision that names one of the
    #: account's earlier incarnations as its parent. A name rule flags a fresh name that
    #: happens to resemble another persona's handle "in time" but points the reviewer at the
    #: wrong account; this counts only the flags that name the right actor.
    before_first_post_right_parent: int = 0
    before_first_post_right_parent_share: float | None = None


@dataclass
class HarmRow:
    total: int
    flagged: int
    flagged_share: float | None
    actioned: int
    actioned_share: float | None


@dataclass
class NaiveReport:
    evasion: EvasionMetrics
    harm_total: HarmRow


@dataclass
class EvalReport:
    scenario: str
    accounts: int
    extremist: int
    confounders: int
    decisions: int
    flagged: dict[str, Any]
    actioned: dict[str, Any]
    detectors: list[DetectorMetrics]
    evasion: EvasionMetrics
    harm: dict[str, HarmRow]
    harm_total: HarmRow
    benign_flagged: int
    benign_actioned: int
    #: The naive edit-distance rule (``naive.py``) on the same events: its ban-evasion figures
    #: and its harm to confounders, when the events were given.
    naive: NaiveReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _first_times(decisions: Iterable[DecisionRecord], actions: frozenset[str]) -> dict[Key, datetime]:
    out: dict[Key, datetime] = {}
    for d in decisions:
        if d.action in actions:
            prev = out.get(d.key)
            if prev is None or d.event_time < prev:
                out[d.key] = d.event_time
    return out


def _harm_row(accts: list[AccountTruth], flagged: Mapping[Key, datetime], actioned: Mapping[Key, datetime]) -> HarmRow:
    f = sum(1 for a in accts if a.key in flagged)
    x = sum(1 for a in accts if a.key in actioned)
    return HarmRow(len(accts), f, _share(f, len(accts)), x, _share(x, len(accts)))


def _detector_metrics(
    decisions: list[DecisionRecord],
    signals: list[SignalRecord] | None,
    positives: set[Key],
    universe: int,
) -> list[DetectorMetrics]:
    cited: dict[str, set[Key]] = defaultdict(set)
    cited_scores: dict[str, dict[Key, float]] = defaultdict(dict)
    for d in decisions:
        if d.action not in FLAG_ACTIONS:
            continue
        for s in d.signals:
            cited[s.detector].add(d.key)
            best = cited_scores[s.detector].get(d.key)
            cited_scores[s.detector][d.key] = s.score if best is None else max(best, s.score)
    file_scores: dict[str, dict[Key, float]] = defaultdict(dict)
    for s in signals or ():
        best = file_scores[s.detector].get(s.key)
        file_scores[s.detector][s.key] = s.score if best is None else max(best, s.score)
    out = []
    n_neg = universe - len(positives)
    for det in sorted(set(cited) | set(file_scores)):
        source = "signals" if signals is not None else "decisions"
        scores = file_scores[det] if signals is not None else cited_scores[det]
        pos = [v for k, v in scores.items() if k in positives]
        neg = [v for k, v in scores.items() if k not in positives]
        auc = roc_auc(pos, neg, len(positives) - len(pos), max(0, n_neg - len(neg)))
        out.append(
            DetectorMetrics(
                detector=det,
                accounts=len(cited[det]),
                confusion=confusion(cited[det], positives, universe).as_dict(),
                roc_auc=auc,
                auc_source=source,
                scored_accounts=len(scores),
            )
        )
    return out


def _evasion(
    truth: Truth,
    decisions: list[DecisionRecord],
    signals: list[SignalRecord] | None,
    flagged: Mapping[Key, datetime],
    followers: Mapping[Key, FollowerSource] | None,
) -> EvasionMetrics:
    links: dict[Key, list[tuple[int, str]]] = defaultdict(list)
    cited = [s for d in decisions if d.action in FLAG_ACTIONS for s in d.signals]
    #: The earliest flag time at which each account's decision named each parent.
    named_at: dict[Key, dict[str, datetime]] = defaultdict(dict)
    for d in decisions:
        if d.action not in FLAG_ACTIONS:
            continue
        for s in d.signals:
            if s.is_evasion and "parent_account_id" in s.evidence:
                seen = named_at[d.key]
                parent_id = str(s.evidence["parent_account_id"])
                if parent_id not in seen or d.event_time < seen[parent_id]:
                    seen[parent_id] = d.event_time
    for s in [*cited, *(signals or ())]:
        if s.is_evasion and "parent_account_id" in s.evidence:
            rank = s.evidence.get("rank")
            links[s.key].append((int(rank) if rank is not None else 1_000_000, str(s.evidence["parent_account_id"])))
    replacements = [a for a in truth.accounts.values() if a.is_replacement]
    n = len(replacements)
    minutes: list[float] = []
    reach: list[float] = []
    before_post = before_10 = correct = first = lineage = linked = 0
    before_possible = posted_early = before_right = 0
    by_tech: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in replacements:
        tech = by_tech[a.technique or "unknown"]
        tech[0] += 1
        when = flagged.get(a.key)
        parent = truth.accounts.get((a.platform, a.parent_account_id)) if a.parent_account_id else None
        reported = parent.suspended_at if parent is not None else None
        early = a.first_post_at is not None and reported is not None and a.first_post_at <= reported
        posted_early += early
        if when is not None:
            tech[1] += 1
            minutes.append((when - a.created_at).total_seconds() / 60.0)
            if a.first_post_at is None or when < a.first_post_at:
                before_post += 1
                before_possible += 1
            elif early and reported is not None and when <= reported:
                before_possible += 1
            count = a.followers_at(when)
            if count is None and followers is not None and a.key in followers:
                count = followers[a.key].at(when)
            if count is not None:
                reach.append(count)
                if count < FOLLOWER_THRESHOLD:
                    before_10 += 1
        right_at = [t for p, t in named_at.get(a.key, {}).items() if p in _ancestors(truth, a)]
        if right_at and (a.first_post_at is None or min(right_at) < a.first_post_at):
            before_right += 1
        found = links.get(a.key)
        if not found:
            continue
        linked += 1
        parents = {p for _, p in found}
        if a.parent_account_id in parents:
            correct += 1
            tech[2] += 1
            best = min(r for r, _ in found)
            if any(p == a.parent_account_id and r == best for r, p in found):
                first += 1
        ancestors = _ancestors(truth, a)
        if parents & ancestors:
            lineage += 1
    false_links = sum(1 for k in links if not (truth.accounts.get(k) and truth.accounts[k].is_replacement))
    flagged_n = sum(1 for a in replacements if a.key in flagged)
    return EvasionMetrics(
        replacements=n,
        flagged=flagged_n,
        flagged_share=_share(flagged_n, n),
        before_first_post=before_post,
        before_first_post_share=_share(before_post, n),
        before_first_post_or_report=before_possible,
        before_first_post_or_report_share=_share(before_possible, n),
        posted_before_report=posted_early,
        before_first_post_right_parent=before_right,
        before_first_post_right_parent_share=_share(before_right, n),
        before_10_followers=before_10,
        before_10_followers_share=_share(before_10, n) if reach or not flagged_n else None,
        minutes_to_flag_median=median(minutes),
        minutes_to_flag_p95=percentile(minutes, 95.0),
        followers_at_flag_median=median(reach),
        linked=linked,
        correct_parent=correct,
        correct_parent_share=_share(correct, n),
        correct_parent_first=first,
        correct_parent_first_share=_share(first, n),
        correct_lineage=lineage,
        correct_lineage_share=_share(lineage, n),
        false_links=false_links,
        link_precision=_share(lineage, linked + false_links),
        **_calibration(truth, [*cited, *(signals or ())]),
        by_technique={
            t: {"replacements": v[0], "flagged": v[1], "flagged_share": _share(v[1], v[0]), "correct_parent": v[2]}
            for t, v in sorted(by_tech.items())
        },
    )


CALIBRATION_BANDS = (0.0, 0.3, 0.5, 0.7, 0.9, 1.0001)


def _calibration(truth: Truth, signals: list[SignalRecord]) -> dict[str, Any]:
    best: dict[tuple[Key, str], float] = {}
    for s in signals:
        parent = s.evidence.get("parent_account_id")
        if s.label == "evasion.link" and parent:
            k = (s.key, str(parent))
            best[k] = max(best.get(k, 0.0), s.score)
    rows: list[tuple[float, int]] = []
    for (key, parent), p in best.items():
        acct = truth.accounts.get(key)
        rows.append((p, int(acct is not None and parent in _ancestors(truth, acct))))
    bands = []
    for lo, hi in itertools.pairwise(CALIBRATION_BANDS):
        inside = [(p, y) for p, y in rows if lo <= p < hi]
        if inside:
            bands.append(
                {
                    "band": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                    "links": len(inside),
                    "mean_probability": round(sum(p for p, _ in inside) / len(inside), 4),
                    "correct_share": round(sum(y for _, y in inside) / len(inside), 4),
                }
            )
    brier = round(sum((p - y) ** 2 for p, y in rows) / len(rows), 4) if rows else None
    return {"calibration": bands, "brier": brier}


def _ancestors(truth: Truth, acct: AccountTruth) -> set[str]:
    out: set[str] = set()
    parent = acct.parent_account_id
    while parent is not None and parent not in out:
        out.add(parent)
        p = truth.accounts.get((acct.platform, parent))
        parent = p.parent_account_id if p else None
    return out


def evaluate(
    truth: Truth,
    decisions: Iterable[DecisionRecord],
    signals: Iterable[SignalRecord] | None = None,
    followers: Mapping[Key, FollowerSource] | None = None,
    naive: Iterable[DecisionRecord] | None = None,
) -> EvalReport:
    """Score ``decisions`` (and optional raw ``signals``) against ``truth``.

    ``followers`` supplies follower counts for accounts whose truth record has none (see
    :func:`cauterize.evaluation.followers.follower_timelines`).
    """
    decisions = list(decisions)
    signal_list = list(signals) if signals is not None else None
    universe = truth.total_accounts
    positives = {k for k, a in truth.accounts.items() if a.label == LABEL_EXTREMIST}
    flagged = _first_times(decisions, FLAG_ACTIONS)
    actioned = _first_times(decisions, ENFORCING_ACTIONS)
    by_type: dict[str, list[AccountTruth]] = defaultdict(list)
    for a in truth.accounts.values():
        if a.label == LABEL_CONFOUNDER:
            by_type[a.role].append(a)
    listed = set(truth.accounts)
    return EvalReport(
        scenario=truth.header.scenario,
        accounts=universe,
        extremist=len(positives),
        confounders=sum(len(v) for v in by_type.values()),
        decisions=len(decisions),
        flagged=confusion(set(flagged), positives, universe).as_dict(),
        actioned=confusion(set(actioned), positives, universe).as_dict(),
        detectors=_detector_metrics(decisions, signal_list, positives, universe),
        evasion=_evasion(truth, decisions, signal_list, flagged, followers),
        harm={t: _harm_row(v, flagged, actioned) for t, v in sorted(by_type.items())},
        harm_total=_harm_row([a for v in by_type.values() for a in v], flagged, actioned),
        benign_flagged=sum(1 for k in flagged if k not in listed),
        benign_actioned=sum(1 for k in actioned if k not in listed),
        naive=_naive(truth, list(naive), followers, by_type) if naive is not None else None,
    )


def _naive(
    truth: Truth,
    decisions: list[DecisionRecord],
    followers: Mapping[Key, FollowerSource] | None,
    by_type: Mapping[str, list[AccountTruth]],
) -> NaiveReport:
    flagged = _first_times(decisions, FLAG_ACTIONS)
    actioned = _first_times(decisions, ENFORCING_ACTIONS)
    return NaiveReport(
        evasion=_evasion(truth, decisions, None, flagged, followers),
        harm_total=_harm_row([a for v in by_type.values() for a in v], flagged, actioned),
    )


__all__ = ["Confusion", "DetectorMetrics", "EvalReport", "EvasionMetrics", "HarmRow", "NaiveReport", "evaluate"]
