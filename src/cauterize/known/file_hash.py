"""Exact file hashes (md5, sha256): a re-encoded copy does not match, an identical file does."""

from __future__ import annotations

import re

SIGNAL_TYPES = {"md5": 32, "sha256": 64}
_HEX = re.compile(r"^[0-9a-f]+$")


def normalize(signal_type: str, value: str) -> str:
    v = value.strip().lower()
    n = SIGNAL_TYPES[signal_type]
    if len(v) != n or not _HEX.match(v):
        raise ValueError(f"not a {signal_type} hex digest: {value!r}")
    return v


class FileHashIndex:
    """Exact lookup: a dict from digest to entry ids."""

    def __init__(self, signal_type: str) -> None:
        self.signal_type = signal_type
        self._by_value: dict[str, list[str]] = {}

    def add(self, entry_id: str, value: str) -> None:
        self._by_value.setdefault(normalize(self.signal_type, value), []).append(entry_id)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_value.values())

    def query(self, value: str) -> list[tuple[str, int]]:
        try:
            v = normalize(self.signal_type, value)
        except ValueError:
            return []
        return [(e, 0) for e in self._by_value.get(v, ())]


class NaiveFileHashIndex:
    """Linear scan, the reference for :class:`FileHashIndex`."""

    def __init__(self, signal_type: str) -> None:
        self.signal_type = signal_type
        self._entries: list[tuple[str, str]] = []

    def add(self, entry_id: str, value: str) -> None:
        self._entries.append((entry_id, normalize(self.signal_type, value)))

    def __len__(self) -> int:
        return len(self._entries)

    def query(self, value: str) -> list[tuple[str, int]]:
        try:
            v = normalize(self.signal_type, value)
        except ValueError:
            return []
        return [(e, 0) for e, x in self._entries if x == v]
