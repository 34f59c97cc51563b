"""The ban-evasion engine's speed-ups change no score and no decision.

Each memo (the index's trigram hits per skeleton, an account's language, the shared handle fold)
is checked against the computation it replaces: unit by unit, and end to end on a simulated world
(its own seed, never used for tuning) run once as shipped and once with every memo bypassed. The
signals (every score and every line of evidence, features included) must be the same.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.config import Config
from cauterize.evasion import handles
from cauterize.evasion.fingerprint import Fingerprint, Profile
from cauterize.evasion.index import CandidateIndex, Query
from cauterize.ingest.sources import FileSource
from cauterize.sim.config import config_from_dict
from cauterize.sim.run import simulate

T = datetime(2024, 1, 1, tzinfo=UTC)
WORLD = {
    "scenario": "test-speedups",
    "seed": 626262,
    "days": 2.0,
    "benign": {"accounts": 800},
    "networks": [
        {
            "name": "Ashen Banner",
            "slug": "ashen",
            "official": 2,
            "media": 2,
            "affiliates": 3,
            "amplifiers": 8,
            "recruiters": 1,
            "sympathisers": 15,
        }
    ],
}


def _fp(fid: int, handle: str) -> Fingerprint:
    return Fingerprint(fid, "t", f"a{fid}", (handle,), None, None, None, None, T, "terrorism", frozenset())


def test_trigram_hits_are_forgotten_when_a_fingerprint_is_added():
    index = CandidateIndex()
    index.add(_fp(1, "garden_notes"))
    q = Query("gardne_notes", None, None)  # a swap: found by trigrams only
    assert index.candidates(q) == [1]
    index.add(_fp(2, "gardne_note"))
    assert 2 in index.candidates(q), "a stale memo would not propose the new fingerprint"


def test_the_language_memo_follows_new_posts():
    p = Profile()
    for lang in ("ar", "so", "so"):
        p.note_post_lang(lang)
    assert p.language() == "so"
    p.note_post_lang("ar")  # 2 each: the earliest wins
    assert p.language() == "ar"
    p.lang = "en"
    assert p.language() == "en"


def _longhand(handle: str, keep_digits: bool) -> str:
    """skeleton / compact as they were written before the shared fold."""
    s = handles.ascii_fold(handle.lstrip("@"))
    s = handles._SEPARATORS.sub("", s)
    s = handles._LEET_INNER.sub(lambda m: m.group(0).translate(handles._LEET), s)
    for pair, letter in handles._PAIRS[:3]:
        s = s.replace(pair, letter)
    s = handles._NON_ALNUM.sub("", s)
    if not keep_digits:
        s = handles._TRAILING_DIGITS.sub("", s) or s
    return re.sub(r"(.)\1+", r"\1", s)


def test_the_shared_fold_gives_the_same_keys():
    rng = random.Random(5)
    alphabet = "abdeilmnrvw01345789_.-@ аеοΑ\u202eاب"
    for _ in range(3000):
        h = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert handles.skeleton(h) == _longhand(h, keep_digits=False), h
        assert handles.compact(h) == _longhand(h, keep_digits=True), h


def _signals(events, data_dir) -> list[tuple]:
    cfg = Config(data_dir=data_dir)
    store = open_store(cfg)
    build_pipeline(cfg, store).run([FileSource(events)], "jsonl")
    out = []
    for platform, account in sorted({(d["platform"], d["account_id"]) for d in store.iter_decisions()}):
        for s in store.signals_for(platform, account):
            if s["detector"] == "evasion":
                out.append((account, s["event_id"], s["label"], s["score"], json.dumps(s["evidence"], sort_keys=True)))
    store.close()
    return sorted(out)


def test_a_world_scores_the_same_with_every_memo_bypassed(tmp_path, monkeypatch):
    simulate(config_from_dict(WORLD), tmp_path / "events.jsonl", tmp_path / "truth.json")
    shipped = _signals(tmp_path / "events.jsonl", tmp_path / "shipped")
    assert any(s[2] == "evasion.link" for s in shipped), "the world should lead to links"

    by_trigrams = CandidateIndex._by_trigrams
    language = Profile.language

    def trigrams_afresh(self, skel):  # type: ignore[no-untyped-def]
        self._gram_hits.clear()
        return by_trigrams(self, skel)

    def language_afresh(self):  # type: ignore[no-untyped-def]
        self._lang_memo = (-1, None)
        return language(self)

    monkeypatch.setattr(CandidateIndex, "_by_trigrams", trigrams_afresh)
    monkeypatch.setattr(Profile, "language", language_afresh)
    monkeypatch.setattr(handles, "skeleton", lambda h: _longhand(h, keep_digits=False))
    monkeypatch.setattr(handles, "compact", lambda h: _longhand(h, keep_digits=True))
    for module in ("cauterize.evasion.index", "cauterize.evasion.features", "cauterize.evasion.recent"):
        for name in ("skeleton", "compact"):
            if hasattr(__import__(module, fromlist=[name]), name):
                monkeypatch.setattr(f"{module}.{name}", getattr(handles, name))
    assert _signals(tmp_path / "events.jsonl", tmp_path / "afresh") == shipped


@pytest.mark.parametrize("handle", ["ashen_media74", "@Ashen_Rnedia", "user_5_3", "", "١٢٣"])
def test_folds_of_known_handles(handle):
    assert handles.compact(handle) == _longhand(handle, keep_digits=True)
