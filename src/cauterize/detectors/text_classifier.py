"""Text classifiers on posts: terrorist propaganda, recruitment, threats and whom they target.

Each label is a two-tier cascade (``cauterize.content.cascade``) of calibrated linear models
shipped in the package. A signal is emitted when the calibrated score reaches the label's
operating threshold for the post's language (chosen at training time on each language's held-out
calibration rows, see docs/model-card.md) or the ``min_score`` the operator sets; below it the post
is silent, as most posts must be.

Evidence names the model and its version, the tier that decided, the n-grams that drove the
score, the language and how it was found, and for threats the target type with the words that
showed it. Scores were calibrated on the training mix, not on a platform's base rate: a 0.9 here
means "9 in 10 of held-out posts scoring this were positive", not a platform-wide precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cauterize.content.cascade import Cascade, FastBank
from cauterize.content.langid import DEFAULT_LANGUAGES, identify
from cauterize.content.linear import keys_of, script_key
from cauterize.content.normalize import normalize
from cauterize.content.shipped import TASK_LABELS, VERSION, load_cascade
from cauterize.content.targets import threat_target
from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import Event, PostCreated

#: Languages each task saw labelled data in; elsewhere the score is reported but flagged.
TRAINED_LANGUAGES: dict[str, frozenset[str]] = {
    "propaganda": frozenset({"en", "ar"}),
    "recruitment": frozenset({"en"}),
    "threat": frozenset({"en", "ar", "fr"}),
}


class TextClassifierDetector(Detector):
    name = "text_classifier"
    version = "1"
    kinds = frozenset({"post_created"})
    cost_us = 60.0

    def __init__(
        self,
        tasks: Sequence[str] = tuple(TASK_LABELS),
        min_score: float | Mapping[str, float] | None = None,
        model_version: str = VERSION,
        model_dir: str | None = None,
        detect_language: bool = True,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        strong_tier: bool = True,
        top_k: int = 5,
        untrained_languages: str = "report",
    ) -> None:
        """``min_score`` overrides the shipped operating thresholds (one number, or per task);
        ``model_dir`` loads a retrained set instead of the packaged files; ``strong_tier = false``
        keeps every post on the fast tier (cheaper, a little less accurate); ``untrained_languages``
        is ``report`` (emit, with ``lang_trained = false`` in the evidence) or ``skip`` (drop hits on
        posts in a known language the task never saw: unfamiliar text scores high, see model card)."""
        if untrained_languages not in ("report", "skip"):
            raise ValueError(
                f"text_classifier: untrained_languages must be 'report' or 'skip', not {untrained_languages!r}"
            )
        self._skip_untrained = untrained_languages == "skip"
        directory = Path(model_dir) if model_dir else None
        self._cascades: list[tuple[str, Cascade]] = []
        for task in tasks:
            cascade = load_cascade(task, model_version, directory)
            if not strong_tier:
                cascade = Cascade(cascade.label, cascade.fast, None, threshold=cascade.threshold)
            self._cascades.append((task, cascade))
        #: An operator's ``min_score`` replaces the per-language thresholds; ``None`` keeps them.
        self._override = {task: self._threshold(task, c, min_score) for task, c in self._cascades}
        #: The lowest threshold a post of any language may need: posts below it are silent at once.
        self._min = {
            task: c.lowest_threshold if self._override[task] is None else self._override[task]
            for task, c in self._cascades
        }
        self._detect_language = detect_language
        self._languages = tuple(languages)
        self._top_k = top_k
        specs = {c.fast.spec for _, c in self._cascades}
        #: When every fast tier reads the same n-grams, one extraction and one table pass serve them all.
        self._bank = FastBank([c.fast for _, c in self._cascades]) if len(specs) == 1 else None

    @staticmethod
    def _threshold(task: str, cascade: Cascade, min_score: float | Mapping[str, float] | None) -> float | None:
        value = min_score.get(task) if isinstance(min_score, Mapping) else min_score
        if value is None:
            return None
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"text_classifier: min_score {value} for {task!r} is outside [0, 1]")
        return value

    def _task_threshold(self, task: str, cascade: Cascade, lang: str | None, normalized: str) -> float:
        override = self._override[task]
        if override is not None:
            return override
        if lang in cascade.thresholds:
            return cascade.threshold_for(lang)
        # An undetermined or untrained language: the threshold of its script's trained language.
        return cascade.threshold_for("ar" if script_key(normalized) == "arabic" else "en")

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        if not isinstance(event, PostCreated) or not event.text:
            return ()
        normalized = normalize(event.text)
        if not normalized:
            return ()
        shared = None
        raws: list[float | None] = [None] * len(self._cascades)
        if self._bank is not None:
            feats = self._cascades[0][1].fast.features(normalized)
            keys = keys_of(feats)
            shared = (feats, keys)
            raws = list(self._bank.raw_all(keys))
        hits = []
        script = script_key(normalized)
        for (task, cascade), raw in zip(self._cascades, raws, strict=True):
            result = cascade.run(normalized, shared, raw, script)
            if result.score >= self._min[task]:
                hits.append((task, cascade, result))
        if not hits:
            return ()
        # Language only matters for the evidence of a hit: identifying it on every post would
        # cost more than classifying it.
        lang, lang_method = event.lang, "event"
        if lang is None and self._detect_language:
            guess = identify(event.text, self._languages)
            lang, lang_method = guess.lang, guess.method
        out = []
        for task, cascade, result in hits:
            trained = lang in TRAINED_LANGUAGES.get(task, frozenset())
            if self._skip_untrained and lang is not None and not trained:
                continue
            threshold = self._task_threshold(task, cascade, lang, normalized)
            if result.score < threshold:
                continue
            evidence: dict[str, Any] = {
                **result.evidence(self._top_k),
                "threshold": threshold,
                "calibration": "platt, held-out split of the training mix",
                "lang": lang,
                "lang_source": lang_method,
                "lang_trained": trained,
            }
            label = cascade.label
            if task == "threat":
                target = threat_target(event.text, mentions=len(event.mentions) + (event.reply_to is not None))
                label = f"threat.{target.type}"
                evidence["target"] = {"type": target.type, "text": target.text, "span": target.span}
            out.append(
                Signal(
                    detector=self.name,
                    detector_version=self.version,
                    label=label,
                    score=round(result.score, 6),
                    platform=event.platform,
                    account_id=event.actor,
                    event_id=event.event_id,
                    post_id=event.post_id,
                    evidence=evidence,
                )
            )
        return out
