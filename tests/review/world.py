"""A small hand-built world: a suspended parent, its replacement, promoters, a threat, reports."""

from __future__ import annotations

from typing import Any

from cauterize.config import Config
from tests.conftest import WATCHLIST, ev, jsonl

FAST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
DETECTORS = {
    "watchlist": {
        "hashtags": WATCHLIST["hashtags"],
        "terms": {**WATCHLIST["terms"], "staff will pay": {"label": "threat.employees", "weight": 0.85}},
    }
}


def world_events() -> list[dict[str, Any]]:
    events = [
        ev(
            "account_created",
            "c-p",
            "P",
            0,
            handle="ashen_media",
            display_name="Ashen Media",
            bio="news of the front",
            avatar_hash="av-1",
            lang="en",
        ),
        ev("post_created", "p-p1", "P", 1, post_id="pp1", text="first post of the parent #AshenBanner", lang="en"),
    ]
    for i, fan in enumerate(["f1", "f2", "f3", "f4", "journo"]):
        events.append(ev("account_created", f"c-{fan}", fan, 0.5, handle=f"fan_{fan}", lang="en"))
        events.append(ev("follow", f"fol-{i}", fan, 1 + i, target="P"))
    events.append(ev("enforcement", "s", "P", 10, action="suspend", reason="terrorism"))
    events.append(
        ev(
            "account_created",
            "c-c",
            "C",
            14,
            handle="ashen_media2",
            display_name="Ashen Media",
            bio="news of the front",
            avatar_hash="av-1",
            lang="en",
        )
    )
    events.append(
        ev(
            "post_created",
            "p-c1",
            "C",
            15,
            post_id="cp1",
            text="we are back #AshenBanner",
            lang="en",
            media=[{"type": "image", "hashes": {"sha256": "ab12"}}],
        )
    )
    for i, fan in enumerate(["f1", "f2", "f3"]):
        events.append(ev("follow", f"fol-c{i}", fan, 16 + i, target="C"))
    events.append(ev("report_filed", "r1", "f4", 20, target="C", reason="terrorism"))
    # A threat against platform staff naming a person by @mention.
    events.append(ev("account_created", "c-t", "T", 30, handle="angry_one", lang="en"))
    events.append(ev("account_created", "c-v", "V", 30, handle="dana_staffer", lang="en"))
    events.append(
        ev(
            "post_created",
            "p-t1",
            "T",
            31,
            post_id="tp1",
            text="@dana_staffer the staff will pay for this",
            lang="en",
            mentions=[{"handle": "dana_staffer", "account_id": "V"}],
        )
    )
    return events


def world_bytes() -> bytes:
    return jsonl(*world_events())


def review_config(cfg: Config, **review: Any) -> Config:
    cfg.detectors = DETECTORS
    cfg.review = {"argon2": FAST_ARGON2, "secret_key": "test-secret", **review}
    return cfg
