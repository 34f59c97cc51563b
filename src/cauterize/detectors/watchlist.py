"""A configurable watch-list of terms and hashtags: the simplest real detector.

Analysts keep lists of an operation's hashtags, media-outlet names and stock phrases; a hit is
weak evidence on its own (journalists use the same hashtags), which is why each entry carries
a weight and the policy, not this detector, decides what a score means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import Event, PostCreated


def fold(text: str) -> str:
    """Case- and compatibility-fold so that full-width or styled letters match plain ones."""
    return unicodedata.normalize("NFKC", text).casefold()


class WatchlistDetector(Detector):
    name = "watchlist"
    version = "1"
    kinds = frozenset({"post_created", "profile_changed", "account_created"})
    cost_us = 2.0
    enabled_by_default = True

    def __init__(
        self,
        hashtags: Mapping[str, Mapping[str, Any]] | None = None,
        terms: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """``hashtags``/``terms`` map an entry to ``{label = "...", weight = 0.0..1.0}``."""
        self._hashtags = {fold(k.lstrip("#")): self._entry(k, v) for k, v in (hashtags or {}).items()}
        self._terms = {fold(k): self._entry(k, v) for k, v in (terms or {}).items()}
        self._term_re = (
            re.compile(
                r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(self._terms, key=len, reverse=True)) + r")(?!\w)"
            )
            if self._terms
            else None
        )

    @staticmethod
    def _entry(key: str, value: Mapping[str, Any]) -> tuple[str, float]:
        label = str(value.get("label", "watchlist.term"))
        weight = float(value.get("weight", 0.5))
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"watch-list entry {key!r}: weight {weight} is outside [0, 1]")
        return label, weight

    def _texts(self, event: Event) -> Sequence[tuple[str, str]]:
        if isinstance(event, PostCreated):
            return (("text", event.text),) if event.text else ()
        fields = ("handle", "display_name", "bio")
        return tuple((f, v) for f in fields if (v := getattr(event, f, None)))

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        # This runs on every post: return early, and build evidence only on a hit.
        hits: dict[str, list[dict[str, Any]]] | None = None
        is_post = isinstance(event, PostCreated)
        if is_post and self._hashtags and event.hashtags:  # type: ignore[attr-defined]
            for tag in event.hashtags:  # type: ignore[attr-defined]
                entry = self._hashtags.get(fold(tag.lstrip("#")))
                if entry:
                    hits = hits or {}
                    hits.setdefault(entry[0], []).append({"hashtag": tag, "weight": entry[1]})
        if self._term_re is not None:
            for field_name, text in self._texts(event):
                folded = fold(text)
                if not self._term_re.search(folded):
                    continue
                for m in self._term_re.finditer(folded):
                    label, weight = self._terms[m.group(1)]
                    hits = hits or {}
                    hits.setdefault(label, []).append(
                        {"term": m.group(1), "field": field_name, "span": [m.start(), m.end()], "weight": weight}
                    )
        if not hits:
            return ()
        post_id = event.post_id if is_post else None  # type: ignore[attr-defined]
        out = []
        for label, matches in hits.items():
            # Independent weak hits add up: 1 - prod(1 - w), capped below certainty.
            miss = 1.0
            for m in matches:
                miss *= 1.0 - m["weight"]
            out.append(
                Signal(
                    detector=self.name,
                    detector_version=self.version,
                    label=label,
                    score=round(min(1.0 - miss, 0.999), 6),
                    platform=event.platform,
                    account_id=event.actor,
                    event_id=event.event_id,
                    post_id=post_id,
                    evidence={"matches": matches},
                )
            )
        return out
