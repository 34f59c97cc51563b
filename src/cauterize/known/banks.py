"""Banks of known material and the indexes built over them.

A bank is a named list of entries, each ``{id, signal type, value, labels, source, added}``.
Labels say what the material is (``terrorist_media``, ``manifesto``, ``file_locker``); the
detector reports ``known.<label>``. A :class:`BankSet` builds one index per signal type over
all its banks and answers with :class:`Match` es that name the bank, the entry and the distance.

Signal types: ``text_minhash`` (value: the statement's text), ``pdq`` (hex), ``md5`` and
``sha256`` (hex), ``url`` and ``domain``. numpy (and for hashing images, pdqhash and Pillow)
is imported only when a bank holds text or PDQ entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cauterize.known import file_hash, url

SIGNAL_TYPES = ("text_minhash", "pdq", "md5", "sha256", "url", "domain")


@dataclass(frozen=True, slots=True)
class BankEntry:
    id: str
    signal_type: str
    value: str
    labels: tuple[str, ...] = ()
    source: str = ""
    added: datetime | None = None

    def __post_init__(self) -> None:
        if self.signal_type not in SIGNAL_TYPES:
            raise ValueError(f"entry {self.id}: unknown signal type {self.signal_type!r}; known: {SIGNAL_TYPES}")


@dataclass(slots=True)
class Bank:
    name: str
    entries: list[BankEntry] = field(default_factory=list)
    #: Applied to entries that carry no label of their own.
    default_labels: tuple[str, ...] = ()

    def add(
        self,
        signal_type: str,
        value: str,
        labels: Iterable[str] = (),
        *,
        entry_id: str | None = None,
        source: str = "",
        added: datetime | None = None,
    ) -> BankEntry:
        e = BankEntry(
            id=entry_id or f"{self.name}:{len(self.entries) + 1}",
            signal_type=signal_type,
            value=value,
            labels=tuple(labels),
            source=source,
            added=added or datetime.now(UTC),
        )
        self.entries.append(e)
        return e

    def labels_of(self, entry: BankEntry) -> tuple[str, ...]:
        return entry.labels or self.default_labels or (self.name,)


@dataclass(frozen=True, slots=True)
class Match:
    bank: str
    entry_id: str
    signal_type: str
    labels: tuple[str, ...]
    #: Hamming bits for PDQ, 0 for exact types; for text, 1 - similarity.
    distance: float
    similarity: float
    #: What matched on our side: the normalised URL or listed domain, for instance.
    matched: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank,
            "entry_id": self.entry_id,
            "signal_type": self.signal_type,
            "labels": list(self.labels),
            "distance": self.distance,
            "similarity": self.similarity,
            **({"matched": self.matched} if self.matched else {}),
        }


class BankSet:
    """All banks a detector matches against, with one fast (or naive) index per signal type."""

    def __init__(
        self,
        banks: Iterable[Bank] = (),
        *,
        naive: bool = False,
        pdq_threshold: int = 31,
        text_threshold: float = 0.6,
    ) -> None:
        self.banks: dict[str, Bank] = {}
        self.naive = naive
        self.pdq_threshold = pdq_threshold
        self.text_threshold = text_threshold
        self._where: dict[str, tuple[Bank, BankEntry]] = {}
        self._indexes: dict[str, Any] = {}
        for b in banks:
            self.add_bank(b)

    def add_bank(self, bank: Bank) -> None:
        if bank.name in self.banks:
            raise ValueError(f"two banks named {bank.name!r}")
        self.banks[bank.name] = bank
        for e in bank.entries:
            self._add_entry(bank, e)

    def _add_entry(self, bank: Bank, e: BankEntry) -> None:
        key = f"{bank.name}\x00{e.id}"
        if key in self._where:
            raise ValueError(f"bank {bank.name}: duplicate entry id {e.id!r}")
        self._where[key] = (bank, e)
        st = e.signal_type
        if st in ("url", "domain"):
            self._index("url").add(key, st, e.value)
        else:
            self._index(st).add(key, e.value)

    def _index(self, kind: str) -> Any:
        idx = self._indexes.get(kind)
        if idx is not None:
            return idx
        if kind == "url":
            idx = url.NaiveUrlIndex() if self.naive else url.UrlIndex()
        elif kind in file_hash.SIGNAL_TYPES:
            idx = file_hash.NaiveFileHashIndex(kind) if self.naive else file_hash.FileHashIndex(kind)
        elif kind == "pdq":
            from cauterize.known import pdq

            idx = pdq.NaivePdqIndex(self.pdq_threshold) if self.naive else pdq.PdqIndex(self.pdq_threshold)
        elif kind == "text_minhash":
            from cauterize.known import text_minhash

            cls = text_minhash.NaiveMinHashIndex if self.naive else text_minhash.MinHashIndex
            idx = cls(self.text_threshold)
        else:
            raise ValueError(kind)
        self._indexes[kind] = idx
        return idx

    def __len__(self) -> int:
        return len(self._where)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in sorted(self._indexes.items())}

    def _match(self, key: str, distance: float, similarity: float, matched: str = "") -> Match:
        bank, e = self._where[key]
        return Match(bank.name, e.id, e.signal_type, bank.labels_of(e), distance, similarity, matched)

    def match_text(self, text: str) -> list[Match]:
        idx = self._indexes.get("text_minhash")
        if idx is None or not text:
            return []
        return [self._match(k, round(1.0 - s, 4), s) for k, s in idx.query(text)]

    def match_url(self, link: str) -> list[Match]:
        idx = self._indexes.get("url")
        if idx is None:
            return []
        return [self._match(k, 0, 1.0, m) for k, m in idx.query(link)]

    def match_hash(self, algorithm: str, value: str) -> list[Match]:
        """A media hash as events carry it: ``md5``, ``sha256``, ``pdq``, or ``vpdq`` (frame PDQs, comma-separated)."""
        algorithm = algorithm.lower()
        if algorithm in file_hash.SIGNAL_TYPES:
            idx = self._indexes.get(algorithm)
            return [self._match(k, 0, 1.0) for k, _ in idx.query(value)] if idx is not None else []
        if algorithm not in ("pdq", "vpdq") or "pdq" not in self._indexes:
            return []
        idx = self._indexes["pdq"]
        best: dict[str, tuple[int, str]] = {}
        for frame in value.replace(";", ",").split(","):
            frame = frame.strip().split(":")[-1]  # "pdq:<hex>" or "<frame no>:<hex>" prefixes are allowed
            if len(frame) != 64:
                continue
            for k, d in idx.query(frame):
                if k not in best or d < best[k][0]:
                    best[k] = (d, frame)
        return [
            self._match(k, d, round(1.0 - d / 256, 4), f) for k, (d, f) in sorted(best.items(), key=lambda kv: kv[1])
        ]
