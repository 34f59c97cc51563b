"""Generate a synthetic canonical-JSONL stream for throughput benchmarks (not a simulated world).

The mix follows a busy platform: mostly posts (with hashtags, mentions, reposts), many follows,
some profile changes, few reports and enforcements. Deterministic for a given seed.

    python bench/gen_events.py --events 1000000 --out bench/out/events-1m.jsonl
    python bench/gen_events.py --events 1000000 --format twitter-v2 --out bench/out/twitter-1m.jsonl

With ``--format twitter-v2`` the same stream goes through ``cauterize.emit.twitter_v2``: posts and
profiles become twarc2 pages of 100 tweets with their authors in ``includes.users``; follows,
reports and enforcement have no page form and are left out.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cauterize.events import (
    AccountCreated,
    EnforcementApplied,
    Follow,
    Mention,
    PostCreated,
    PostRef,
    ProfileChanged,
    ReportFiled,
    encode_event,
)

WORDS = [
    "the",
    "a",
    "news",
    "today",
    "garden",
    "match",
    "photo",
    "city",
    "rain",
    "music",
    "film",
    "road",
    "team",
    "market",
    "school",
    "river",
    "light",
]
TAGS = ["news", "AshenBanner", "football", "weather", "music", "cityhall", "election", "tulips"]
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def generate(n_events: int, seed: int = 1):
    rng = random.Random(seed)
    n_accounts = max(100, n_events // 20)
    t = T0
    post_seq = 0
    for i in range(n_events):
        t += timedelta(milliseconds=rng.randint(1, 60))
        actor = str(rng.randrange(n_accounts))
        r = rng.random()
        eid = f"b{i}"
        if r < 0.05:
            yield AccountCreated(
                platform="bench",
                event_id=eid,
                actor=actor,
                time=t,
                handle=f"user_{actor}",
                display_name=f"User {actor}",
            )
        elif r < 0.08:
            yield ProfileChanged(platform="bench", event_id=eid, actor=actor, time=t, handle=f"user_{actor}_{i % 7}")
        elif r < 0.70:
            post_seq += 1
            text = " ".join(rng.choices(WORDS, k=rng.randint(4, 20)))
            repost = rng.random() < 0.25 and post_seq > 1
            yield PostCreated(
                platform="bench",
                event_id=eid,
                actor=actor,
                time=t,
                post_id=str(post_seq),
                text="" if repost else text,
                lang="en",
                hashtags=tuple(rng.sample(TAGS, k=rng.randint(0, 2))),
                mentions=(Mention(handle=f"user_{(m := rng.randrange(n_accounts))}", account_id=str(m)),)
                if rng.random() < 0.3
                else (),
                repost_of=PostRef(post_id=str(rng.randrange(1, post_seq)), account_id=str(rng.randrange(n_accounts)))
                if repost
                else None,
            )
        elif r < 0.98:
            yield Follow(platform="bench", event_id=eid, actor=actor, time=t, target=str(rng.randrange(n_accounts)))
        elif r < 0.99:
            yield ReportFiled(
                platform="bench", event_id=eid, actor=actor, time=t, target=str(rng.randrange(n_accounts))
            )
        else:
            yield EnforcementApplied(platform="bench", event_id=eid, actor=actor, time=t, action="suspend")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["jsonl", "twitter-v2"], default="jsonl")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        if args.format == "twitter-v2":
            from cauterize.emit.twitter_v2 import encode_pages

            for page in encode_pages(generate(args.events, args.seed), on_skip=lambda e, r: None):
                f.write(page.rstrip(b"\n") + b"\n")
        else:
            for e in generate(args.events, args.seed):
                f.write(encode_event(e) + b"\n")


if __name__ == "__main__":
    main()
