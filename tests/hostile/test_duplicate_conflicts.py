"""A duplicate event id with different content leaves a trace (issue 12, point 10)."""

from __future__ import annotations

from cauterize.ingest.sources import BytesSource
from tests.conftest import ev, jsonl


def test_a_replayed_id_with_other_content_is_dead_lettered_with_both_versions(pipeline, store):
    first = ev("post_created", "p1", "a1", 0, post_id="p1", text="original words")
    assert pipeline.run([BytesSource(jsonl(first), "one")]).events_new == 1
    same = pipeline.run([BytesSource(jsonl(first), "again")])
    assert (same.duplicates, same.dead_letters) == (1, 0), "an exact replay is silent"
    forged = {**first, "text": "other words entirely"}
    run = pipeline.run([BytesSource(jsonl(forged), "forged")])
    assert (run.events_new, run.duplicates, run.dead_letters) == (0, 1, 1)
    (row,) = store.dead_letters(run.run_id)
    assert "different content" in row["reason"] and "original words" in row["reason"]
    assert b"other words entirely" in bytes(row["raw"])


def test_two_versions_in_one_input_keep_the_first_and_dead_letter_the_second(pipeline, store):
    a = ev("profile_changed", "pc1", "a2", 0, bio="first bio")
    b = {**a, "bio": "second bio"}
    run = pipeline.run([BytesSource(jsonl(a, b), "both")])
    assert (run.events_new, run.dead_letters) == (1, 1)
    assert store.account("testnet", "a2")["bio"] == "first bio"
