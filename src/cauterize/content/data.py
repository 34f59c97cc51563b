"""Readers for the public data sets in ``shared/data`` and the splits the models are measured on.

Text is read at run time and never copied into the repository. Every example carries its
*unit*: the thing that must not straddle a split. For the pro-IS tweets that is the account
(labels are per account, and an account's style would otherwise leak into the test part); for
Davidson, which has no account column, each row is its own unit; for HateCheck it is the
template, so near-identical cases stay on one side.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SPLITS = ("train", "calib", "test")


def default_data_dir() -> Path:
    env = os.environ.get("CAUTERIZE_SHARED_DATA")
    if env:
        return Path(env)
    # src/cauterize/content/data.py -> the checkout's parent holds shared/data
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int
    source: str
    unit: str
    lang: str = "en"
    #: HateCheck functionality, Davidson class, synthetic target type ...
    tag: str = ""


def split_of(unit: str, seed: int, shares: tuple[float, float] = (0.6, 0.15)) -> str:
    """A unit's split, from a seeded hash of its id: stable whatever else is in the data."""
    h = int.from_bytes(hashlib.sha256(f"{seed}:{unit}".encode()).digest()[:8], "big") / 2**64
    if h < shares[0]:
        return "train"
    if h < shares[0] + shares[1]:
        return "calib"
    return "test"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def extremist(root: Path) -> list[Example]:
    path = root / "extremist_tweets" / "isis_fanboy_tweets.csv"
    return [
        Example(r["tweets"], 1, "extremist", "acct:" + r["username"], tag=r["time"])
        for r in _rows(path)
        if r["tweets"].strip()
    ]


def davidson(root: Path) -> list[Example]:
    path = root / "general_tweets" / "davidson_labeled_tweets.csv"
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    return [
        Example(r["tweet"], 0, "davidson", "row:" + r[""], tag=names.get(r["class"], r["class"])) for r in _rows(path)
    ]


def _tweet_texts(obj: object) -> Iterable[tuple[str, str, str | None]]:
    """(id, text, author) of every tweet object in a twarc2 line, wherever it sits."""
    if isinstance(obj, dict):
        if isinstance(obj.get("text"), str) and "id" in obj and ("author_id" in obj or "edit_history_tweet_ids" in obj):
            yield str(obj["id"]), obj["text"], obj.get("author_id")
        for v in obj.values():
            yield from _tweet_texts(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _tweet_texts(v)


def benign_tweets(root: Path) -> list[Example]:
    """General-topic tweets from the twarc test payloads, de-duplicated by id, split by author."""
    seen: dict[str, Example] = {}
    folder = root / "formats" / "twitter-v2"
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            for tid, text, author in _tweet_texts(obj):
                if tid not in seen and text.strip():
                    seen[tid] = Example(text, 0, "benign", f"author:{author or tid}", lang="")
    return [seen[k] for k in sorted(seen)]


_HATECHECK = (("hatecheck_en.csv", "en"), ("mhc_arabic.csv", "ar"), ("mhc_french.csv", "fr"))
THREAT_FUNCTIONALITIES = frozenset({"threat_dir_h", "threat_norm_h"})
COUNTER_FUNCTIONALITIES = frozenset({"counter_quote_nh", "counter_ref_nh"})


def hatecheck(root: Path) -> list[Example]:
    """All HateCheck/MHC cases; ``label`` is 1 for a threat case, ``tag`` the functionality."""
    out = []
    for name, lang in _HATECHECK:
        for r in _rows(root / "threat_tests" / name):
            func = r["functionality"]
            out.append(
                Example(
                    r["test_case"].strip(),
                    int(func in THREAT_FUNCTIONALITIES),
                    "hatecheck",
                    f"templ:{lang}:{r['templ_id']}",
                    lang,
                    func,
                )
            )
    return out


def available(root: Path) -> bool:
    return (root / "extremist_tweets" / "isis_fanboy_tweets.csv").is_file()
