from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cauterize.known import io as bank_io
from cauterize.known.banks import Bank, BankSet

T = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
PDQ = "f" * 16 + "0" * 16 + "a5" * 16
MD5 = hashlib.md5(b"ashen banner video").hexdigest()
SHA = hashlib.sha256(b"ashen banner leaflet").hexdigest()
TEXT = "The Ashen Banner will gather at the old mill before the winter council, grey flags in hand."


def _banks() -> list[Bank]:
    media = Bank("media", default_labels=("terrorist_media",))
    media.add("pdq", PDQ, ["terrorist_media", "ideology.far-right"], entry_id="m1", source="tat:jpg", added=T)
    media.add("md5", MD5, ["terrorist_media"], entry_id="m2", source="tat:mp4", added=T)
    media.add("sha256", SHA, ["terrorist_media"], entry_id="m3", source="analyst", added=T)
    other = Bank("statements")
    other.add("text_minhash", TEXT, ["manifesto"], entry_id="s1", source="analyst", added=T)
    other.add("url", "https://paste.example/abc", ["paste_site"], entry_id="u1", added=T)
    other.add("domain", "files.example", ["file_locker"], entry_id="d1", added=T)
    return [media, other]


def _triples(banks: list[Bank], types: set[str] | None = None) -> set[tuple[str, str, tuple[str, ...]]]:
    return {
        (e.signal_type, e.value, b.labels_of(e))
        for b in banks
        for e in b.entries
        if not types or e.signal_type in types
    }


def test_json_round_trip_is_lossless(tmp_path: Path) -> None:
    banks = _banks()
    bank_io.dump(banks, tmp_path / "b.json", "json")
    back = bank_io.load(tmp_path / "b.json")
    assert [(b.name, b.entries) for b in back] == [(b.name, b.entries) for b in banks]


def test_csv_round_trip_keeps_type_value_labels_bank_and_id(tmp_path: Path) -> None:
    banks = _banks()
    bank_io.dump(banks, tmp_path / "b.csv")
    text = (tmp_path / "b.csv").read_text()
    assert text.splitlines()[0] == "signal_type,value,labels,bank,entry_id"
    back = bank_io.load(tmp_path / "b.csv")
    assert [b.name for b in back] == ["media", "statements"]
    assert _triples(back) == _triples(banks)
    assert [e.id for b in back for e in b.entries] == [e.id for b in banks for e in b.entries]


def test_threatexchange_text_round_trip_maps_signal_type_names(tmp_path: Path) -> None:
    banks = _banks()
    bank_io.dump(banks, tmp_path / "b.txt", "te")
    lines = (tmp_path / "b.txt").read_text().splitlines()
    assert f"video_md5 {MD5} terrorist_media" in lines
    assert any(line.startswith("raw_text ") for line in lines)
    back = bank_io.load(tmp_path / "b.txt", bank="x")
    # python-threatexchange has no domain type: domains stay out of this format
    assert _triples(back) == _triples(banks) - {("domain", "files.example", ("file_locker",))}


def test_tat_hash_list_import_and_round_trip(tmp_path: Path) -> None:
    page = {
        "count": 3,
        "next": None,
        "previous": None,
        "checkpoint": "1724856487.709035,10594",
        "results": [
            {"id": 2819, "hash_digest": MD5.upper(), "algorithm": "MD5", "ideology": "islamist", "file_type": "mp4",
             "deleted": False, "updated_on": 1704901040.2, "created_on": "2025-03-03 23:05:22,587"},
            {"id": 2820, "hash_digest": PDQ, "algorithm": "PDQ", "ideology": "far-right", "file_type": "gif",
             "deleted": False, "updated_on": 1704901040.3, "created_on": "2025-03-03 23:05:22,587"},
            {"id": 2821, "hash_digest": SHA, "algorithm": "SHA256", "ideology": "islamist", "file_type": "pdf",
             "deleted": True, "updated_on": 1704901040.4, "created_on": "2025-03-03 23:05:22,587"},
        ],
    }  # fmt: skip
    (tmp_path / "tat.json").write_text(json.dumps(page))
    [bank] = bank_io.load(tmp_path / "tat.json")
    assert [(e.id, e.signal_type, e.value) for e in bank.entries] == [("2819", "md5", MD5), ("2820", "pdq", PDQ)]
    assert bank.entries[0].labels == ("terrorist_media", "ideology.islamist")
    assert bank.entries[0].added == datetime(2025, 3, 3, 23, 5, 22, 587000, tzinfo=UTC)
    bank_io.dump([bank], tmp_path / "out.json", "tat")
    [again] = bank_io.load(tmp_path / "out.json", "tat", bank=bank.name)
    assert again.entries == bank.entries
    # our own banks export to TAT's shape for their hash entries only
    mine = bank_io.loads_tat(bank_io.dumps_tat(_banks()))
    assert {(e.signal_type, e.value) for e in mine.entries} == {("pdq", PDQ), ("md5", MD5), ("sha256", SHA)}


def test_bankset_reports_bank_entry_and_distance() -> None:
    pytest.importorskip("numpy")
    for naive in (False, True):
        bs = BankSet(_banks(), naive=naive)
        near = f"{int(PDQ, 16) ^ 0b1011:064x}"
        [m] = bs.match_hash("pdq", near)
        assert (m.bank, m.entry_id, m.signal_type, m.distance) == ("media", "m1", "pdq", 3)
        assert m.labels == ("terrorist_media", "ideology.far-right")
        [m] = bs.match_hash("md5", MD5.upper())
        assert (m.entry_id, m.distance) == ("m2", 0)
        [m] = bs.match_hash("vpdq", f"0:{'0' * 64},1:{near}")
        assert (m.entry_id, m.distance, m.matched) == ("m1", 3, near)
        [m] = bs.match_url("http://www.paste.example/abc/?utm_source=t")
        assert m.entry_id == "u1"
        [m] = bs.match_url("https://cdn.files.example/f/1")
        assert (m.entry_id, m.matched, m.labels) == ("d1", "files.example", ("file_locker",))
        [m] = bs.match_text(
            "THE ASHEN BANNER will gather at the old mill before the winter council... grey flags in hand 🔥"
        )
        assert m.entry_id == "s1" and m.similarity > 0.9
        assert bs.match_text("Completely unrelated words about a bake sale at the library on Sunday.") == []


def test_duplicate_ids_and_unknown_types_are_rejected() -> None:
    b = Bank("x")
    b.add("md5", MD5, entry_id="a")
    b.add("md5", MD5, entry_id="a")
    with pytest.raises(ValueError, match="duplicate"):
        BankSet([b])
    with pytest.raises(ValueError, match="unknown signal type"):
        Bank("y").add("photo", "z")
