"""Near-duplicates of known statements: MinHash over character shingles, LSH banding.

Copies of a statement get re-posted with a link swapped, emojis added, punctuation and case
changed and letters styled (full-width, mathematical bold). Normalising removes all of that
before shingling, so such a copy has the same shingles as the original, and a light edit
(a word added or dropped) keeps most of them.

The MinHash is our own, vectorised with numpy: datasketch's ``MinHash.update`` is a Python
call per shingle (see docs/benchmarks-known-material.md for the measured rates), too slow for a
path that sees every post. Shingles are 5-character windows hashed with a polynomial rolling
hash over the code points (all windows at once), then permuted by 128 multiply-shift hashes
(64-bit multiply-add, keep the high 32 bits of the minimum); the signature is the minimum per permutation.

The fast index is a banding LSH (32 bands x 4 rows, dicts keyed by band bytes): a pair with
Jaccard similarity s shares a band with probability 1 - (1 - s^4)^32 (0.988 at s = 0.6,
0.9999 at s = 0.8). Candidates are then verified by the signature estimate, the same number
the naive index computes against every entry, so both return the same matches whenever the
bands catch the pair.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

SIGNAL_TYPE = "text_minhash"
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
DEFAULT_THRESHOLD = 0.6

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|me|ly|to|co|cc|info|xyz)(?:/\S*)?")
_MENTION = re.compile(r"@\w+")
_NON_WORD = re.compile(r"[\W_]+")

_rng = np.random.default_rng(0x5EED)  # fixed: signatures must agree across processes and releases
_A = (_rng.integers(1, 2**63, NUM_PERM, dtype=np.uint64) | np.uint64(1)).reshape(-1, 1)
_B = _rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64).reshape(-1, 1)
_POW = np.array([pow(1_000_003, k, 2**64) for k in range(SHINGLE)], dtype=np.uint64)


def normalize(text: str) -> str:
    """NFKC + casefold, without links, mentions, emojis and punctuation; whitespace collapsed."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    # \W covers punctuation, symbols and emojis; the underscore is \w, hence [\W_].
    return " ".join(_NON_WORD.sub(" ", t).split())


def shingles(norm: str) -> np.ndarray:
    """64-bit hashes of every 5-character window (one for a shorter text)."""
    codes = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return (codes * _POW[: len(codes)]).sum(dtype=np.uint64, keepdims=True)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h += codes[k : k + n] * _POW[k]
    return h


def signature(text: str, *, normalized: bool = False) -> np.ndarray | None:
    """The MinHash signature (uint32[128]) or ``None`` for a text with nothing left to hash."""
    norm = text if normalized else normalize(text)
    if not norm:
        return None
    # Repeated shingles do not change a minimum, so no np.unique (it costs more than it saves).
    x = shingles(norm).reshape(1, -1)
    # The shift is monotonic, so it is applied to the 128 minima rather than to every product.
    return ((_A * x + _B).min(axis=1) >> np.uint64(32)).astype(np.uint32)


def signatures(texts: list[str], chunk: int = 64) -> list[np.ndarray | None]:
    """Signatures of many texts, ``chunk`` at a time in one numpy pass (bulk loads, batched pipelines)."""
    # Small chunks: a (128, all shingles) uint64 block for thousands of texts falls out of cache.
    out: list[np.ndarray | None] = []
    for i in range(0, len(texts), chunk):
        out.extend(_signatures(texts[i : i + chunk]))
    return out


def _signatures(texts: list[str]) -> list[np.ndarray | None]:
    norms = [normalize(t) for t in texts]
    parts = [shingles(n) for n in norms if n]
    if not parts:
        return [None] * len(texts)
    lengths = np.array([len(p) for p in parts])
    starts = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    x = np.concatenate(parts).reshape(1, -1)
    mins = (np.minimum.reduceat(_A * x + _B, starts, axis=1) >> np.uint64(32)).astype(np.uint32)
    it = iter(mins.T)
    return [np.ascontiguousarray(next(it)) if n else None for n in norms]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


class MinHashIndex:
    """Banding LSH; candidates verified against the stored signatures."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._sigs: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._bands: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]

    def add(self, entry_id: str, text: str) -> None:
        sig = signature(text)
        if sig is None:
            raise ValueError(f"entry {entry_id}: nothing left of the text after normalising")
        i = len(self._ids)
        self._ids.append(entry_id)
        self._sigs.append(sig)
        self._matrix = None
        for b in range(BANDS):
            self._bands[b].setdefault(sig[b * ROWS : (b + 1) * ROWS].tobytes(), []).append(i)

    def __len__(self) -> int:
        return len(self._ids)

    def query(self, text: str) -> list[tuple[str, float]]:
        """(entry id, estimated Jaccard similarity) for every entry at or above the threshold."""
        sig = signature(text)
        return [] if sig is None else self.query_signature(sig)

    def query_signature(self, sig: np.ndarray) -> list[tuple[str, float]]:
        cands: set[int] = set()
        for b in range(BANDS):
            hit = self._bands[b].get(sig[b * ROWS : (b + 1) * ROWS].tobytes())
            if hit:
                cands.update(hit)
        if not cands:
            return []
        if self._matrix is None:
            self._matrix = np.vstack(self._sigs)
        idx = np.fromiter(cands, dtype=np.int64, count=len(cands))
        sims = (self._matrix[idx] == sig).sum(axis=1) / NUM_PERM
        keep = sims >= self.threshold
        return sorted(((self._ids[i], float(s)) for i, s in zip(idx[keep], sims[keep], strict=True)), key=_rank)


class NaiveMinHashIndex:
    """Compares the signature with every entry: the reference for :class:`MinHashIndex`."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._entries: list[tuple[str, np.ndarray]] = []

    def add(self, entry_id: str, text: str) -> None:
        sig = signature(text)
        if sig is None:
            raise ValueError(f"entry {entry_id}: nothing left of the text after normalising")
        self._entries.append((entry_id, sig))

    def __len__(self) -> int:
        return len(self._entries)

    def query(self, text: str) -> list[tuple[str, float]]:
        sig = signature(text)
        return [] if sig is None else self.query_signature(sig)

    def query_signature(self, sig: np.ndarray) -> list[tuple[str, float]]:
        out = [(e, similarity(s, sig)) for e, s in self._entries]
        return sorted(((e, s) for e, s in out if s >= self.threshold), key=_rank)


def _rank(m: tuple[str, float]) -> tuple[float, str]:
    return (-m[1], m[0])
