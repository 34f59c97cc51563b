"""The report in the console: the API route and the page, lead only, on the hand-built review world
(a suspended parent P, its replacement C that a reviewer suspends, an appeal that overturns it)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import login, make_world_config, token_for


@pytest.fixture
def app(tmp_path):
    from cauterize.web.app import create_console_app

    return create_console_app(make_world_config(tmp_path))


def _suspend_then_overturn(client: TestClient, app) -> None:
    alice, bob = token_for(app, "alice"), token_for(app, "bob")
    (case,) = client.get("/api/v1/queues/ban_evasion/cases", headers=alice).json()
    r = client.post(
        f"/api/v1/cases/{case['id']}/actions", json={"action": "suspend", "reason": "evader"}, headers=alice
    )
    assert r.status_code == 200, r.text
    appeal = client.post(f"/api/v1/cases/{case['id']}/appeals", json={"reason": "not me"}, headers=bob).json()
    r = client.post(
        f"/api/v1/appeals/{appeal['id']}/decision", json={"outcome": "overturned", "reason": "ok"}, headers=bob
    )
    assert r.status_code == 200, r.text


def test_the_api_report_counts_platform_and_review_actions_and_the_overturn(app):
    client = TestClient(app)
    _suspend_then_overturn(client, app)
    r = client.get("/api/v1/report?period=day&census=false", headers=token_for(app, "lee"))
    assert r.status_code == 200, r.text
    rep = r.json()
    o = rep["overall"]
    # P: the platform's suspension; C: the reviewer's (the world has no other account-level action).
    assert o["by_source"] == {"platform": 1, "review": 1}
    assert o["returns"]["returns_linked"] >= 1 and o["lineages"]["max_depth"] >= 1
    assert o["collateral"]["overturned_on_appeal"] == 1
    assert rep["review"]["appeals"] == {"filed": 1, "decided": 1, "overturned": 1, "overturn_rate_of_decided": 1.0}
    assert "ban_evasion" in rep["review"]["queues"]
    assert rep["census"]["available"] is False and rep["cannot_know"]


def test_only_a_lead_gets_the_report(app):
    client = TestClient(app)
    assert client.get("/api/v1/report", headers=token_for(app, "alice")).status_code == 403
    assert client.get("/api/v1/report?period=year", headers=token_for(app, "lee")).status_code == 422
    assert client.get("/api/v1/report?from=yesterday", headers=token_for(app, "lee")).status_code == 422
    login(client, "alice")
    assert client.get("/report").status_code == 403


def test_the_report_page_shows_the_figures_and_inline_plots_under_the_console_csp(app):
    client = TestClient(app)
    _suspend_then_overturn(client, app)
    login(client, "lee")
    page = client.get("/report?period=week")
    assert page.status_code == 200
    assert 'id="report-title"' in page.text and "per week" in page.text and 'id="nav-report"' in page.text
    assert re.search(r'<img id="plot-time-to-action"[^>]* src="data:image/png;base64,', page.text)
    csp = page.headers["content-security-policy"]
    assert "img-src 'self' data:" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "<style" not in page.text  # the console's CSP would block an inline stylesheet
