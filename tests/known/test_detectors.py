from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from cauterize.detectors.hashtag_storm import HashtagStormDetector
from cauterize.detectors.known_material import KnownMaterialDetector
from cauterize.detectors.registry import build_detectors
from cauterize.events import MediaRef, PostCreated
from cauterize.known import io as bank_io
from cauterize.known.banks import Bank

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
MD5 = hashlib.md5(b"ashen banner clip").hexdigest()


class Ctx:
    def __init__(self, statuses: dict[str, str] | None = None) -> None:
        self.statuses = statuses or {}

    def account(self, platform: str, account_id: str) -> SimpleNamespace | None:
        s = self.statuses.get(account_id)
        return None if s is None else SimpleNamespace(platform=platform, account_id=account_id, handle=None, status=s)


def post(i: int, actor: str, minutes: float = 0, **kw: object) -> PostCreated:
    return PostCreated(
        platform="testnet", event_id=f"ev{i}", actor=actor, time=T0 + timedelta(minutes=minutes), post_id=f"p{i}", **kw
    )  # type: ignore[arg-type]


def test_known_material_detector_from_a_bank_file(tmp_path: Path) -> None:
    bank = Bank("tat")
    bank.add("md5", MD5, ["terrorist_media"], entry_id="2819")
    bank.add("domain", "files.example", ["file_locker"], entry_id="d1")
    bank_io.dump([bank], tmp_path / "bank.csv")
    det = build_detectors({"known_material": {"banks": [str(tmp_path / "bank.csv")]}})
    [km] = [d for d in det if d.name == "known_material"]
    sigs = list(
        km.detect(
            post(
                1,
                "a1",
                media=(MediaRef(media_id="m9", type="video", hashes={"md5": MD5}),),
                urls=("https://x.files.example/q",),
            ),
            Ctx(),
        )
    )
    by_label = {s.label: s for s in sigs}
    assert set(by_label) == {"known.terrorist_media", "known.file_locker"}
    ev = by_label["known.terrorist_media"].evidence
    assert (ev["bank"], ev["entry_id"], ev["signal_type"], ev["distance"], ev["media_id"]) == (
        "tat",
        "2819",
        "md5",
        0,
        "m9",
    )
    assert by_label["known.file_locker"].evidence["url"] == "https://x.files.example/q"
    assert list(km.detect(post(2, "a1", text="nothing to see here", urls=("https://files.example.org/",)), Ctx())) == []


def test_known_material_detector_text_and_pdq() -> None:
    pytest.importorskip("numpy")
    statement = "The Ashen Banner names the traitors of the valley and promises they will answer for it this winter."
    h = "0f" * 32
    bank = Bank("statements")
    bank.add("text_minhash", statement, ["manifesto"], entry_id="s1")
    bank.add("pdq", h, ["terrorist_media"], entry_id="img1")
    km = KnownMaterialDetector(bank_objects=[bank])
    copy = "👉 the ASHEN banner names the traitors of the valley & promises they will answer for it, this winter!! https://t.co/q"
    near = f"{int(h, 16) ^ (0b111 << 100):064x}"
    sigs = list(
        km.detect(post(1, "a1", text=copy, media=(MediaRef(media_id="m1", type="image", hashes={"pdq": near}),)), Ctx())
    )
    got = {(s.label, s.evidence["entry_id"], s.evidence["distance"]) for s in sigs}
    assert ("known.terrorist_media", "img1", 3) in got
    [text_sig] = [s for s in sigs if s.label == "known.manifesto"]
    assert text_sig.evidence["field"] == "text" and text_sig.evidence["similarity"] >= 0.9
    # too short to call a copy of anything
    assert list(km.detect(post(2, "a1", text="the ashen banner"), Ctx())) == []


def _storm_detector() -> HashtagStormDetector:
    return HashtagStormDetector(bucket_minutes=5, window_minutes=30, baseline_hours=6, jump=4, min_uses=15)


def test_hashtag_storm_carried_by_flagged_accounts_fires() -> None:
    det = _storm_detector()
    flagged = {f"f{i}": "suspended" for i in range(20)}
    ctx = Ctx(flagged)
    i = 0
    # a quiet baseline: one use every 20 minutes by ordinary accounts over 5 hours
    for k in range(15):
        i += 1
        assert not list(det.detect(post(i, f"u{k}", minutes=k * 20, hashtags=("#MillGathering",)), ctx))
    # then a burst: 20 flagged and 5 ordinary accounts in 10 minutes
    sigs = []
    for k in range(25):
        i += 1
        actor = f"f{k}" if k < 20 else f"u{100 + k}"
        sigs += det.detect(post(i, actor, minutes=300 + k * 0.4, hashtags=("#MillGathering", "#news")), ctx)
    assert sigs, "the storm should fire"
    assert {s.label for s in sigs} == {"storm.hashtag"}
    assert {s.evidence["hashtag"] for s in sigs} == {"millgathering", "news"}
    assert all(s.account_id in flagged for s in sigs)
    assert all(s.evidence["flagged_share"] >= 0.5 for s in sigs)
    # one signal per tag per account per window
    assert len({(s.account_id, s.evidence["hashtag"]) for s in sigs}) == len(sigs)


def test_hashtag_jump_by_ordinary_accounts_does_not_fire() -> None:
    det = _storm_detector()
    ctx = Ctx({"f0": "suspended", "f1": "suspended"})
    sigs = []
    for k in range(40):
        sigs += det.detect(post(k, f"f{k}" if k < 2 else f"u{k}", minutes=k * 0.3, hashtags=("#Flood",)), ctx)
    assert sigs == []


def test_steady_tag_used_by_flagged_accounts_does_not_fire() -> None:
    det = _storm_detector()
    ctx = Ctx({f"f{i}": "suspended" for i in range(10)})
    early, late = [], []
    # 30 uses per 30 minutes for twelve hours. The first half hour is a jump from nothing, which
    # is by design (a brand-new campaign tag is the typical storm); once a baseline exists, no jump.
    for k in range(720):
        (early if k < 60 else late).extend(det.detect(post(k, f"f{k % 10}", minutes=k, hashtags=("#Daily",)), ctx))
    assert early and late == []


def test_hashtag_storm_state_is_bounded() -> None:
    det = HashtagStormDetector(max_tags=50, max_flagged=10, baseline_hours=1, window_minutes=10, bucket_minutes=5)
    for k in range(500):
        det.detect(post(k, "u", minutes=k, hashtags=(f"#t{k}", "#always")), Ctx())
        det.mark_flagged("testnet", f"x{k}")
    size = det.state_size()
    assert size["tags"] == 50 and size["flagged"] == 10
    assert size["buckets"] <= 50 * (60 // 5 + 10 // 5 + 1)
    assert det.is_flagged("testnet", "x499", None) and not det.is_flagged("testnet", "x0", None)
