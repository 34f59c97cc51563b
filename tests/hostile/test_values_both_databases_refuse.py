"""SQLite and PostgreSQL must refuse the same values (issue 12, point 10): checked at decode."""

from __future__ import annotations

import json

from cauterize.ingest.sources import BytesSource
from tests.conftest import ev


def test_negative_huge_counts_and_long_languages_are_dead_lettered_on_every_database(pipeline, store):
    bad = [
        ev("account_created", "n1", "a1", 0, handle="a", followers_count=-5),
        ev("profile_changed", "n2", "a2", 1, followers_count=2**31),
        ev("post_created", "n3", "a3", 2, post_id="p3", text="hi", lang="x" * 40),
    ]
    good = [ev("post_created", f"g{i}", "a9", 3 + i, post_id=f"g{i}", text="ok", lang="en") for i in range(3)]
    body = b"".join(json.dumps(e).encode() + b"\n" for e in [good[0], *bad, *good[1:]])
    summary = pipeline.run([BytesSource(body, "mixed")])
    assert (summary.events_new, summary.dead_letters) == (3, 3)
    reasons = sorted(r["reason"] for r in store.dead_letters(summary.run_id))
    assert any("followers_count -5" in r for r in reasons)
    assert any("2147483648" in r for r in reasons)
    assert any("not a language tag" in r for r in reasons)
