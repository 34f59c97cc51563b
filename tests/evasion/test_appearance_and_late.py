"""Hostile times, accounts that appear without a creation event, and suspensions learnt late."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cauterize.detectors.evasion import EvasionDetector
from cauterize.evaluation.naive import NaiveRule
from cauterize.events import decode_event
from cauterize.sim.config import config_from_dict
from cauterize.sim.run import iter_events
from tests.conftest import ev


def _run(detector: EvasionDetector, events: list[dict]) -> list:
    out = []
    for raw in events:
        out += detector.detect(decode_event(json.dumps(raw)), None)
    return out


def _profile(eid: str, actor: str, minutes: float, handle: str, **kw: object) -> dict:
    fields = {"display_name": "Cinder Ridge", "avatar_hash": "bafkreiavatar1", **kw}
    return ev("profile_changed", eid, actor, minutes, platform="bsky", handle=handle, **fields)


def test_year_one_and_year_9999_neither_raise_nor_freeze_the_engine():
    det = EvasionDetector()
    eng = det.engine
    events = [
        ev("account_created", "c1", "A", 0, handle="ashen_media", display_name="Ashen Media", avatar_hash="av1"),
        {**ev("account_created", "c0", "Y1", 1, handle="year_one"), "time": "0001-01-01T00:00:00Z"},
        {**ev("post_created", "p9", "A", 2, post_id="x"), "time": "9999-12-31T23:59:59Z"},
        {**ev("enforcement", "s0", "Y1", 3, action="suspend"), "time": "0001-01-01T00:00:01Z"},
    ]
    _run(det, events)
    # The far-future post did not expire every young account, nor move the clock to 9999.
    assert "A" in eng.young and eng.now is not None and eng.now.year == 2024
    # A real suspension after it still registers, and a replacement still links.
    _run(det, [ev("enforcement", "s1", "A", 10, action="suspend", reason="terrorism")])
    (sig,) = _run(
        det,
        [ev("account_created", "c2", "B", 20, handle="ashen_media2", display_name="Ashen Media", avatar_hash="av1")],
    )
    assert sig.evidence["parent_account_id"] == "A"


def test_first_sighting_is_an_appearance_where_no_creation_events_come():
    det = EvasionDetector()
    events = [
        _profile("e1", "did:plc:parent", 0, "cinder-ridge.bsky.social"),
        ev("post_created", "e2", "did:plc:parent", 1, platform="bsky", post_id="p1", lang="de"),
        ev("enforcement", "e3", "did:plc:parent", 5, platform="bsky", action="suspend", reason="takendown"),
    ]
    assert _run(det, events) == []
    assert det.engine.profiles.get("did:plc:parent").language() == "de"
    (sig,) = _run(det, [_profile("e4", "did:plc:child", 30, "cinderridge.bsky.social")])
    assert sig.account_id == "did:plc:child" and sig.evidence["trigger"] == "appeared"
    assert sig.evidence["parent_account_id"] == "did:plc:parent"
    # The same stream with appearance="creation" (creation events only) never treats the first
    # sighting as an appearance (the profile change may still link on its picture and display name).
    found = _run(EvasionDetector(appearance="creation"), [*events, _profile("e4", "did:plc:child", 30, "x.y")])
    assert all(s.evidence["trigger"] != "appeared" for s in found)
    assert (
        _run(
            EvasionDetector(appearance="creation"),
            [*events, _profile("e4", "did:plc:child", 30, "x.y", display_name="Other", avatar_hash="bafkreiother")],
        )
        == []
    )


def test_a_parent_known_only_from_mentions_gets_its_handle_from_them():
    det = EvasionDetector()
    mention = {"handle": "@cinder-ridge.bsky.social", "account_id": "did:plc:p"}
    _run(det, [ev("post_created", "e1", "did:plc:fan", 0, platform="bsky", post_id="p", mentions=[mention])])
    assert det.engine.profiles.get("did:plc:p").handle == "cinder-ridge.bsky.social"
    assert not det.engine.has_appeared("did:plc:p")


def test_a_suspension_learnt_after_the_replacement_was_seen_still_links_it():
    det = EvasionDetector()
    events = [
        _profile("e1", "did:plc:parent", 0, "cinder-ridge.bsky.social"),
        ev("post_created", "e2", "did:plc:parent", 1, platform="bsky", post_id="p1"),
        # The parent went quiet at minute 1; its replacement appears at 200 ...
        _profile("e3", "did:plc:child", 200, "cinder-ridge-backup.bsky.social"),
    ]
    assert _run(det, events) == []  # nothing to link to yet
    # ... and the takedown is reported a day later.
    (sig,) = _run(det, [ev("enforcement", "e4", "did:plc:parent", 1640, platform="bsky", action="suspend")])
    e = sig.evidence
    assert sig.account_id == "did:plc:child" and e["parent_account_id"] == "did:plc:parent"
    assert e["trigger"] == "late_suspension"
    assert e["found_late"]["minutes_after_appearance"] == 1440.0


def test_an_account_that_lived_alongside_the_parent_is_not_linked_late():
    det = EvasionDetector()
    events = [
        _profile("e1", "did:plc:parent", 0, "cinder-ridge.bsky.social"),
        _profile("e2", "did:plc:fan", 5, "cinder-ridge-photos.bsky.social", display_name="Photos", avatar_hash="z"),
        ev("post_created", "e3", "did:plc:parent", 60, platform="bsky", post_id="p1"),
        ev("enforcement", "e4", "did:plc:parent", 120, platform="bsky", action="suspend"),
    ]
    assert _run(det, events) == []


def test_first_sighting_changes_nothing_on_a_stream_with_creation_events():
    cfg = config_from_dict({"scenario": "t", "seed": 7, "days": 1.0, "benign": {"accounts": 1500}})
    events = list(iter_events(cfg))
    found = []
    for mode in ("auto", "creation"):
        det = EvasionDetector(appearance=mode)
        found.append(
            [(s.account_id, s.label, s.evidence.get("parent_account_id")) for e in events for s in det.detect(e, None)]
        )
    assert found[0] == found[1] and found[0]


def test_the_naive_rule_flags_the_closest_suspended_handle_only_within_its_distance():
    rule = NaiveRule()
    raw = [
        ev("account_created", "c1", "P", 0, handle="ashen_media"),
        ev("account_created", "c2", "Q", 0, handle="ashen_mediaa"),
        ev("enforcement", "s1", "P", 5, action="suspend"),
        ev("account_created", "c3", "C", 10, handle="ashen_medla"),
        ev("account_created", "c4", "D", 11, handle="grey_valley"),
    ]
    for r in raw:
        rule.feed(decode_event(json.dumps(r)))
    flagged = {d.account_id: d.signals[0].evidence["parent_account_id"] for d in rule.decisions()}
    # Q existed before the suspension and is flagged when it arrives (the rule's late check).
    assert flagged == {"C": "P", "Q": "P"}
    assert rule.decisions()[0].event_time >= datetime(2024, 3, 1, tzinfo=UTC)


def test_accounts_show_says_how_a_late_link_was_found(tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from cauterize.cli.main import app
    from tests.conftest import jsonl

    config = Path(__file__).resolve().parents[2] / "cauterize.toml"
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "300"}
    stream = tmp_path / "bsky.jsonl"
    stream.write_bytes(
        jsonl(
            _profile("e1", "did:plc:parent", 0, "cinder-ridge.bsky.social"),
            ev("post_created", "e2", "did:plc:parent", 1, platform="bsky", post_id="p1"),
            _profile("e3", "did:plc:child", 200, "cinder-ridge-backup.bsky.social"),
        )
    )
    late = tmp_path / "takedowns.jsonl"
    late.write_bytes(jsonl(ev("enforcement", "e4", "did:plc:parent", 1640, platform="bsky", action="suspend")))
    runner = CliRunner()
    for path in (stream, late):  # two runs: the takedown comes in a later file, as a late feed does
        result = runner.invoke(app, ["ingest", "-q", "--config", str(config), str(path)], env=env)
        assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["accounts", "show", "did:plc:child", "--config", str(config)], env=env)
    assert shown.exit_code == 0, shown.output
    assert "trigger: late_suspension" in shown.output
    assert "found when the suspension arrived, 1440.0 min after it appeared" in shown.output
