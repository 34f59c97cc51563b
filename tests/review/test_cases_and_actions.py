from __future__ import annotations

import json

import pytest

from cauterize.policy.actions import ActionRefused
from cauterize.review import actions, appeals, audit, casefile, cases, metrics
from cauterize.review.actions import ActionRequest
from tests.review.conftest import ALICE, BOB, VIEWER


def _case(svc, queue):
    (c,) = cases.list_cases(svc.engine, queue)
    return c


def test_decisions_become_cases_about_actors_in_their_queues(svc):
    counts = {q["queue"]: q["open"] for q in cases.queue_counts(svc.engine)}
    assert counts["ban_evasion"] == 1 and counts["threat"] == 1
    evasion = _case(svc, "ban_evasion")
    # The case is about the lineage: its root is the suspended parent, the child joins it.
    assert evasion["root_account_id"] == "P"
    assert {(m["account_id"], m["relation"]) for m in evasion["members"]} == {("P", "root"), ("C", "child")}
    assert evasion["reach"] > 0  # three follows of C
    threat = _case(svc, "threat")
    assert threat["priority"] and threat["status"] == "escalated"
    assert threat["sla_due_at"] < evasion["sla_due_at"]
    # Syncing again changes nothing.
    assert svc.sync() == []
    assert len(cases.list_cases(svc.engine, status="all")) == 2


def test_the_case_file_shows_parent_and_child_side_by_side(svc):
    f = casefile.case_file(svc.engine, _case(svc, "ban_evasion")["id"])
    (pair,) = f["pairs"]
    assert pair["parent"]["account_id"] == "P" and pair["child"]["account_id"] == "C"
    assert pair["avatar_match"] and pair["display_name_match"]
    assert pair["child"]["posts"][0]["text"].startswith("we are back")
    assert {"f1", "f2", "f3"} <= {x["account_id"] for x in pair["child"]["promoters"]}
    assert set(pair["shared_promoters"]) >= {"f1", "f2", "f3"}
    assert pair["child"]["reports"] == 1


def test_the_threatened_party_never_appears_in_the_case_views(svc):
    threat = _case(svc, "threat")
    f = casefile.case_file(svc.engine, threat["id"])
    text = json.dumps(f, default=str)
    for secret in ("dana_staffer", "staff will pay", '"V"'):
        assert secret not in text
    assert f["case"]["threatened_parties"] >= 1 and "restricted" not in f["case"]
    listed = json.dumps(cases.list_cases(svc.engine, "threat"), default=str)
    assert "dana_staffer" not in listed and "restricted" not in listed
    # It is kept, for the security team.
    assert any(
        t["text"] == "dana_staffer" for t in cases.get_case(svc.engine, threat["id"])["restricted"]["threatened"]
    )


def test_suspending_a_lineage_is_idempotent_audited_and_sent(svc, tmp_path):
    case = _case(svc, "ban_evasion")
    plan = actions.preview(svc.engine, case["id"], ActionRequest("suspend"))
    # The parent is already suspended by the platform: previewed as skipped, not hit again.
    assert [t["account_id"] for t in plan["hit"]] == ["C"]
    assert [t["account_id"] for t in plan["skipped"]] == ["P"]
    res = actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend", reason="evader"), svc.sinks)
    assert res.created == 1 and res.case_status == "actioned"
    (act,) = res.actions
    assert act["evidence"]["rules"] and act["evidence"]["decisions"] and act["model_version"].startswith("evasion@")
    again = actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend", reason="evader"), svc.sinks)
    assert again.created == 0 and [a["id"] for a in again.actions] == [act["id"]]
    lines = (tmp_path / "actions.jsonl").read_text().splitlines()
    assert len(lines) == 1
    sent = json.loads(lines[0])
    assert (
        sent["account_id"] == "C" and sent["action"] == "suspend" and sent["idempotency_key"] == act["idempotency_key"]
    )
    entries = [e for e in audit.entries(svc.engine, case_id=case["id"]) if e["kind"] == "action"]
    assert len(entries) == 1 and entries[0]["actor"] == "alice" and entries[0]["payload"]["accounts"] == ["C"]
    assert sent["audit_hash"] == entries[0]["hash"]
    assert audit.verify(svc.engine).ok


def test_roles_are_enforced_by_the_policy_layer(svc):
    case = _case(svc, "ban_evasion")
    with pytest.raises(ActionRefused) as exc:
        actions.perform(svc.engine, VIEWER, case["id"], ActionRequest("suspend"), svc.sinks)
    assert exc.value.status == 403
    with pytest.raises(ActionRefused):
        actions.perform(svc.engine, ALICE, case["id"], ActionRequest("remove_post", scope="account"), svc.sinks)
    with pytest.raises(ActionRefused):  # an account from nowhere near the case
        actions.preview(svc.engine, case["id"], ActionRequest("suspend", scope="accounts", account_ids=["T"]))
    # A promoter in the case's network may be hit as part of a cluster.
    plan = actions.preview(svc.engine, case["id"], ActionRequest("restrict", scope="accounts", account_ids=["C", "f1"]))
    assert [t["account_id"] for t in plan["hit"]] == ["C", "f1"]


def test_appeal_goes_to_a_different_reviewer_and_overturn_reverses(svc, tmp_path):
    case = _case(svc, "ban_evasion")
    actions.perform(svc.engine, ALICE, case["id"], ActionRequest("suspend"), svc.sinks)
    ap = appeals.file_appeal(svc.engine, BOB, case["id"], "I am a different person")
    assert ap["original_reviewer"] == "alice" and cases.get_case(svc.engine, case["id"])["status"] == "appealed"
    with pytest.raises(ActionRefused) as exc:
        appeals.decide_appeal(svc.engine, ALICE, ap["id"], "upheld", "mine", svc.sinks)
    assert exc.value.status == 403
    done = appeals.decide_appeal(svc.engine, BOB, ap["id"], "overturned", "not the same actor", svc.sinks)
    assert done["status"] == "overturned" and done["decided_by"] == "bob"
    acts = actions.case_actions(svc.engine, case["id"])
    assert [(a["action"], a["status"]) for a in acts] == [("suspend", "reverted"), ("reinstate", "applied")]
    sent = [json.loads(x)["action"] for x in (tmp_path / "actions.jsonl").read_text().splitlines()]
    assert sent == ["suspend", "reinstate"]
    rates = metrics.overturn_rates(svc.engine)
    (rule,) = [r for r in rates["rule"] if r["rule"] == "ban-evasion-auto"]
    assert rule["overturned"] == 1 and rule["overturn_rate"] == 1.0
    assert rates["model"] and rates["model"][0]["overturned"] == 1
    kinds = [e["kind"] for e in audit.entries(svc.engine, case_id=case["id"])]
    assert "appeal_filed" in kinds and "appeal_overturned" in kinds
    assert audit.verify(svc.engine).ok
    with pytest.raises(ActionRefused):  # decided once
        appeals.decide_appeal(svc.engine, BOB, ap["id"], "upheld", "again", svc.sinks)


def test_an_overturned_dismissal_puts_the_case_back_in_the_queue(svc):
    case = _case(svc, "ban_evasion")
    actions.perform(svc.engine, ALICE, case["id"], ActionRequest("dismiss", scope="case"), svc.sinks)
    assert cases.get_case(svc.engine, case["id"])["status"] == "dismissed"
    ap = appeals.file_appeal(svc.engine, BOB, case["id"], "this is an evader")
    appeals.decide_appeal(svc.engine, BOB, ap["id"], "overturned", "it is", svc.sinks)
    assert cases.get_case(svc.engine, case["id"])["status"] == "open"
    assert [c["id"] for c in cases.list_cases(svc.engine, "ban_evasion")] == [case["id"]]
