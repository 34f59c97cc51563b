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
import re
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


def crisislex_t26(root: Path) -> list[Example]:
    """CrisisLex T26: real 2012-2013 crisis tweets. Split by *event*, so a test event's vocabulary
    (a place, a storm's name) was never seen in training; ``tag`` is ``media`` for tweets whose
    information source is a news outlet (reporting about a violent or disastrous event), else
    ``general``."""
    path = root / "general_tweets" / "crisislex_t26.csv"
    if not path.is_file():
        return []
    out = []
    for r in _rows(path):
        text = r["Tweet Text"].strip()
        if text:
            tag = "media" if r["Information Source"] == "Media" else "general"
            out.append(Example(text, 0, "crisislex_t26", "event:" + r["event"], tag=tag))
    return out


def crisislex_t6(root: Path) -> list[Example]:
    """CrisisLex T6: ``tag`` is ``off-topic`` (ordinary tweets of the time near the event) or
    ``on-topic``; split by event like T26."""
    path = root / "general_tweets" / "crisislex_t6.csv"
    if not path.is_file():
        return []
    return [
        Example(r["tweet"].strip(), 0, "crisislex_t6", "event:" + r["event"], tag=r["label"])
        for r in _rows(path)
        if r["tweet"].strip()
    ]


_DAESH = ("داعش", "الدوله الاسلاميه", "دولة الخلافة", "isis", "daesh")


def arsarcasm(root: Path) -> list[Example]:
    """ArSarcasm: ordinary Arabic tweets 2013-2017, no author column. The unit is the tweet's text
    (duplicates in the set land on one side); ``tag`` is ``daesh`` for the tweets that talk about
    IS (the Arabic hard negatives), else ``general``."""
    from cauterize.content.normalize import normalize_arabic

    path = root / "general_tweets" / "arsarcasm_train.csv"
    if not path.is_file():
        return []
    out = []
    for r in _rows(path):
        text = r["tweet"].strip().strip('"').strip()
        if not text:
            continue
        folded = normalize_arabic(text).casefold()
        tag = "daesh" if any(normalize_arabic(w) in folded for w in _DAESH) else "general"
        unit = "text:" + hashlib.sha256(folded.encode()).hexdigest()[:16]
        out.append(Example(text, 0, "arsarcasm", unit, lang="ar", tag=tag))
    return out


_IS_NAMES = re.compile(r"\b(?:isis|isil|islamic state|daesh|daish|jihadists?)\b", re.IGNORECASE)
_IS_ACRONYM = re.compile(r"\bIS\b")


def fakes(root: Path) -> list[Example]:
    """FA-KES news about the Syrian war: title and lead of one article are one unit (its id), so no
    article straddles a split. ``tag`` is ``names_is`` when the title or lead names IS, else ``war``."""
    path = root / "reporting" / "fakes_syria_news.csv"
    if not path.is_file():
        return []
    out = []
    for r in _rows(path):
        title, lead = r["article_title"].strip(), r["lead"].strip()
        both = f"{title} {lead}"
        tag = "names_is" if _IS_NAMES.search(both) or _IS_ACRONYM.search(both) else "war"
        unit = "article:" + r["unit_id"]
        if title:
            out.append(Example(title, 0, "fakes", unit, tag=tag))
        if lead:
            out.append(Example(lead, 0, "fakes", unit, tag=tag))
    return out
