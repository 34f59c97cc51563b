"""Images and video frames by PDQ (Meta's perceptual hash, 256 bits, via the ``pdqhash`` package).

A re-encoded, resized or lightly cropped copy of an image lands a few bits away from the
original; unrelated images sit around 128 bits apart. The default match threshold, 31 bits,
is the one python-threatexchange uses for PDQ.

Hex strings follow python-threatexchange's convention (the 256 bits in pdqhash's order, four
bits per hex digit), so hashes from its ``threatexchange hash photo`` and from banks it
exports compare directly with ours.

The fast index is multi-index hashing: the hash is cut into 16 chunks of 16 bits; two hashes
within ``t`` bits agree to within ``t // 16`` bits on at least one chunk (pigeonhole), so
probing each chunk's table with every value that close (1 + 16 values per chunk at t = 31)
finds every candidate, which is then verified with an exact popcount. The naive index
popcounts against every hash.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

SIGNAL_TYPE = "pdq"
DEFAULT_THRESHOLD = 31
#: pdqhash's quality (0-100); below this the image is nearly flat and its hash means little.
MIN_QUALITY = 50
_CHUNKS = 16


def normalize(value: str) -> str:
    v = value.strip().lower()
    if len(v) != 64:
        raise ValueError(f"not a PDQ hex hash: {value!r}")
    int(v, 16)
    return v


def hash_image(image: Any) -> tuple[str, int]:
    """PDQ hex and quality of a Pillow image, a numpy RGB array, a path or bytes (needs the ``media`` extra)."""
    import pdqhash

    arr = _rgb_array(image)
    bits, quality = pdqhash.compute(arr)
    return bits_to_hex(np.asarray(bits)), int(quality)


def hash_frames(frames: Any) -> list[tuple[str, int]]:
    """PDQ of each video frame (RGB arrays or images), e.g. one frame a second from a decoder."""
    return [hash_image(f) for f in frames]


def _rgb_array(image: Any) -> np.ndarray:
    if isinstance(image, np.ndarray):
        return np.ascontiguousarray(image[..., :3], dtype=np.uint8)
    from PIL import Image

    if isinstance(image, bytes | bytearray):
        import io

        image = Image.open(io.BytesIO(image))
    elif not isinstance(image, Image.Image):
        image = Image.open(image)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def bits_to_hex(bits: np.ndarray) -> str:
    nibbles = bits.astype(np.uint8).reshape(64, 4) @ np.array([8, 4, 2, 1], dtype=np.uint8)
    return "".join("0123456789abcdef"[n] for n in nibbles)


def to_words(hexes: list[str] | str) -> np.ndarray:
    """Hex hashes -> uint64[n, 4] (big-endian words, so chunk j is hex digits 4j..4j+3)."""
    if isinstance(hexes, str):
        hexes = [hexes]
    raw = bytes.fromhex("".join(normalize(h) for h in hexes))
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)


def distances(words: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.bitwise_count(words ^ q.reshape(1, 4)).sum(axis=1, dtype=np.int32)


def _chunks(words: np.ndarray) -> np.ndarray:
    """uint64[n, 4] -> uint16-valued int64[n, 16]."""
    shifts = np.array([48, 32, 16, 0], dtype=np.uint64)
    c = (words[:, :, None] >> shifts[None, None, :]) & np.uint64(0xFFFF)
    return c.reshape(-1, _CHUNKS).astype(np.int64)


def _flips(radius: int) -> np.ndarray:
    masks = [0]
    for r in range(1, radius + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(16), r)]
    return np.array(masks, dtype=np.int64)


class _Base:
    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._ids: list[str] = []
        self._pending: list[str] = []
        self._words = np.zeros((0, 4), dtype=np.uint64)

    def add(self, entry_id: str, value: str) -> None:
        self._pending.append(normalize(value))
        self._ids.append(entry_id)

    def add_many(self, entry_ids: list[str], words: np.ndarray) -> None:
        """Bulk load (a bank of a million hashes): ``words`` as from :func:`to_words`."""
        self._flush()
        self._ids.extend(entry_ids)
        self._words = np.vstack([self._words, words])
        self._rebuild()

    def __len__(self) -> int:
        return len(self._ids)

    def _flush(self) -> None:
        if self._pending:
            self._words = np.vstack([self._words, to_words(self._pending)])
            self._pending = []
            self._rebuild()

    def _rebuild(self) -> None:
        pass

    def query(self, value: str) -> list[tuple[str, int]]:
        """(entry id, Hamming distance) for every hash within the threshold, nearest first."""
        self._flush()
        q = to_words(value)[0]
        idx = self._candidates(q)
        if len(idx) == 0:
            return []
        d = distances(self._words[idx], q)
        keep = d <= self.threshold
        return sorted(
            ((self._ids[i], int(x)) for i, x in zip(idx[keep], d[keep], strict=True)), key=lambda m: (m[1], m[0])
        )

    def _candidates(self, q: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class NaivePdqIndex(_Base):
    """Popcount against every hash (vectorised, but linear in the bank)."""

    def _candidates(self, q: np.ndarray) -> np.ndarray:
        return np.arange(len(self._ids))


class PdqIndex(_Base):
    """Multi-index hashing on 16 chunks of 16 bits (see the module docstring)."""

    def _rebuild(self) -> None:
        # One flat CSR table over all 16 chunks (chunk j's offsets shifted by j * n), so that a
        # query gathers all 16 x 17 probed buckets in a handful of numpy calls, no Python loop.
        chunks = _chunks(self._words)
        n = len(chunks)
        dtype = np.int32 if _CHUNKS * n < 2**31 else np.int64
        self._order = np.empty(_CHUNKS * n, dtype=dtype)
        self._offsets = np.empty((_CHUNKS, 65537), dtype=np.int64)
        for j in range(_CHUNKS):
            self._order[j * n : (j + 1) * n] = np.argsort(chunks[:, j], kind="stable")
            self._offsets[j, 0] = j * n
            np.cumsum(np.bincount(chunks[:, j], minlength=65536), out=self._offsets[j, 1:])
            self._offsets[j, 1:] += j * n
        self._masks = _flips(self.threshold // _CHUNKS)
        self._rows = np.arange(_CHUNKS).reshape(-1, 1)

    def _candidates(self, q: np.ndarray) -> np.ndarray:
        if not self._ids:
            return np.zeros(0, dtype=np.int64)
        qc = _chunks(q.reshape(1, 4))[0]
        probes = qc.reshape(-1, 1) ^ self._masks.reshape(1, -1)
        starts = self._offsets[self._rows, probes].ravel()
        lens = self._offsets[self._rows, probes + 1].ravel() - starts
        total = int(lens.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        # positions = each bucket's start, repeated over its length, plus 0..len-1 within it
        first = np.cumsum(lens) - lens
        pos = np.repeat(starts - first, lens) + np.arange(total)
        # Duplicates (a hash close on several chunks) are removed after the distance filter.
        return self._order[pos]

    def query(self, value: str) -> list[tuple[str, int]]:
        hits = super().query(value)
        return sorted(set(hits), key=lambda m: (m[1], m[0])) if len(hits) > 1 else hits
