"""Rebuild the shipped text models from shared/data, and measure them on held-out data.

``cauterize models train`` runs :func:`train_all`. Three tasks, each a two-tier cascade:

- propaganda: pro-IS account tweets and the propaganda functions of the functional suite
  (positive) against real general tweets (Davidson, CrisisLex T6/T26, ArSarcasm, twarc payloads),
  reporting (FA-KES articles, CrisisLex media tweets, ArSarcasm tweets about Daesh), HateCheck and
  the suite's must-not-flag functions (negative); split by account / row / event / tweet text /
  article / template;
- recruitment: synthetic templates only (no public labelled set exists), against the same real
  negatives; split by template;
- threat: HateCheck/MHC threat functionalities, synthetic threats and the suite's threat functions
  (positive) against counter-speech, violent-word non-threats and the real negatives; split by
  template.

Every split is a seeded hash of the unit id (:func:`data.split_of`) or a fixed rotation of
templates, so the same seed always puts the same account, event, article or template on the same
side. Thresholds are chosen per language on the calibration part only; the test part is used for
nothing but the figures. A TF-IDF + logistic regression baseline (``content/baseline.py``) is
trained on the same rows, its thresholds chosen the same way, and measured on the same test rows.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cauterize.content import data
from cauterize.content.cascade import Cascade
from cauterize.content.data import Example
from cauterize.content.features import FeatureSpec
from cauterize.content.fit import fit_linear
from cauterize.content.functional import FunctionalCase, template_split
from cauterize.content.functional import propaganda_cases as functional_propaganda
from cauterize.content.functional import threat_cases as functional_threats
from cauterize.content.functionless import functionless_reason
from cauterize.content.langid import script_of
from cauterize.content.linear import file_name
from cauterize.content.normalize import normalize
from cauterize.content.perturb import perturb
from cauterize.content.synthetic import recruitment_cases, threat_cases
from cauterize.content.targets import threat_target

#: 2.2.0: every task reads past the words of everyday faith (``content/muted.py``); one list for
#: all tasks keeps one feature spec, so the detector's merged fast pass (``FastBank``) still works.
FAST_SPEC = FeatureSpec(word_max=2, lexicon=True, mute="faith")
STRONG_SPEC = FeatureSpec(word_max=3, char_min=3, char_max=5, lexicon=True, mute="faith")

TASKS: dict[str, str] = {
    "propaganda": "propaganda.terrorist",
    "recruitment": "recruitment.solicitation",
    "threat": "threat",
}
LANGS = ("en", "ar", "fr")
#: The policy's levels (policy/threshold.py): review from the detector's threshold, suspension
#: proposed at 0.95, a threat escalated at 0.8.
SUSPEND_LEVEL = 0.95
ESCALATE_LEVEL = 0.8


@dataclass(frozen=True, slots=True)
class TrainConfig:
    seed: int = 13
    version: str = "2.2.0"
    #: The share of pro-IS tweets one account may contribute to training: without a cap the five
    #: busiest accounts would be most of the positives and the model would learn their habits.
    max_per_account: int = 300
    #: Inverse regularisation per task: propaganda has thousands of varied positives, threat and
    #: recruitment a few hundred from templates, which stronger regularisation keeps from memorising.
    c: tuple[tuple[str, float], ...] = (("propaganda", 32.0), ("recruitment", 1.0), ("threat", 4.0))
    #: How much one training row of the task's confounders (``is_confounder``: counter-speech,
    #: violent-word non-threats, ...) weighs, as a share of one positive row. With balanced
    #: classes alone a positive row weighs n_neg / n_pos times a negative one, so the hard
    #: negatives that share a threat's words ("saying X should be shot is vile") were outweighed
    #: by the threats they resemble and words common to both ("will", "should") learnt as threat.
    confounder_weight: tuple[tuple[str, float], ...] = (("propaganda", 1.0), ("threat", 2.0))
    #: Confounder functions of the suite that weigh this share of a positive row instead of
    #: ``confounder_weight`` (2.2.0): the greetings and news headlines 2.1.0 flagged. Set a
    #: priori (not compared on any split): the failure is the known one, and 36 training
    #: sentences at 1x did not outweigh the account labels.
    suite_weight: tuple[tuple[str, str, float], ...] = (
        ("propaganda", "everyday_faith", 3.0),
        ("propaganda", "report_attack", 3.0),
    )
    #: Pro-IS account tweets that the fixed rule of ``content/functionless.py`` reads as a
    #: greeting or prayer are dropped from training (weight 0); plain news relays weigh this
    #: share of a positive row. Set a priori, see that module.
    faith_relay_weight: float = 0.0
    news_relay_weight: float = 0.2
    #: HateCheck/MHC non-hateful functionalities other than counter-speech ("I love [group]",
    #: neutral identity mentions, ...) weigh this share of a positive row, per task. Off: tried at
    #: 0.5 for threat in 2.2.0's first fit, it flagged *more* of them on the calibration split
    #: (EN 13.6 -> 15.2%, FR 16.0 -> 17.4%) and lowered Arabic threat recall (33 -> 29%).
    hatecheck_nh_weight: tuple[tuple[str, float], ...] = ()
    #: Tasks whose Platt step weighs both classes equally (see ``fit.fit_linear``).
    balanced_calibration: tuple[str, ...] = ("threat",)
    fast_keep: int = 40_000
    strong_keep: int = 120_000
    min_df: int = 2
    #: Threshold choice, per language, on the calibration split: the most a threshold may flag of
    #: real general tweets and of the texts that must not be flagged (reporting, research,
    #: counter-messaging, counter-speech, violent-word non-threats). Half the issue's targets, to
    #: leave room for what a calibration split of a few hundred rows cannot see.
    general_fpr: float = 0.005
    confounder_fpr: float = 0.025
    band: tuple[float, float] = (0.15, 0.95)
    #: Scripts scored by the strong tier whatever the fast score (see ``Cascade.strong_scripts``).
    strong_scripts: tuple[str, ...] = ("arabic",)
    window: int = 20
    #: Test rows per task checked for decisions changed by zero-width characters and confusables.
    invariance_rows: int = 4000


Labelled = list[tuple[Example, str]]


def lang_of(example: Example) -> str:
    """The language a row is measured under: given for HateCheck and the suite, else by script."""
    if example.source in ("hatecheck", "functional") and example.lang:
        return example.lang
    return "ar" if script_of(example.text) == "arabic" else "en"


def _split(examples: Iterable[Example], seed: int) -> Labelled:
    return [(e, data.split_of(e.unit, seed)) for e in examples]


def _functional(cases: Iterable[FunctionalCase]) -> Labelled:
    return [
        (Example(c.text, c.label, "functional", "templ:" + c.template, c.lang, c.function), template_split(c.template))
        for c in cases
    ]


def _cap_accounts(rows: Labelled, cap: int, seed: int) -> Labelled:
    by_unit: dict[str, list[tuple[Example, str]]] = defaultdict(list)
    for row in rows:
        by_unit[row[0].unit].append(row)
    out: Labelled = []
    for unit in sorted(by_unit):
        items = by_unit[unit]
        if len(items) > cap and items[0][0].label == 1:
            items = random.Random(f"{seed}:{unit}").sample(items, cap)
        out.extend(items)
    return out


def real_negatives(root: Path, seed: int) -> Labelled:
    """Every real negative: general tweets of several eras and languages, and reporting."""
    examples = data.davidson(root) + data.benign_tweets(root)
    examples += data.crisislex_t26(root) + data.crisislex_t6(root) + data.arsarcasm(root) + data.fakes(root)
    return _split(examples, seed)


def propaganda_rows(root: Path, seed: int) -> Labelled:
    rows = _split(data.extremist(root), seed) + real_negatives(root, seed)
    rows += _split((replace(e, label=0) for e in data.hatecheck(root)), seed)
    return rows + _functional(functional_propaganda())


def _template_split(template: str) -> str:
    """Synthetic templates are few: a fixed rotation guarantees each split gets some of each kind."""
    n = int(template[1:])
    return {0: "test", 1: "calib"}.get(n % 4, "train")


def recruitment_rows(root: Path, seed: int) -> Labelled:
    rows: Labelled = [
        (Example(c.text, c.label, "synthetic", "syn:" + c.template, tag=c.template), _template_split(c.template))
        for c in recruitment_cases()
    ]
    rows += real_negatives(root, seed)
    rows += _split((replace(e, label=0) for e in data.hatecheck(root)), seed)
    return rows + [(replace(e, label=0), s) for e, s in _functional(functional_propaganda())]


def threat_rows(root: Path, seed: int) -> Labelled:
    rows: Labelled = [
        (
            Example(c.text, c.label, "synthetic", "syn:" + c.template, tag=f"{c.template}:{c.target}"),
            _template_split(c.template),
        )
        for c in threat_cases()
    ]
    rows += _split(data.hatecheck(root), seed)
    rows += real_negatives(root, seed)
    rows += _functional(functional_threats())
    # Propaganda's must-not-flag functions (news of attacks, remembrance) are violent-word texts too.
    rows += [(e, s) for e, s in _functional(functional_propaganda()) if e.label == 0]
    return rows


# -- groups of rows each task is measured and calibrated on ----------------------------------------

GENERAL_SOURCES = frozenset({"davidson", "benign", "crisislex_t6"})


def is_general(e: Example) -> bool:
    """Real tweets about anything (including disasters), not about armed groups."""
    return (
        e.source in GENERAL_SOURCES
        or (e.source == "crisislex_t26" and e.tag == "general")
        or (e.source == "arsarcasm" and e.tag == "general")
    )


def is_reporting(e: Example) -> bool:
    """Real reporting about violence and armed groups: news articles, media tweets, Arabic tweets about Daesh."""
    return (
        e.source == "fakes"
        or (e.source == "crisislex_t26" and e.tag == "media")
        or (e.source == "arsarcasm" and e.tag == "daesh")
    )


def is_confounder(task: str, e: Example) -> bool:
    """What the task must not flag although it shares the topic or the words."""
    if e.label == 1:
        return False
    if task == "propaganda":
        return is_reporting(e) or e.source == "functional"
    if task == "threat":
        return (e.source == "hatecheck" and e.tag in data.COUNTER_FUNCTIONALITIES) or e.source in (
            "functional",
            "synthetic",
        )
    return e.source == "synthetic"


# -- fitting ----------------------------------------------------------------------------------------


def fit_cascade(task: str, rows: Labelled, cfg: TrainConfig, norm: Callable[[str], str]) -> Cascade:
    train_rows = [e for e, s in rows if s == "train"]
    weights = confounder_weights(task, train_rows, cfg, norm)
    if weights is not None:
        # A weight of 0 is a row dropped (functionless pro-IS greetings): keep liblinear's input clean.
        kept = [(e, w) for e, w in zip(train_rows, weights, strict=True) if w > 0]
        train_rows, weights = [e for e, _ in kept], [w for _, w in kept]
    train = [(norm(e.text), e.label) for e in train_rows]
    calib = [(norm(e.text), e.label) for e, s in rows if s == "calib"]
    common = {
        "seed": cfg.seed,
        "min_df": cfg.min_df,
        "train_size": len(train),
        "train_positives": sum(y for _, y in train),
        "calib_size": len(calib),
    }
    c = dict(cfg.c).get(task, 1.0)
    tx, ty = [t for t, _ in train], [y for _, y in train]
    cx, cy = [t for t, _ in calib], [y for _, y in calib]
    tiers = []
    for tier, spec, keep in (("fast", FAST_SPEC, cfg.fast_keep), ("strong", STRONG_SPEC, cfg.strong_keep)):
        tiers.append(
            fit_linear(
                f"{task}-{tier}",
                cfg.version,
                spec,
                tx,
                ty,
                cx,
                cy,
                seed=cfg.seed,
                c=c,
                keep=keep,
                min_df=cfg.min_df,
                meta=common,
                balanced_calibration=task in cfg.balanced_calibration,
                sample_weight=weights,
            )
        )
    fast, strong = tiers
    cascade = Cascade(
        TASKS[task], fast, strong, low=cfg.band[0], high=cfg.band[1], strong_scripts=frozenset(cfg.strong_scripts)
    )
    calib_rows = [e for e, s in rows if s == "calib"]
    scores = [cascade.score(norm(e.text)) for e in calib_rows]
    thresholds = choose_thresholds(task, calib_rows, scores, cfg)
    default = thresholds["en"]
    band = {
        "low": cfg.band[0],
        "high": cfg.band[1],
        "threshold": default,
        "thresholds": thresholds,
        "strong_scripts": list(cfg.strong_scripts),
    }
    fast = replace(fast, meta={**fast.meta, "cascade": band})
    return replace(cascade, fast=fast, threshold=default, thresholds=thresholds)


def confounder_weights(
    task: str, train: Sequence[Example], cfg: TrainConfig, norm: Callable[[str], str] = normalize
) -> list[float] | None:
    """Per-row multipliers of the balanced class weights: a confounder row weighs
    ``confounder_weight`` times a positive row (or its function's ``suite_weight``), a HateCheck
    non-hateful row ``hatecheck_nh_weight``; in propaganda a pro-IS tweet that the fixed rule of
    ``content/functionless.py`` reads as a greeting/prayer or a plain news relay weighs
    ``faith_relay_weight`` / ``news_relay_weight``; every other row 1."""
    share = dict(cfg.confounder_weight).get(task)
    nh_share = dict(cfg.hatecheck_nh_weight).get(task)
    suite = {f: w for t, f, w in cfg.suite_weight if t == task}
    if not share and not nh_share and not suite and task != "propaganda":
        return None
    pos = sum(e.label for e in train)
    if not pos or pos == len(train):
        return None
    ratio = (len(train) - pos) / pos

    def weight(e: Example) -> float:
        if e.label == 1:
            if task == "propaganda" and e.source == "extremist":
                reason = functionless_reason(norm(e.text))
                if reason == "everyday_faith":
                    return cfg.faith_relay_weight
                if reason == "news_relay":
                    return cfg.news_relay_weight
            return 1.0
        if e.source == "functional" and e.tag in suite:
            return suite[e.tag] * ratio
        if share and is_confounder(task, e):
            return share * ratio
        if nh_share and e.source == "hatecheck" and e.tag.endswith("_nh"):
            return nh_share * ratio
        return 1.0

    return [weight(e) for e in train]


#: Candidate thresholds: never below the policy's review level (0.5), finer near 1 where a
#: confident model's scores crowd.
CANDIDATES = (
    [round(i / 100, 2) for i in range(50, 90)]
    + [round(i / 1000, 3) for i in range(900, 1000)]
    + [round(i / 10000, 4) for i in range(9991, 10000)]
)


def _lowest_passing(pairs: Sequence[tuple[Sequence[float], float]]) -> float:
    """The lowest candidate threshold at which each score list flags at most its share."""
    for t in CANDIDATES:
        if all(sum(s >= t for s in scores) <= share * len(scores) for scores, share in pairs if scores):
            return t
    return CANDIDATES[-1]


def choose_thresholds(
    task: str, rows: Sequence[Example], scores: Sequence[float], cfg: TrainConfig
) -> dict[str, float]:
    """Per language, on calibration rows only: the lowest threshold flagging at most
    ``general_fpr`` of real general tweets and ``confounder_fpr`` of the task's confounders.
    A language without calibration negatives of its own takes English's."""
    out: dict[str, float] = {}
    for lang in LANGS:
        general = [s for e, s in zip(rows, scores, strict=True) if lang_of(e) == lang and is_general(e)]
        confounders = [s for e, s in zip(rows, scores, strict=True) if lang_of(e) == lang and is_confounder(task, e)]
        if general or confounders:
            out[lang] = _lowest_passing([(general, cfg.general_fpr), (confounders, cfg.confounder_fpr)])
    out.setdefault("en", 0.5)
    for lang in LANGS:
        out.setdefault(lang, out["en"])
    return out


# -- evaluation -----------------------------------------------------------------------------------


def _auc(y: Sequence[int], s: Sequence[float]) -> float | None:
    if len(set(y)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(y, s)), 4)


def _rate(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


@dataclass
class Scored:
    """The test rows of one task with each model's scores and per-row thresholds."""

    rows: list[Example]
    scores: dict[str, list[float]]
    thresholds: dict[str, dict[str, float]]

    def flags(self, model: str, level: float | None = None) -> list[bool]:
        th = self.thresholds[model]
        return [
            s >= (level if level is not None else th[lang_of(e)])
            for e, s in zip(self.rows, self.scores[model], strict=True)
        ]


class Report:
    """Flat metric tables, one per model, plus the count of rows behind each figure."""

    def __init__(self, scored: Scored) -> None:
        self.scored = scored
        self.values: dict[str, dict[str, float | None]] = {m: {} for m in scored.scores}
        self.counts: dict[str, int] = {}
        self._flags = {m: scored.flags(m) for m in scored.scores}

    def rate(self, name: str, pick: Callable[[Example], bool], level: float | None = None) -> None:
        idx = [i for i, e in enumerate(self.scored.rows) if pick(e)]
        self.counts[name] = len(idx)
        for m in self.values:
            flags = self._flags[m] if level is None else self.scored.flags(m, level)
            self.values[m][name] = _rate([flags[i] for i in idx])

    def auc(self, name: str, pos: Callable[[Example], bool], neg: Callable[[Example], bool]) -> None:
        idx = [i for i, e in enumerate(self.scored.rows) if pos(e) or neg(e)]
        y = [int(pos(self.scored.rows[i])) for i in idx]
        self.counts[name] = len(idx)
        for m in self.values:
            s = self.scored.scores[m]
            self.values[m][name] = _auc(y, [s[i] for i in idx])

    def to_json(self) -> dict[str, Any]:
        return {"metrics": self.values, "n": self.counts}


LINK_AND_MENTION = " https://t.co/abc123 @bob"


def _scored(
    cascade: Cascade,
    baselines: dict[str, tuple[Any, dict[str, float]]],
    rows: Labelled,
    norm: Callable[[str], str],
) -> tuple[Scored, float]:
    test = [e for e, s in rows if s == "test"]
    results = [cascade.run(norm(e.text)) for e in test]
    strong_share = sum(r.tier == "strong" for r in results) / max(len(results), 1)
    scores = {"shipped": [r.score for r in results]}
    thresholds = {"shipped": {lang: cascade.threshold_for(lang) for lang in LANGS}}
    for name, (model, th) in baselines.items():
        scores[name] = model.scores([e.text for e in test])
        thresholds[name] = th
    return Scored(test, scores, thresholds), strong_share


def link_sensitivity(
    cascade: Cascade, baselines: dict[str, tuple[Any, dict[str, float]]], scored: Scored, norm: Callable[[str], str]
) -> dict[str, Any]:
    """Share of held-out general tweets each model flags before and after a link and a mention are
    appended: issue 11's "@bob thanks!" failure, measured. The shipped normal form drops both, so
    its two figures must be equal."""
    idx = [i for i, e in enumerate(scored.rows) if is_general(e)]
    texts = [scored.rows[i].text + LINK_AND_MENTION for i in idx]
    langs = [lang_of(scored.rows[i]) for i in idx]
    after = {"shipped": [cascade.score(norm(t)) for t in texts]}
    for name, (model, _) in baselines.items():
        after[name] = model.scores(texts)
    out: dict[str, Any] = {"rows": len(idx), "appended": LINK_AND_MENTION.strip()}
    for model, scores in after.items():
        th = scored.thresholds[model]
        before = [scored.scores[model][i] >= th[lg] for i, lg in zip(idx, langs, strict=True)]
        now = [s >= th[lg] for s, lg in zip(scores, langs, strict=True)]
        out[model] = {"flagged_before": _rate(before), "flagged_after": _rate(now)}
    return out


def invariance(cascade: Cascade, scored: Scored, cfg: TrainConfig, norm: Callable[[str], str]) -> dict[str, Any]:
    """Decisions of the shipped model on test rows, before and after an evader's edits."""
    rng = random.Random(cfg.seed)
    idx = sorted(rng.sample(range(len(scored.rows)), min(cfg.invariance_rows, len(scored.rows))))
    changed = 0
    normal_form_changed = 0
    for i in idx:
        e = scored.rows[i]
        edited = perturb(e.text, rng)
        t = cascade.threshold_for(lang_of(e))
        a, b = norm(e.text), normalize(edited)
        normal_form_changed += a != b
        if a != b and (cascade.score(a) >= t) != (cascade.score(b) >= t):
            changed += 1
    return {"rows": len(idx), "decisions_changed": changed, "normal_form_changed": normal_form_changed}


def _extremist(e: Example) -> bool:
    return e.source == "extremist"


def _rule(e: Example) -> str | None:
    return functionless_reason(normalize(e.text))


def _lang_is(lang: str, pick: Callable[[Example], bool]) -> Callable[[Example], bool]:
    return lambda e: pick(e) and lang_of(e) == lang


def _functional_report(rep: Report, functions: Iterable[tuple[str, int]], level: float | None = None) -> None:
    suffix = "" if level is None else f"@{level}"
    for function, label in functions:
        verb = "recall" if label else "flagged"
        rep.rate(
            f"functional.{verb}{suffix}.{function}",
            lambda e, f=function: e.source == "functional" and e.tag == f,  # type: ignore[misc]
            level,
        )
        for lang in LANGS:
            rep.rate(
                f"functional.{verb}{suffix}.{function}.{lang}",
                lambda e, f=function, lg=lang: e.source == "functional" and e.tag == f and e.lang == lg,  # type: ignore[misc]
                level,
            )


def evaluate_propaganda(scored: Scored, cfg: TrainConfig) -> dict[str, Any]:
    from cauterize.content.functional import NOT_PROPAGANDA_FUNCTIONS, PROPAGANDA_FUNCTIONS

    rep = Report(scored)
    rep.auc("auc.pro_is_vs_all_negatives", _extremist, lambda e: e.label == 0)
    rep.auc("auc.pro_is_vs_general_tweets", _extremist, is_general)
    rep.auc("auc.pro_is_vs_reporting", _extremist, is_reporting)
    for lang in ("en", "ar"):
        rep.rate(f"recall.flag.pro_is.{lang}", _lang_is(lang, _extremist))
        rep.rate(f"recall.{SUSPEND_LEVEL}.pro_is.{lang}", _lang_is(lang, _extremist), SUSPEND_LEVEL)
        rep.rate(f"fpr.flag.general_tweets.{lang}", _lang_is(lang, is_general))
        rep.rate(f"fpr.flag.reporting.{lang}", _lang_is(lang, is_reporting))
        # The held-out pro-IS tweets split by the fixed rule of content/functionless.py (measured
        # only: test rows are never filtered): recall where the text may carry a function, and how
        # many of the rule's greetings / news relays are flagged.
        for reason in (None, "everyday_faith", "news_relay"):
            rep.rate(
                f"recall.flag.pro_is.{lang}.rule_{reason or 'other'}",
                lambda e, lg=lang, r=reason: _extremist(e) and lang_of(e) == lg and _rule(e) == r,  # type: ignore[misc]
            )
    rep.rate("fpr.flag.general_tweets", is_general)
    rep.rate(f"fpr.{SUSPEND_LEVEL}.general_tweets", is_general, SUSPEND_LEVEL)
    for name, pick in (
        ("davidson", lambda e: e.source == "davidson"),
        ("crisislex_t6", lambda e: e.source == "crisislex_t6"),
        ("crisislex_t6.off_topic", lambda e: e.source == "crisislex_t6" and e.tag == "off-topic"),
        ("crisislex_t26.general", lambda e: e.source == "crisislex_t26" and e.tag == "general"),
        ("arsarcasm.general", lambda e: e.source == "arsarcasm" and e.tag == "general"),
        ("twarc_payloads", lambda e: e.source == "benign"),
    ):
        rep.rate(f"fpr.flag.general_tweets.{name}", pick)
    rep.rate("fpr.flag.reporting", is_reporting)
    rep.rate(f"fpr.{SUSPEND_LEVEL}.reporting", is_reporting, SUSPEND_LEVEL)
    for name, pick in (
        ("fakes", lambda e: e.source == "fakes"),
        ("fakes.names_is", lambda e: e.source == "fakes" and e.tag == "names_is"),
        ("crisislex_t26.media", lambda e: e.source == "crisislex_t26" and e.tag == "media"),
        ("arsarcasm.daesh", lambda e: e.source == "arsarcasm" and e.tag == "daesh"),
    ):
        rep.rate(f"fpr.flag.reporting.{name}", pick)
    rep.rate("fpr.flag.hatecheck", lambda e: e.source == "hatecheck")
    rep.rate("functional.flagged.must_not_flag", lambda e: e.source == "functional" and e.label == 0)
    rep.rate("functional.recall.propaganda", lambda e: e.source == "functional" and e.label == 1)
    _functional_report(rep, [(f, 1) for f in PROPAGANDA_FUNCTIONS] + [(f, 0) for f in NOT_PROPAGANDA_FUNCTIONS])
    out = rep.to_json()
    out["account_level"] = account_windows(scored, cfg)
    return out


def account_windows(scored: Scored, cfg: TrainConfig) -> dict[str, Any]:
    """Pseudo-accounts of ``window`` posts: consecutive tweets of one held-out pro-IS account,
    against seeded random groups of general tweets (no negative source has accounts). The
    account's share of flagged tweets is what an account-level rule would read."""
    out: dict[str, Any] = {"window": cfg.window}
    for model, scores in scored.scores.items():
        th = scored.thresholds[model]
        by_unit: dict[str, list[int]] = defaultdict(list)
        general: list[int] = []
        for i, e in enumerate(scored.rows):
            if _extremist(e):
                by_unit[e.unit].append(i)
            elif is_general(e):
                general.append(i)
        random.Random(cfg.seed).shuffle(general)
        windows: list[tuple[int, list[int]]] = []
        for unit in sorted(by_unit):
            items = by_unit[unit]
            windows += [(1, items[i : i + cfg.window]) for i in range(0, len(items) - cfg.window + 1, cfg.window)]
        windows += [(0, general[i : i + cfg.window]) for i in range(0, len(general) - cfg.window + 1, cfg.window)]
        flagged = [sum(scores[i] >= th[lang_of(scored.rows[i])] for i in idx) / len(idx) for _, idx in windows]
        y = [lab for lab, _ in windows]
        out[model] = {
            "auc_flagged_share": _auc(y, flagged),
            "positive_windows": sum(y),
            "negative_windows": len(y) - sum(y),
            "positive_windows_with_a_flag": _rate([f > 0 for (lab, _), f in zip(windows, flagged, strict=True) if lab]),
            "negative_windows_with_a_flag": _rate(
                [f > 0 for (lab, _), f in zip(windows, flagged, strict=True) if not lab]
            ),
        }
    return out


def evaluate_threat(scored: Scored, cfg: TrainConfig) -> dict[str, Any]:
    from cauterize.content.functional import NOT_THREAT_FUNCTIONS, THREAT_FUNCTIONS

    rep = Report(scored)

    def hc(func: str, lang: str | None = None) -> Callable[[Example], bool]:
        return lambda e: e.source == "hatecheck" and e.tag == func and (lang is None or e.lang == lang)

    def counter(lang: str | None = None) -> Callable[[Example], bool]:
        return lambda e: (
            e.source == "hatecheck" and e.tag in data.COUNTER_FUNCTIONALITIES and (lang is None or e.lang == lang)
        )

    rep.auc(
        "auc.hatecheck_threats_vs_rest",
        lambda e: e.source == "hatecheck" and e.label == 1,
        lambda e: e.source == "hatecheck" and e.label == 0,
    )
    rep.auc(
        "auc.real_threats_vs_real_negatives",
        lambda e: e.source == "hatecheck" and e.label == 1,
        lambda e: e.label == 0 and e.source not in ("functional", "synthetic"),
    )
    for lang in LANGS:
        for func in sorted(data.THREAT_FUNCTIONALITIES):
            rep.rate(f"recall.flag.{func}.{lang}", hc(func, lang))
            rep.rate(f"recall.{ESCALATE_LEVEL}.{func}.{lang}", hc(func, lang), ESCALATE_LEVEL)
        rep.rate(f"fpr.flag.counter_speech.{lang}", counter(lang))
        rep.rate(f"fpr.{ESCALATE_LEVEL}.counter_speech.{lang}", counter(lang), ESCALATE_LEVEL)
        rep.rate(
            f"fpr.flag.violent_word_non_threats.{lang}",
            lambda e, lg=lang: e.source == "functional" and e.label == 0 and e.lang == lg,  # type: ignore[misc]
        )
        rep.rate(
            f"fpr.flag.hatecheck_other.{lang}",
            lambda e, lg=lang: (
                e.source == "hatecheck" and e.label == 0 and e.tag not in data.COUNTER_FUNCTIONALITIES and e.lang == lg
            ),  # type: ignore[misc]
        )
    rep.rate("fpr.flag.general_tweets", is_general)
    rep.rate("fpr.flag.reporting", is_reporting)
    rep.rate(f"fpr.{ESCALATE_LEVEL}.general_tweets", is_general, ESCALATE_LEVEL)
    rep.rate("fpr.flag.davidson", lambda e: e.source == "davidson")
    rep.rate("synthetic.recall.flag", lambda e: e.source == "synthetic" and e.label == 1)
    rep.rate("synthetic.flagged.confounders", lambda e: e.source == "synthetic" and e.label == 0)
    _functional_report(rep, [(f, 1) for f in THREAT_FUNCTIONS] + [(f, 0) for f in NOT_THREAT_FUNCTIONS])
    _functional_report(rep, [(f, 1) for f in THREAT_FUNCTIONS], ESCALATE_LEVEL)
    out = rep.to_json()
    # The score distribution of real threats against the best-scored non-threats: does a real
    # threat ever reach the escalation level, and does a non-threat?
    for model, scores in scored.scores.items():
        real = [s for e, s in zip(scored.rows, scores, strict=True) if e.source == "hatecheck" and e.label == 1]
        non = [s for e, s in zip(scored.rows, scores, strict=True) if e.label == 0 and e.source != "functional"]
        out.setdefault("score_extremes", {})[model] = {
            "real_threats_max": round(max(real), 4) if real else None,
            "real_threats_median": round(sorted(real)[len(real) // 2], 4) if real else None,
            "non_threats_max": round(max(non), 4) if non else None,
        }
    targets: dict[str, list[bool]] = defaultdict(list)
    for e in scored.rows:
        if e.source == "synthetic" and e.label == 1:
            want = e.tag.split(":")[1]
            targets[want].append(threat_target(e.text).type == want)
        elif e.source == "hatecheck" and e.label == 1:
            targets["group (hatecheck)"].append(threat_target(e.text).type == "group")
    out["target_type_accuracy"] = {k: {"n": len(v), "accuracy": _rate(v)} for k, v in sorted(targets.items())}
    return out


def evaluate_recruitment(scored: Scored, cfg: TrainConfig) -> dict[str, Any]:
    rep = Report(scored)
    rep.auc("auc.synthetic", lambda e: e.source == "synthetic" and e.label == 1, lambda e: e.source == "synthetic")
    rep.rate("synthetic.recall.flag", lambda e: e.source == "synthetic" and e.label == 1)
    rep.rate("synthetic.flagged.confounders", lambda e: e.source == "synthetic" and e.label == 0)
    rep.rate("fpr.flag.general_tweets", is_general)
    rep.rate("fpr.flag.reporting", is_reporting)
    rep.rate("fpr.flag.hatecheck", lambda e: e.source == "hatecheck")
    rep.rate("fpr.flag.functional_propaganda_suite", lambda e: e.source == "functional")
    out = rep.to_json()
    out["note"] = "positives are synthetic templates only; no real recruitment data was available"
    return out


EVALUATORS = {"propaganda": evaluate_propaganda, "recruitment": evaluate_recruitment, "threat": evaluate_threat}
ROWS = {"propaganda": propaganda_rows, "recruitment": recruitment_rows, "threat": threat_rows}


def metrics_name(version: str) -> str:
    return f"content-metrics-{version}.json"


def _fit_baselines(task: str, rows: Labelled, cfg: TrainConfig, norm: Callable[[str], str]) -> dict[str, Any]:
    """TF-IDF + LR on the shipped normal form (``baseline``) and on the raw text (``baseline_raw``)."""
    from cauterize.content.baseline import TfidfBaseline

    train = [e for e, s in rows if s == "train"]
    calib = [e for e, s in rows if s == "calib"]
    out = {}
    for name, prepare in (("baseline", norm), ("baseline_raw", str)):
        model = TfidfBaseline(c=dict(cfg.c).get(task, 1.0), seed=cfg.seed, prepare=prepare).fit(
            [e.text for e in train], [e.label for e in train]
        )
        out[name] = (model, choose_thresholds(task, calib, model.scores([e.text for e in calib]), cfg))
    return out


def train_all(
    root: Path,
    out_dir: Path,
    cfg: TrainConfig = TrainConfig(),
    tasks: Sequence[str] = tuple(TASKS),
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    """Train, evaluate and write every task's two model files and one metrics JSON."""
    cache: dict[str, str] = {}

    def norm(text: str) -> str:
        hit = cache.get(text)
        if hit is None:
            hit = cache[text] = normalize(text)
        return hit

    out_dir.mkdir(parents=True, exist_ok=True)
    metrics: dict[str, Any] = {
        "version": cfg.version,
        "seed": cfg.seed,
        "baseline": "TF-IDF word 1-2-grams + logistic regression (scikit-learn), same training rows, "
        "thresholds chosen the same way on the same calibration rows; 'baseline' reads the shipped "
        "normal form, 'baseline_raw' the raw text",
        "tasks": {},
    }
    for task in tasks:
        log(f"{task}: reading data")
        all_rows = ROWS[task](root, cfg.seed)
        rows = _cap_accounts(all_rows, cfg.max_per_account, cfg.seed) if task == "propaganda" else all_rows
        log(f"{task}: fitting on {sum(1 for _, s in rows if s == 'train')} rows")
        cascade = fit_cascade(task, rows, cfg, norm)
        for model in (cascade.fast, cascade.strong):
            assert model is not None
            model.save(out_dir / file_name(model.name, model.version))
        log(f"{task}: fitting the baselines")
        baselines = _fit_baselines(task, rows, cfg, norm)
        log(f"{task}: evaluating")
        # Evaluation reads every test row, uncapped: the cap is a training choice only.
        scored, strong_share = _scored(cascade, baselines, all_rows, norm)
        metrics["tasks"][task] = {
            "label": TASKS[task],
            "models": [cascade.fast.model_id, cascade.strong.model_id],  # type: ignore[union-attr]
            "splits": {s: sum(1 for _, x in all_rows if x == s) for s in data.SPLITS},
            "thresholds": scored.thresholds,
            "strong_tier_share": round(strong_share, 4),
            **EVALUATORS[task](scored, cfg),
            "invariance": invariance(cascade, scored, cfg, norm),
            "link_sensitivity": link_sensitivity(cascade, baselines, scored, norm),
        }
    (out_dir / metrics_name(cfg.version)).write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    return metrics
