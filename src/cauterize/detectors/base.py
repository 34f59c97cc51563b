"""The detector plug-in interface.

A detector is a pure function of an event (plus whatever read-only context the pipeline hands
it) to scored signals with evidence. It never sees an input format, the store's tables or
the web. It declares what it takes (event kinds, languages) and roughly what it costs, so the
pipeline runs cheap detectors first and skips those that cannot apply.

Adding a detector means adding a module to ``cauterize.detectors`` with a ``Detector``
subclass (or exposing one through the ``cauterize.detectors`` entry point group); it is
enabled and configured by name under ``[detectors.NAME]`` in ``cauterize.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from cauterize.events import Event


@dataclass(frozen=True, slots=True)
class Signal:
    """A detector's finding about one account, with the evidence a reviewer needs."""

    detector: str
    detector_version: str
    #: What was found, dotted: ``threat.named_person``, ``watchlist.hashtag``, ``evasion.link``.
    label: str
    #: In [0, 1]. Calibrated where the detector says so in its model card.
    score: float
    platform: str
    account_id: str
    event_id: str
    post_id: str | None = None
    #: JSON-serialisable: matched terms and spans, parent account, per-feature scores, ...
    evidence: Mapping[str, Any] = field(default_factory=dict)


class AccountView(Protocol):
    """What a detector may know about an account, read-only."""

    platform: str
    account_id: str
    handle: str | None
    status: str


class Context(Protocol):
    """Read-only state the pipeline offers detectors."""

    def account(self, platform: str, account_id: str) -> AccountView | None: ...


class Detector:
    """Base class of detectors. Subclasses set the class attributes and implement ``detect``."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0"
    #: Event kinds this detector reads (``post_created``, ``profile_changed``, ...).
    kinds: ClassVar[frozenset[str]] = frozenset()
    #: ISO 639-1 codes it handles; ``None`` means any language (or not language-bound).
    languages: ClassVar[frozenset[str] | None] = None
    #: Rough cost in microseconds per event it takes; cheaper detectors run first.
    cost_us: ClassVar[float] = 1.0
    #: Enabled without being named in the config.
    enabled_by_default: ClassVar[bool] = False
    #: A detector that keeps state across events (a registry, a baseline) names the event kinds
    #: it needs replayed from the store when a pipeline starts, so that a restart or a second
    #: ``cauterize ingest`` continues where the last one stopped. Empty: stateless.
    history_kinds: ClassVar[frozenset[str]] = frozenset()

    registry: ClassVar[dict[str, type[Detector]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            Detector.registry[cls.name] = cls

    def __init__(self, **options: Any) -> None:
        if options:
            raise TypeError(f"detector {self.name!r} takes no options, got {sorted(options)}")

    def takes(self, event: Event) -> bool:
        if event.kind not in self.kinds:
            return False
        if self.languages is None:
            return True
        lang = getattr(event, "lang", None)
        return lang is None or lang in self.languages

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        raise NotImplementedError

    def warm_up(self, event: Event, ctx: Context) -> None:
        """Take in one stored event at start-up (oldest first); signals are not reported again."""
        self.detect(event, ctx)
