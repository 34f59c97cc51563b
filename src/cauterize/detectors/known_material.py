"""Known material: a post that repeats a banked statement, image, video, file or link.

Configured with bank files (any format :mod:`cauterize.known.io` reads)::

    [detectors.known_material]
    banks = ["banks/tat.json", "banks/statements.csv"]
    pdq_threshold = 31        # Hamming bits
    text_threshold = 0.6      # estimated Jaccard similarity of 5-character shingles
    min_text_chars = 40       # shorter normalised texts are too generic to call a copy

Each match becomes one signal ``known.<label>`` per label of the matched entry, with the bank,
entry, signal type, distance and what matched (text, URL, or media id and algorithm) as
evidence. Exact hashes and listed URLs score 0.99; PDQ and text scores fall with distance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import Event, PostCreated
from cauterize.known.banks import Bank, BankSet, Match


class KnownMaterialDetector(Detector):
    name = "known_material"
    version = "1"
    kinds = frozenset({"post_created"})
    cost_us = 60.0
    # Off unless configured: without banks it has nothing to match.
    enabled_by_default = False

    def __init__(
        self,
        banks: Sequence[str | Path] = (),
        pdq_threshold: int = 31,
        text_threshold: float = 0.6,
        min_text_chars: int = 40,
        bank_objects: Sequence[Bank] = (),
    ) -> None:
        from cauterize.known import io as bank_io

        loaded = list(bank_objects)
        for p in banks:
            loaded.extend(bank_io.load(Path(p)))
        self.bankset = BankSet(loaded, pdq_threshold=pdq_threshold, text_threshold=text_threshold)
        self.min_text_chars = min_text_chars

    def detect(self, event: Event, ctx: Context) -> Iterable[Signal]:
        if not isinstance(event, PostCreated) or not len(self.bankset):
            return ()
        found: list[tuple[Match, dict[str, Any]]] = []
        bs = self.bankset
        if event.text:
            from cauterize.known import text_minhash

            norm = text_minhash.normalize(event.text)
            if len(norm) >= self.min_text_chars:
                found += [(m, {"field": "text"}) for m in bs.match_text(event.text)]
        for link in event.urls:
            found += [(m, {"url": link}) for m in bs.match_url(link)]
        for i, media in enumerate(event.media):
            for algo, value in media.hashes.items():
                for m in bs.match_hash(algo, value):
                    found.append(
                        (m, {"media_id": media.media_id or str(i), "media_type": media.type, "algorithm": algo})
                    )
        if not found:
            return ()
        return [self._signal(event, m, where, label) for m, where in found for label in m.labels]

    def _signal(self, event: PostCreated, m: Match, where: dict[str, Any], label: str) -> Signal:
        if m.signal_type == "pdq":
            score = max(0.5, 0.99 - 0.01 * m.distance)
        elif m.signal_type == "text_minhash":
            score = max(0.5, min(0.99, m.similarity))
        else:
            score = 0.99
        return Signal(
            detector=self.name,
            detector_version=self.version,
            label=f"known.{label}",
            score=round(score, 4),
            platform=event.platform,
            account_id=event.actor,
            event_id=event.event_id,
            post_id=event.post_id,
            evidence={**m.as_dict(), **where},
        )
