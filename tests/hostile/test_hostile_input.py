"""Inputs that used to abort a whole run (issue 12, item 2): each now loses only itself.

Every case keeps the good records around the bad one and dead-letters the bad one with a reason.
The events are synthetic canonical JSONL and Twitter v2 pages in the documented shapes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cauterize.ingest.sources import FileSource
from tests.conftest import ev, jsonl

GOOD = [ev("post_created", f"p{i}", "a1", i, post_id=f"p{i}", text="bulletin") for i in range(2000)]


def lines(events: list[dict]) -> bytes:
    return jsonl(*events)


def test_a_year_one_time_as_the_first_record_loses_only_that_event(tmp_path: Path, pipeline, store) -> None:
    path = tmp_path / "year1.jsonl"
    path.write_bytes(lines([{**GOOD[0], "event_id": "y1", "time": "0001-01-01T00:00:00Z"}, *GOOD[1:6]]))
    summary = pipeline.run([FileSource(path)])
    assert (summary.events_new, summary.dead_letters) == (5, 1)
    (row,) = store.dead_letters(summary.run_id)
    assert row["position"] == 1 and "outside 1970..2099" in row["reason"] and "y1" in row["location"]


def test_far_future_times_are_refused_too(tmp_path: Path, pipeline, store) -> None:
    path = tmp_path / "future.jsonl"
    path.write_bytes(lines([GOOD[0], {**GOOD[1], "event_id": "f1", "time": "9999-12-31T23:59:59Z"}, GOOD[2]]))
    summary = pipeline.run([FileSource(path)])
    assert (summary.events_new, summary.dead_letters) == (2, 1)


def test_a_twitter_user_created_in_year_one_keeps_the_rest_of_its_page(tmp_path: Path, pipeline, store) -> None:
    page = {
        "data": [{"id": "11", "author_id": "2", "text": "x", "created_at": "2024-01-01T00:00:00Z"}],
        "includes": {
            "users": [{"id": "2", "username": "ashen_media", "name": "A", "created_at": "0001-01-01T00:00:00Z"}]
        },
    }
    path = tmp_path / "page.jsonl"
    path.write_bytes(json.dumps(page).encode() + b"\n")
    summary = pipeline.run([FileSource(path)])
    assert summary.dead_letters == 1 and summary.events_new == 2  # the post and the profile snapshot
    assert store.account("twitter", "2")["handle"] == "ashen_media"


@pytest.mark.parametrize("deep", [b"[" * 1500 + b"]" * 1500, b'{"a":' * 1500 + b"1" + b"}" * 1500])
def test_a_line_nested_1500_deep_as_the_first_record_is_one_dead_letter(
    tmp_path: Path, pipeline, store, deep: bytes
) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(deep + b"\n" + lines(GOOD[:5]))
    summary = pipeline.run([FileSource(path)])
    assert (summary.events_new, summary.dead_letters) == (5, 1)
    (row,) = store.dead_letters(summary.run_id)
    assert row["position"] == 1 and "nested too deeply" in row["reason"]


def test_a_truncated_gzip_keeps_what_it_could_read_and_the_files_before_it(tmp_path: Path, pipeline, store) -> None:
    whole = tmp_path / "whole.jsonl"
    whole.write_bytes(lines(GOOD[:10]))
    packed = gzip.compress(lines(GOOD[10:]))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    summary = pipeline.run([FileSource(whole), FileSource(cut)])
    (row,) = store.dead_letters(summary.run_id)
    assert row["source"] == str(cut) and "gzip data unreadable" in row["reason"]
    read_whole = row["position"] - 1  # the lines of the cut file read before the damage
    assert read_whole > 0
    assert summary.events_new == 10 + read_whole
    assert store.counts()["events"] == 10 + read_whole


def test_a_corrupt_gzip_is_a_clear_dead_letter_not_a_traceback(tmp_path: Path, pipeline, store) -> None:
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(lines(GOOD[:50]))[:10] + b"not deflate data" * 20)
    good = tmp_path / "good.jsonl"
    good.write_bytes(lines(GOOD[:3]))
    summary = pipeline.run([FileSource(bad), FileSource(good)])
    assert summary.events_new == 3
    (row,) = store.dead_letters(summary.run_id)
    assert row["position"] == 1 and row["reason"].startswith("gzip data unreadable after line 0")


@pytest.mark.parametrize("field", ["event_id", "actor"])
def test_a_nul_in_an_event_key_is_refused_at_decode(tmp_path: Path, pipeline, store, field: str) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_bytes(lines([GOOD[0], {**GOOD[1], field: "p\u00001"}, GOOD[2]]))
    summary = pipeline.run([FileSource(path)])
    assert (summary.events_new, summary.dead_letters) == (2, 1)
    (row,) = store.dead_letters(summary.run_id)
    assert "NUL character" in row["reason"] and row["position"] == 2
