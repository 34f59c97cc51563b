"""Ban-evasion scoring latency against a large registry of suspended fingerprints.

    python bench/evasion_speed.py --fingerprints 1000000 --queries 2000

Builds a registry of synthetic suspended accounts (handles from name parts, as the simulator
makes them; audiences drawn from a pool of 200,000 accounts), then times scoring new accounts
that are, in turn, a variant of a registered handle (with two promoters from its audience) and
an unrelated name. Reports median and p95 per query on one core and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from cauterize.evasion.engine import EvasionEngine
from cauterize.evasion.fingerprint import Fingerprint, Profile

FIRST = [
    "abu",
    "umm",
    "ashen",
    "cinder",
    "north",
    "south",
    "east",
    "west",
    "media",
    "wire",
    "news",
    "relay",
    "omar",
    "ali",
    "hassan",
    "talha",
    "harith",
    "bakr",
]
SECOND = [
    "banner",
    "ring",
    "media",
    "office",
    "valley",
    "desk",
    "press",
    "agency",
    "front",
    "voice",
    "light",
    "storm",
    "harith",
    "talha",
    "yusuf",
    "noor",
]
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def handle(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)}{rng.choice(['_', '', '.'])}{rng.choice(SECOND)}{rng.randrange(100000)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fingerprints", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    engine = EvasionEngine()
    started = time.perf_counter()
    handles = []
    for fid in range(1, args.fingerprints + 1):
        h = handle(rng)
        handles.append(h)
        audience = frozenset(f"u{rng.randrange(200_000)}" for _ in range(rng.randint(0, 12)))
        engine.index.add(
            Fingerprint(
                fid, "bench", f"s{fid}", (h,), h.replace("_", " ").title(), None,
                f"av{rng.randrange(10**9)}", "en", T0, "terrorism", audience, Counter(),
            )
        )  # fmt: skip
    built = time.perf_counter() - started
    rss_built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    hits = 0
    at = T0 + timedelta(minutes=15)
    for i in range(args.queries):
        if i % 2 == 0:
            target = rng.randrange(args.fingerprints)
            fp = engine.index.fingerprints[target + 1]
            h = handles[target] + "7"
            promoters = frozenset(list(fp.audience)[:2])
        else:
            h, promoters, target = handle(rng) + "x", frozenset(), -1
        acct = f"n{i}"
        engine.profiles[acct] = Profile(handle=h, handles=[h], lang="en", created_at=at)
        t = time.perf_counter()
        obs = engine.observe(acct, at)
        obs.promoters = promoters  # type: ignore[union-attr]
        ranked = engine.rank(obs)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t)
        if target >= 0 and ranked and ranked[0][1].fid == target + 1:
            hits += 1
    times.sort()
    print(
        f"fingerprints={args.fingerprints} build_s={built:.1f} rss_after_build_mb={rss_built:.0f} "
        f"queries={args.queries} median_ms={statistics.median(times) * 1000:.2f} "
        f"p95_ms={times[int(len(times) * 0.95)] * 1000:.2f} "
        f"variant_parent_first={hits / (args.queries // 2):.3f}"
    )


if __name__ == "__main__":
    main()
