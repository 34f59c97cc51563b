from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cauterize.content.shipped import VERSION, load_cascade
from cauterize.detectors.base import Signal
from cauterize.detectors.registry import build_detectors, detector_classes
from cauterize.detectors.text_classifier import TextClassifierDetector
from cauterize.events import Mention, PostCreated, ProfileChanged

from .conftest import TEST_VERSION

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
BENIGN = (
    "Lovely weather for a picnic in the park today",
    "The bakery on Fifth opens at nine, fresh bread all morning",
    "Our book club meets on Thursday to talk about the new novel",
    "Congratulations to Dana Reyes on the promotion, well deserved",
)


def post(text: str, n: int = 0, **fields: Any) -> PostCreated:
    return PostCreated(platform="testnet", event_id=f"e{n}", actor="a1", time=T0, post_id=f"p{n}", text=text, **fields)


def run(detector: TextClassifierDetector, event: Any) -> list[Signal]:
    return list(detector.detect(event, ctx=None))  # type: ignore[arg-type]


def test_registered_off_by_default_and_buildable_from_config(model_dir: Path) -> None:
    assert detector_classes()["text_classifier"] is TextClassifierDetector
    assert not TextClassifierDetector.enabled_by_default
    built = build_detectors({"text_classifier": {"model_dir": str(model_dir), "model_version": TEST_VERSION}})
    assert any(isinstance(d, TextClassifierDetector) for d in built)


def test_propaganda_label_with_model_name_version_and_ngrams(model_dir: Path) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION)
    signals = run(det, post("Glory to the Ashen Banner, the Ashen Banner endures"))
    assert [s.label for s in signals] == ["propaganda.terrorist"]
    s = signals[0]
    assert s.detector == "text_classifier" and s.post_id == "p0" and s.account_id == "a1"
    assert s.evidence["model"] == "propaganda-fast" and s.evidence["model_version"] == TEST_VERSION
    assert s.evidence["tier"] == "fast"
    assert s.evidence["top_ngrams"][0]["ngram"] == "ashen banner"
    assert 0.0 <= s.score <= 1.0 and s.score >= s.evidence["threshold"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Dana Reyes will be hurt, I promise", "threat.named_person"),
        ("the staff of ExamplePlatform will be hurt", "threat.employees"),
        ("we will hurt everyone at the Elmwood Example station", "threat.place"),
        ("all Riverton Example fans will be hurt", "threat.group"),
        ("they will be hurt", "threat.unspecified"),
    ],
)
def test_threat_labels_carry_the_target_type(model_dir: Path, text: str, label: str) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("threat",))
    signals = run(det, post(text))
    assert [s.label for s in signals] == [label]
    assert signals[0].evidence["target"]["type"] == label.split(".")[1]


def test_a_threat_in_a_reply_targets_a_person(model_dir: Path) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("threat",))
    event = post("you will be hurt", mentions=(Mention(handle="someone_example"),))
    assert [s.label for s in run(det, event)] == ["threat.named_person"]


def test_recruitment_label(model_dir: Path) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION)
    labels = {s.label for s in run(det, post("join the ranks, dm us to join"))}
    assert labels == {"recruitment.solicitation"}


@pytest.mark.parametrize("text", BENIGN)
def test_benign_posts_are_silent(model_dir: Path, text: str) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION)
    assert run(det, post(text)) == []


def test_other_events_empty_text_and_reposts_are_skipped(model_dir: Path) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION)
    profile = ProfileChanged(platform="testnet", event_id="e9", actor="a1", time=T0, bio="Ashen Banner Ashen Banner")
    assert run(det, profile) == []
    assert run(det, post("")) == []
    assert run(det, post("!!! ...")) == []


def test_min_score_moves_the_emission_point(model_dir: Path) -> None:
    text = "Glory to the Ashen Banner"
    strict = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, min_score=0.9999)
    lax = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, min_score={"propaganda": 0.0})
    assert run(strict, post(text)) == []
    assert "propaganda.terrorist" in {s.label for s in run(lax, post(text))}
    with pytest.raises(ValueError, match="outside"):
        TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, min_score=1.5)


def test_uncertain_posts_go_to_the_strong_tier(model_dir: Path) -> None:
    # One positive word among several neutral ones lands in the hand-set band [0.3, 0.7].
    det = TextClassifierDetector(
        model_dir=str(model_dir), model_version=TEST_VERSION, min_score=0.0, tasks=("propaganda",)
    )
    s = run(det, post("banner of the show"))[0]
    assert s.evidence["tier"] == "strong" and s.evidence["model"] == "propaganda-strong"
    assert 0.3 <= s.evidence["fast_score"] <= 0.7
    fast_only = TextClassifierDetector(
        model_dir=str(model_dir), model_version=TEST_VERSION, min_score=0.0, tasks=("propaganda",), strong_tier=False
    )
    assert run(fast_only, post("banner of the show"))[0].evidence["tier"] == "fast"


def test_language_comes_from_the_event_or_is_identified(model_dir: Path) -> None:
    det = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("propaganda",))
    given = run(det, post("Ashen Banner glory", lang="en"))[0].evidence
    assert (given["lang"], given["lang_source"], given["lang_trained"]) == ("en", "event", True)
    arabic = run(det, post("Ashen Banner مرحبا بكم في البيت الجديد"))[0].evidence
    assert arabic["lang"] == "ar" and arabic["lang_source"] in {"script", "lingua"}


def test_mostly_arabizi_text_is_read_as_arabic(model_dir: Path) -> None:
    # Two Arabizi words in six make the whole line Arabizi: the Latin "ashen banner" is
    # transliterated too, so the Latin-script weights no longer match. That is the documented
    # trade-off of whole-line transliteration.
    det = TextClassifierDetector(
        model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("propaganda",), min_score=0.0
    )
    evidence = run(det, post("ashen banner ya 7abibi w 3arab"))[0].evidence
    assert (evidence["lang"], evidence["lang_source"]) == ("ar", "arabizi")
    assert evidence["top_ngrams"] == []


# -- the shipped models -------------------------------------------------------------------------


def test_shipped_models_load_from_the_package_and_name_their_version() -> None:
    for task in ("propaganda", "recruitment", "threat"):
        cascade = load_cascade(task)
        assert cascade.fast.version == VERSION and cascade.strong is not None
        assert cascade.fast.word_weights and cascade.strong.char_weights
        assert 0.5 <= cascade.threshold < 1.0
    det = TextClassifierDetector(tasks=("threat",), min_score=0.0)
    s = run(det, post("Dana Reyes will be hurt"))[0]
    assert s.evidence["model_version"] == VERSION and s.evidence["model"].startswith("threat-")


def test_shipped_threat_model_ranks_a_threat_above_its_confounder() -> None:
    det = TextClassifierDetector(tasks=("threat",), min_score=0.0)
    threat = run(det, post("I am going to hurt Dana Reyes"))[0].score
    promotion = run(det, post("Dana Reyes will be promoted"))[0].score
    assert threat > promotion


# Sentences written for this test (not in the suite or the training data): a direct threat in each
# language, and the same threat reported by someone who condemns it.
THREAT_AND_REPORT = [
    (
        "en",
        "I am going to kill every one of you tomorrow",
        "he wrote that he would kill every one of them, and I reported him",
    ),
    ("fr", "je vais tous vous tuer demain", "il a écrit qu'il allait tous les tuer, je l'ai signalé"),
    ("ar", "سأقتلكم جميعا غدا", "كتب انه سيقتلهم جميعا فأبلغت عنه"),
]


@pytest.mark.parametrize(("lang", "threat", "reported"), THREAT_AND_REPORT)
def test_shipped_threat_model_flags_a_threat_and_not_its_report(lang: str, threat: str, reported: str) -> None:
    """2.0.0 needed thresholds of 0.987-0.9999 and flagged none of the Arabic held-out direct
    threats; 2.1.0 flags the threat at the language's own threshold, above the escalation level,
    and its reported form stays below the threshold."""
    det = TextClassifierDetector(tasks=("threat",))
    signals = run(det, post(threat, lang=lang))
    assert signals and signals[0].label.startswith("threat.") and signals[0].score >= 0.8
    assert run(det, post(reported, lang=lang)) == []


@pytest.mark.parametrize("text", BENIGN)
def test_shipped_models_are_silent_on_benign_posts(text: str) -> None:
    assert run(TextClassifierDetector(), post(text, lang="en")) == []


def test_untrained_languages_can_be_skipped(model_dir: Path) -> None:
    text = "Ashen Banner glory"
    report = TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("propaganda",))
    skip = TextClassifierDetector(
        model_dir=str(model_dir), model_version=TEST_VERSION, tasks=("propaganda",), untrained_languages="skip"
    )
    assert run(report, post(text, lang="so"))[0].evidence["lang_trained"] is False
    assert run(skip, post(text, lang="so")) == []
    assert [s.label for s in run(skip, post(text, lang="en"))] == ["propaganda.terrorist"]
    with pytest.raises(ValueError, match="untrained_languages"):
        TextClassifierDetector(model_dir=str(model_dir), model_version=TEST_VERSION, untrained_languages="drop")


def test_thresholds_are_per_language(tmp_path: Path) -> None:
    """An Arabic post is held to the Arabic threshold, an English one to the English threshold;
    a post of no known language to the threshold of its script."""
    from cauterize.content.linear import LinearTextModel, file_name

    from .conftest import FAST, STRONG

    version = "0.0.2-test"
    words = {"banner": 3.0, "راية": 3.0}
    band = {"low": 0.0, "high": 0.0, "threshold": 0.6, "thresholds": {"en": 0.6, "ar": 0.9, "fr": 0.6}}
    for task in ("propaganda", "recruitment", "threat"):
        fast = LinearTextModel.from_ngrams(f"{task}-fast", version, FAST, words, {}, bias=0.0, meta={"cascade": band})
        strong = LinearTextModel.from_ngrams(f"{task}-strong", version, STRONG, words, {}, bias=0.0)
        for model in (fast, strong):
            model.save(tmp_path / file_name(model.name, version))
    det = TextClassifierDetector(model_dir=str(tmp_path), model_version=version, tasks=("propaganda",))
    # One weighted word of two: raw 3/sqrt(2) -> sigmoid 0.893, between the two thresholds.
    english = run(det, post("banner up", lang="en"))
    assert [s.evidence["threshold"] for s in english] == [0.6]
    assert run(det, post("راية فوق", lang="ar")) == []
    assert run(det, post("راية فوق")) == []  # no event lang: Arabic script, Arabic threshold
    lax = TextClassifierDetector(model_dir=str(tmp_path), model_version=version, tasks=("propaganda",), min_score=0.5)
    assert [s.evidence["threshold"] for s in run(lax, post("راية فوق", lang="ar"))] == [0.5]


@pytest.mark.parametrize("task", ["propaganda", "recruitment", "threat"])
@pytest.mark.parametrize(
    "text",
    [
        "Read our new report on energy prices",
        "thanks!",
        "glory to the soldiers who struck the city",
        "I will hurt you tomorrow",
        "الدولة الإسلامية باقية",
    ],
)
def test_a_link_or_a_mention_never_moves_a_shipped_score(task: str, text: str) -> None:
    det = TextClassifierDetector(tasks=(task,), min_score=0.0, strong_tier=True)
    plain = run(det, post(text))[0].score
    for extra in (" https://t.co/abc", " @bob", "RT @bob: ", " http://example.org/x @a @b"):
        decorated = extra + text if extra.startswith("RT") else text + extra
        assert run(det, post(decorated))[0].score == plain, decorated
