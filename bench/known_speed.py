"""Matching speed of the known-material indexes, one process.

    .venv/bin/python bench/known_speed.py [--texts 20000] [--text-bank 100000] [--pdq-bank 1000000]
                                          [--pdq-queries 2000] [--repeat 3] [--json out.json]

Everything is synthetic: texts are random word sequences about the size of a post, PDQ
hashes random 256-bit strings (the worst case for the fast index is a bank with much more
structure than this; real banks hold near-duplicates, which cluster, see docs). Reported:

- text: normalise + MinHash signature per text (ours, single and batched; datasketch's
  ``MinHash`` over the same shingles when it is installed), and a query against a bank of
  ``--text-bank`` statements (LSH and the naive scan);
- PDQ: lookups per second against ``--pdq-bank`` hashes, multi-index vs naive popcount scan,
  for near-duplicate queries (a bank hash with 0-31 bits flipped) and for random ones; image
  hashing with pdqhash when installed;
- exact file hashes and URLs: lookups per second.

Best of ``--repeat`` runs; wall-clock rates.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _texts(rng: random.Random, n: int) -> list[str]:
    words = [f"{a}{b}" for a in ("ash", "ban", "mill", "grey", "flag", "wint", "coun", "vall") for b in range(120)]
    out = []
    for _ in range(n):
        ws = [rng.choice(words) for _ in range(rng.randint(10, 40))]
        if rng.random() < 0.3:
            ws.append("https://t.example/" + str(rng.randrange(10**6)))
        if rng.random() < 0.3:
            ws.insert(0, "🔥")
        out.append(" ".join(ws) + rng.choice([".", "!", "!!", ""]))
    return out


def bench_text(n: int, bank_n: int, repeat: int) -> dict[str, Any]:
    from cauterize.known import text_minhash as tm

    rng = random.Random(1)
    texts = _texts(rng, n)
    res: dict[str, Any] = {"texts": n, "mean_chars": round(sum(map(len, texts)) / n, 1)}
    res["normalise_per_s"] = n / _best(lambda: [tm.normalize(t) for t in texts], repeat)
    res["signature_per_s"] = n / _best(lambda: [tm.signature(t) for t in texts], repeat)
    res["signature_batched_per_s"] = n / _best(lambda: tm.signatures(texts), repeat)
    try:
        from datasketch import MinHash

        norms = [tm.normalize(t) for t in texts]

        def ds() -> None:
            for s in norms:
                m = MinHash(num_perm=tm.NUM_PERM)
                m.update_batch([s[i : i + tm.SHINGLE].encode() for i in range(max(1, len(s) - tm.SHINGLE + 1))])

        res["datasketch_minhash_per_s"] = n / _best(ds, repeat)
        res["datasketch_note"] = (
            "MinHash(num_perm=128).update_batch over the same 5-char shingles, texts pre-normalised"
        )
    except ImportError:
        res["datasketch_minhash_per_s"] = None
    bank = _texts(random.Random(2), bank_n)
    fast = tm.MinHashIndex()
    t = time.perf_counter()
    for i, s in enumerate(bank):
        fast.add(str(i), s)
    res["bank"] = bank_n
    res["bank_build_s"] = round(time.perf_counter() - t, 2)
    naive = tm.NaiveMinHashIndex()
    naive._entries = list(zip(fast._ids, fast._sigs, strict=True))  # same signatures, no second hashing
    queries = texts[: n // 2] + [bank[i] + " 🔥 https://x.example/" for i in range(n // 2)]
    half = n // 2
    res["queries"] = (
        f"{half} fresh texts (should not match) + {half} bank texts with an emoji and a link added (should)"
    )
    res["fresh_matched"] = sum(bool(fast.query(q)) for q in queries[:half])
    res["copies_matched"] = sum(bool(fast.query(q)) for q in queries[half:])
    res["query_lsh_per_s"] = len(queries) / _best(lambda: [fast.query(q) for q in queries], repeat)
    sigs = [tm.signature(q) for q in queries[:200]]
    res["query_naive_per_s"] = 200 / _best(lambda: [naive.query_signature(s) for s in sigs if s is not None], 1)
    return res


def bench_pdq(bank_n: int, n_q: int, repeat: int) -> dict[str, Any]:
    from cauterize.known import pdq

    rng = np.random.default_rng(3)
    words = rng.integers(0, 2**63, (bank_n, 4), dtype=np.uint64) | (
        rng.integers(0, 2, (bank_n, 4), dtype=np.uint64) << np.uint64(63)
    )
    ids = [str(i) for i in range(bank_n)]
    res: dict[str, Any] = {"bank": bank_n}
    t = time.perf_counter()
    fast = pdq.PdqIndex()
    fast.add_many(ids, words)
    res["build_fast_s"] = round(time.perf_counter() - t, 2)
    naive = pdq.NaivePdqIndex()
    naive.add_many(ids, words)

    def hexes(rows: np.ndarray) -> list[str]:
        return [row.astype(">u8").tobytes().hex() for row in rows]

    near_rows = words[rng.integers(0, bank_n, n_q)].copy()
    for r in near_rows:
        for b in rng.choice(256, int(rng.integers(0, 32)), replace=False):
            r[b // 64] ^= np.uint64(1) << np.uint64(b % 64)
    near = hexes(near_rows)
    rand = hexes(rng.integers(0, 2**63, (n_q, 4), dtype=np.uint64))
    assert all(fast.query(q) for q in near[:50])
    res["fast_near_lookups_per_s"] = n_q / _best(lambda: [fast.query(q) for q in near], repeat)
    res["fast_random_lookups_per_s"] = n_q / _best(lambda: [fast.query(q) for q in rand], repeat)
    k = max(20, n_q // 50)
    res["naive_lookups_per_s"] = k / _best(lambda: [naive.query(q) for q in near[:k]], 1)
    agree = all(fast.query(q) == naive.query(q) for q in near[:k] + rand[:k])
    res["fast_equals_naive_on_sample"] = agree
    try:
        from PIL import Image

        img = Image.fromarray(np.random.default_rng(4).integers(0, 256, (480, 640, 3), dtype=np.uint8), "RGB")
        res["pdq_hash_640x480_per_s"] = 50 / _best(lambda: [pdq.hash_image(img) for _ in range(50)], repeat)
    except ImportError:
        res["pdq_hash_640x480_per_s"] = None
    return res


def bench_exact(repeat: int) -> dict[str, Any]:
    import hashlib

    from cauterize.known import file_hash, url

    fh = file_hash.FileHashIndex("md5")
    for i in range(200_000):
        fh.add(str(i), hashlib.md5(str(i).encode()).hexdigest())
    qs = [hashlib.md5(str(i * 7).encode()).hexdigest() for i in range(50_000)]
    ui = url.UrlIndex()
    for i in range(100_000):
        ui.add(str(i), "domain" if i % 2 else "url", f"h{i}.example" if i % 2 else f"https://h{i}.example/p")
    us = [f"https://www.a.h{i * 3}.example/p/?utm_source=x" for i in range(50_000)]
    return {
        "md5_bank": 200_000,
        "md5_lookups_per_s": len(qs) / _best(lambda: [fh.query(q) for q in qs], repeat),
        "url_bank": 100_000,
        "url_lookups_per_s": len(us) / _best(lambda: [ui.query(u) for u in us], repeat),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=20_000)
    ap.add_argument("--text-bank", type=int, default=100_000)
    ap.add_argument("--pdq-bank", type=int, default=1_000_000)
    ap.add_argument("--pdq-queries", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    out = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "numpy": np.__version__},
        "text": bench_text(a.texts, a.text_bank, a.repeat),
        "pdq": bench_pdq(a.pdq_bank, a.pdq_queries, a.repeat),
        "exact": bench_exact(a.repeat),
    }
    text = json.dumps(out, indent=1, default=lambda x: round(x, 1) if isinstance(x, float) else str(x))
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
