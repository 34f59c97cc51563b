from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient

from cauterize.review.escalation import public_pem, verify_package
from tests.conftest import ev, jsonl
from tests.web.conftest import token_for


def _case_id(client, headers, queue="ban_evasion"):
    (c,) = client.get(f"/api/v1/queues/{queue}/cases", headers=headers).json()
    return c["id"]


def test_openapi_documents_the_api_with_bearer_tokens(app):
    schema = TestClient(app).get("/openapi.json").json()
    assert "/api/v1/cases/{case_id}/actions" in schema["paths"] and "/v1/ingest" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_ingest_in_the_console_needs_a_reviewer_token_and_opens_cases(app):
    client = TestClient(app)
    assert client.get("/healthz").json() == {"status": "ok"}
    body = jsonl(ev("account_created", "x1", "X", 100, handle="someone"))
    assert client.post("/v1/ingest", content=body).status_code == 401
    assert client.post("/v1/ingest", content=body, headers=token_for(app, "vera")).status_code == 403
    r = client.post("/v1/ingest", content=body, headers=token_for(app, "alice"))
    assert r.status_code == 200 and r.json()["events_new"] == 1
    assert (
        client.post("/v1/ingest?format=friendster", content=b"{}", headers=token_for(app, "alice")).status_code == 422
    )


def test_a_viewer_reads_but_cannot_act(app):
    client = TestClient(app)
    viewer = token_for(app, "vera")
    case_id = _case_id(client, viewer)
    assert client.get(f"/api/v1/cases/{case_id}", headers=viewer).status_code == 200
    r = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "suspend"}, headers=viewer)
    assert r.status_code == 403
    # A lead's token scoped down to viewer is a viewer.
    scoped = token_for(app, "lee", role="viewer")
    assert (
        client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "suspend"}, headers=scoped).status_code == 403
    )
    assert client.get("/api/v1/audit/verify", headers=scoped).status_code == 403
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer cz_nope"}).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_actions_are_idempotent_with_a_key_and_appeals_need_another_reviewer(app):
    client = TestClient(app)
    alice, bob = token_for(app, "alice"), token_for(app, "bob")
    case_id = _case_id(client, alice)
    preview = client.post(f"/api/v1/cases/{case_id}/preview", json={"action": "suspend"}, headers=alice).json()
    assert [t["account_id"] for t in preview["hit"]] == ["C"]
    key = {"Idempotency-Key": "req-123"}
    first = client.post(
        f"/api/v1/cases/{case_id}/actions", json={"action": "suspend", "reason": "evader"}, headers={**alice, **key}
    )
    second = client.post(
        f"/api/v1/cases/{case_id}/actions", json={"action": "suspend", "reason": "evader"}, headers={**alice, **key}
    )
    assert first.status_code == second.status_code == 200
    assert first.json()["created"] == 1 and second.json()["created"] == 0
    assert [a["id"] for a in first.json()["actions"]] == [a["id"] for a in second.json()["actions"]]
    appeal = client.post(f"/api/v1/cases/{case_id}/appeals", json={"reason": "not me"}, headers=bob).json()
    r = client.post(f"/api/v1/appeals/{appeal['id']}/decision", json={"outcome": "overturned"}, headers=alice)
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/appeals/{appeal['id']}/decision", json={"outcome": "overturned", "reason": "ok"}, headers=bob
    )
    assert r.status_code == 200 and r.json()["status"] == "overturned"
    kinds = [e["kind"] for e in client.get(f"/api/v1/cases/{case_id}/audit", headers=alice).json()]
    assert kinds[:3] == ["appeal_overturned", "action", "appeal_filed"]
    rates = client.get("/api/v1/metrics/overturns", headers=alice).json()
    assert any(r["overturned"] == 1 for r in rates["rule"])


def test_bad_input_is_refused_not_crashed(app):
    client = TestClient(app)
    alice = token_for(app, "alice")
    case_id = _case_id(client, alice)
    assert client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "nuke"}, headers=alice).status_code == 422
    assert (
        client.post(
            f"/api/v1/cases/{case_id}/actions", json={"action": "remove_post", "scope": "account"}, headers=alice
        ).status_code
        == 422
    )
    assert client.post("/api/v1/cases/999/actions", json={"action": "suspend"}, headers=alice).status_code == 404
    assert client.get(f"/api/v1/cases/{2**40}", headers=alice).status_code == 422
    r = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "dismiss", "reason": "a\u0000b"}, headers=alice)
    assert r.status_code == 422


def test_evidence_package_is_for_the_security_team_only(app):
    client = TestClient(app)
    lead, alice = token_for(app, "lee"), token_for(app, "alice")
    case_id = _case_id(client, lead, "threat")
    # The API's case view for anyone never names the threatened party.
    assert "dana_staffer" not in client.get(f"/api/v1/cases/{case_id}", headers=lead).text
    assert client.get(f"/api/v1/cases/{case_id}/evidence-package", headers=alice).status_code == 403
    r = client.get(f"/api/v1/cases/{case_id}/evidence-package", headers=lead)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    ok, msg = verify_package(r.content, public_pem(app.state.svc.signing_key()))
    assert ok, msg
    assert "dana_staffer" in zipfile.ZipFile(io.BytesIO(r.content)).read("case.json").decode()
    check = client.get("/api/v1/audit/verify", headers=lead).json()
    assert check["ok"] and check["checked"] >= 1


def test_backtest_over_the_api(app):
    client = TestClient(app)
    lead = token_for(app, "lee")
    body = {"rules": [{"name": "loose", "labels": "evasion.*", "threshold": 0.2}]}
    r = client.post("/api/v1/backtest", json=body, headers=lead)
    assert r.status_code == 200 and r.json()["per_rule"][0]["signals"] == 1
    assert client.post("/api/v1/backtest", json=body, headers=token_for(app, "alice")).status_code == 403
