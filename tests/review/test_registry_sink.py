"""The registry sink: cauterize's own suspensions reach the ban-evasion registry through the pipeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cauterize.app import build_pipeline, open_store
from cauterize.ingest.sources import BytesSource
from cauterize.review import actions, appeals, cases
from cauterize.review.actions import ActionRequest
from cauterize.review.service import ReviewService
from cauterize.review.sinks.registry import events_for
from tests.conftest import T0, ev, jsonl
from tests.review.conftest import ALICE, BOB
from tests.review.world import review_config, world_bytes

# A third incarnation: C's handle with the next number, created after C's suspension at minute 35.
GRANDCHILD = ev(
    "account_created",
    "c-g",
    "G",
    40,
    handle="ashen_media3",
    display_name="Ashen Media",
    bio="news of the front",
    avatar_hash="av-1",
    lang="en",
)


def _service(cfg, tmp_path, sinks):
    review_config(cfg, sinks=sinks)
    store = open_store(cfg)
    build_pipeline(cfg, store).run([BytesSource(world_bytes(), "world")])
    svc = ReviewService(cfg, store)
    svc.sync()
    return svc, store


def _suspend_the_child(svc):
    (case,) = cases.list_cases(svc.engine, "ban_evasion")
    req = ActionRequest("suspend", reason="evader")
    actions.perform(svc.engine, ALICE, case["id"], req, svc.sinks, now=T0 + timedelta(minutes=35))
    return case


def _grandchild_parents(svc, store):
    """Run the grandchild through a fresh pipeline (as the next ingest would) and read its links."""
    build_pipeline(svc.cfg, store).run([BytesSource(jsonl(GRANDCHILD), "later")])
    return {s["evidence"].get("parent_account_id") for s in store.signals_for("testnet", "G")}


@pytest.mark.parametrize("with_registry", [True, False])
def test_a_console_suspension_feeds_the_registry(cfg, tmp_path, with_registry):
    sinks = [{"kind": "jsonl", "path": str(tmp_path / "actions.jsonl")}]
    if with_registry:
        sinks.append({"kind": "registry"})
    svc, store = _service(cfg, tmp_path, sinks)
    try:
        _suspend_the_child(svc)
        acct = store.account("testnet", "C")
        parents = _grandchild_parents(svc, store)
        if with_registry:
            # The store and the registry know C as suspended, from cauterize's own action.
            assert acct["status"] == "suspended"
            (row,) = store.enforcements_for("testnet", "C")
            assert row["event_id"].startswith("cauterize-action:") and "evader" in row["reason"]
            assert "C" in parents
        else:
            # Without it, C stays active until the platform says otherwise, and nothing links to C.
            assert acct["status"] == "active" and "C" not in parents
    finally:
        store.close()


def test_a_redelivery_changes_nothing_and_an_overturn_takes_the_account_out(cfg, tmp_path):
    svc, store = _service(cfg, tmp_path, [{"kind": "registry"}])
    try:
        case = _suspend_the_child(svc)
        (action,) = actions.case_actions(svc.engine, case["id"])
        before = store.snapshot()
        # At-least-once delivery: the same payload again is a duplicate event, not a second suspension.
        payload = {
            **action,
            "action_id": action["id"],
            "created_at": action["created_at"].isoformat(),
            "actor": "alice",
        }
        svc.sinks["registry"].send(payload)
        assert store.snapshot() == before
        appeal = appeals.file_appeal(svc.engine, ALICE, case["id"], "not them", now=T0 + timedelta(minutes=36))
        appeals.decide_appeal(
            svc.engine, BOB, appeal["id"], "overturned", "wrong call", svc.sinks, now=T0 + timedelta(minutes=37)
        )
        assert store.account("testnet", "C")["status"] == "active"
        assert [e["action"] for e in store.enforcements_for("testnet", "C")] == ["suspend", "unsuspend"]
    finally:
        store.close()


def test_only_enforcement_the_platform_could_report_becomes_an_event():
    base = {
        "action_id": 7,
        "platform": "testnet",
        "account_id": "C",
        "created_at": T0.isoformat(),
        "reason": "evader",
        "rule": "evasion-review",
        "actor": "alice",
    }
    (e,) = events_for({**base, "action": "suspend"})
    assert (e.kind, e.action, e.event_id, e.actor, e.time) == ("enforcement", "suspend", "cauterize-action:7", "C", T0)
    assert "evader" in e.reason and "alice" in e.reason and "evasion-review" in e.reason
    assert events_for({**base, "action": "reinstate"})[0].action == "unsuspend"
    assert events_for({**base, "action": "restrict"}) == []
    assert events_for({**base, "action": "remove_post"}) == []  # which post? none named
    assert events_for({**base, "action": "remove_post", "post_id": "cp1"})[0].post_id == "cp1"
