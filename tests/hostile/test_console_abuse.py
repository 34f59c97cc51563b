"""Abuse of the console by an attacker or a careless client (issue 12, points 7, 9 and 10).

Each test replays a way the console was shown to fail and checks it no longer does.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cauterize.review import audit
from cauterize.review.actions import case_actions
from tests.web.conftest import PASSWORD, login, token_for


def _case_id(client: TestClient, headers: dict[str, str]) -> int:
    (c,) = client.get("/api/v1/queues/ban_evasion/cases", headers=headers).json()
    return int(c["id"])


def _attempt(client: TestClient, username: str, password: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post("/login", data=data, follow_redirects=False).headers["location"]


def test_a_reused_idempotency_key_never_answers_a_different_action_with_success(app):
    client = TestClient(app)
    alice = token_for(app, "alice")
    case_id = _case_id(client, alice)
    key = {**alice, "Idempotency-Key": "retry-1"}
    first = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "restrict"}, headers=key)
    assert first.status_code == 200 and first.json()["created"] >= 1
    second = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "suspend"}, headers=key)
    assert second.status_code == 409
    assert "restrict" in second.json()["detail"]
    assert {a["action"] for a in case_actions(app.state.svc.engine, case_id)} == {"restrict"}
    # The same request again is still a harmless retry.
    again = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "restrict"}, headers=key)
    assert again.status_code == 200 and again.json()["created"] == 0


def test_api_tokens_end_with_a_new_password_and_with_a_disabled_user_for_good(app):
    client = TestClient(app)
    users = app.state.svc.users
    bob = token_for(app, "bob")
    assert client.get("/api/v1/me", headers=bob).status_code == 200
    users.set_password("bob", "another long passphrase")
    assert client.get("/api/v1/me", headers=bob).status_code == 401

    lee = token_for(app, "lee")
    users.set_role("lee", disabled=True)
    assert client.get("/api/v1/me", headers=lee).status_code == 401
    users.set_role("lee", disabled=False)
    assert client.get("/api/v1/me", headers=lee).status_code == 401, "a re-enabled user's old token revived"
    assert client.get("/api/v1/me", headers=token_for(app, "lee")).status_code == 200


def test_a_stranger_cannot_lock_a_reviewer_out_and_cannot_flood_the_audit_log(app):
    stranger = TestClient(app, client=("203.0.113.9", 40000))
    before = len(audit.entries(app.state.svc.engine, limit=10_000))
    results = [_attempt(stranger, "bob", "wrong password") for _ in range(30)]
    assert results[:5] == ["/login?error=bad"] * 5 and set(results[5:]) == {"/login?error=locked"}
    # bob, from his own machine, still logs in.
    assert login(TestClient(app, client=("198.51.100.7", 40001)), "bob", PASSWORD)
    written = len(audit.entries(app.state.svc.engine, limit=10_000)) - before
    # Five failures, one lock-out and bob's own log-in: not one row per attempt.
    assert written <= 7, written


def test_a_client_spraying_passwords_over_many_usernames_is_refused(app):
    sprayer = TestClient(app, client=("203.0.113.10", 40000))
    outcomes = [_attempt(sprayer, f"user{i}", "guess one two") for i in range(25)]
    assert outcomes[-1] == "/login?error=locked"
    # Even a right password from that client is refused while it is locked.
    assert _attempt(sprayer, "alice", PASSWORD) == "/login?error=locked"


def test_every_response_carries_the_security_headers(app):
    client = TestClient(app)
    for path, headers in (("/login", {}), ("/healthz", {}), ("/api/v1/me", token_for(app, "vera"))):
        r = client.get(path, headers=headers)
        csp = r.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert r.headers.get("x-content-type-options") == "nosniff", path
        assert r.headers.get("x-frame-options") == "DENY", path
        assert r.headers.get("referrer-policy") == "no-referrer", path


def test_an_absurd_audit_cursor_is_refused_not_a_server_error(app):
    client = TestClient(app, raise_server_exceptions=False)
    login(client, "lee")
    assert client.get("/audit?before=99999999999999999999999").status_code == 422
    lee = token_for(app, "lee")
    assert client.get("/api/v1/audit?before=99999999999999999999999", headers=lee).status_code == 422


def test_the_api_docs_load_their_assets_from_the_package_not_a_cdn(app):
    client = TestClient(app)
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text.split("</head>")[0]
    js = re.search(r'src="([^"]+swagger-ui-bundle\.js)"', page.text).group(1)
    css = re.search(r'href="([^"]+swagger-ui\.css)"', page.text).group(1)
    assert client.get(js).status_code == 200 and client.get(css).status_code == 200
    # The docs page may run its own inline start-up script; no other page may.
    assert "'unsafe-inline'" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in client.get("/login").headers["content-security-policy"].split("style-src-attr")[0]


def test_the_audit_page_names_accounts_by_handle_with_the_reason_and_pages_honestly(app):
    client = TestClient(app)
    alice = token_for(app, "alice")
    case_id = _case_id(client, alice)
    r = client.post(
        f"/api/v1/cases/{case_id}/actions", json={"action": "suspend", "reason": "third return"}, headers=alice
    )
    assert r.status_code == 200
    login(client, "lee")
    page = client.get("/audit").text
    row = next(line for line in page.splitlines() if "<b>suspend</b>" in line)
    assert "@" in row and "reason: third return" in row
    # Few rows: nothing older to page to.
    assert "Older" not in page
    assert "No entries before this point" in client.get("/audit?before=1").text


def test_after_an_action_the_case_page_confirms_it_at_the_top(app):
    client = TestClient(app)
    csrf = login(client, "alice")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    data = {"action": "suspend", "scope": "account", "account_ids": ["C"], "csrf_token": csrf, "reason": "x"}
    r = client.post(f"/cases/{case_id}/actions", data=data, follow_redirects=False)
    assert r.status_code == 303 and "#audit" not in r.headers["location"]
    page = client.get(r.headers["location"]).text
    notice = re.search(r'<p class="notice done" id="action-done"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "suspend" in notice and "1 account" in notice
    assert page.index('id="action-done"') < page.index('id="audit')


def test_a_fully_suspended_lineage_offers_no_suspension_and_loses_its_reach(app):
    from cauterize.review import cases
    from tests.conftest import ev, jsonl

    client = TestClient(app)
    alice = token_for(app, "alice")
    case_id = _case_id(client, alice)
    ids = [p["account_id"] for p in client.get(f"/api/v1/cases/{case_id}", headers=alice).json()["people"]]
    login(client, "alice")
    assert 'id="act-suspend"' in client.get(f"/cases/{case_id}").text
    # The platform suspends every account of the lineage.
    body = jsonl(
        *[ev("enforcement", f"sus-{a}", a, 900 + i, action="suspend", reason="terrorism") for i, a in enumerate(ids)]
    )
    assert client.post("/v1/ingest", content=body, headers=alice).status_code == 200
    app.state.svc.sync()
    page = client.get(f"/cases/{case_id}").text
    assert 'id="act-suspend"' not in page and 'id="all-suspended"' in page
    (c,) = [c for c in cases.list_cases(app.state.svc.engine, "ban_evasion", "open") if c["id"] == case_id] or [None]
    assert c is None or c["reach"] == 0


def test_trusted_accounts_are_marked_where_a_reviewer_can_act_on_them(app):
    client = TestClient(app)
    svc = app.state.svc
    svc.cfg.policy = {**svc.cfg.policy, "trusted": ["testnet:C"]}
    svc._policy = None
    csrf = login(client, "alice")
    assert csrf
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    page = client.get(f"/cases/{case_id}").text
    card = page[page.index('data-account="C"') :][:1500]
    assert "TRUSTED" in card
    preview = client.get(f"/cases/{case_id}/preview?action=suspend&scope=lineage").text
    row = next(line for line in preview.split("<tr") if "@" in line and "TRUSTED" in line)
    assert "trusted-row" in row
    # The bulk list of a coordinated cluster marks them too.
    svc.cfg.policy = {**svc.cfg.policy, "trusted": ["testnet:f1"]}
    svc._policy = None
    cluster = client.get(f"/cases/{case_id}").text
    form = cluster[cluster.index('id="cluster-form"') : cluster.index("</form>", cluster.index('id="cluster-form"'))]
    label = next(part for part in form.split("<label") if 'value="f1"' in part)
    assert "TRUSTED" in label


def test_a_runaway_client_is_slowed_down_not_the_reviewers(world_cfg):
    from cauterize.web.app import create_console_app

    world_cfg.server = {**world_cfg.server, "rate_limit_per_minute": {"client": 600, "credential": 300}}
    app = create_console_app(world_cfg)
    from cauterize.web.ratelimit import RateLimiter

    limiter = RateLimiter(per_minute=60, burst=3)
    assert [limiter.take("a", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a", now=0.0) > 0 and limiter.take("b", now=0.0) == 0.0
    assert limiter.take("a", now=1.5) == 0.0  # a token a second comes back

    client = TestClient(app, client=("203.0.113.50", 1))
    vera = token_for(app, "vera")
    codes = [client.get("/api/v1/me", headers=vera).status_code for _ in range(120)]
    assert 429 in codes and codes[0] == 200
    limited = client.get("/api/v1/me", headers=vera)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    # Another reviewer from another machine is served; health checks are never limited.
    assert (
        TestClient(app, client=("198.51.100.8", 1)).get("/api/v1/me", headers=token_for(app, "bob")).status_code == 200
    )
    assert client.get("/healthz").status_code == 200


def test_a_token_is_revoked_from_the_cli_and_stops_working(app, world_cfg):
    from typer.testing import CliRunner

    from cauterize.cli.main import app as cli

    client = TestClient(app)
    tok = app.state.svc.users.create_token("bob", "nightly-script")
    headers = {"Authorization": f"Bearer {tok}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    env = {"CAUTERIZE_DATA_DIR": str(world_cfg.data_dir)}
    assert CliRunner().invoke(cli, ["users", "revoke", "bob", "nightly-script"], env=env).exit_code == 0
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert CliRunner().invoke(cli, ["users", "revoke", "bob", "nightly-script"], env=env).exit_code == 1


def test_the_queue_page_shows_one_screen_and_pages_on(app, monkeypatch):
    import cauterize.web.pages as pages

    monkeypatch.setattr(pages, "QUEUE_PAGE", 1)
    client = TestClient(app)
    login(client, "alice")
    total = len(client.get("/api/v1/queues/ban_evasion/cases", headers=token_for(app, "alice")).json())
    first = client.get("/queues/ban_evasion").text
    assert first.count('class="case-link"') == 1
    if total > 1:
        assert 'id="next-page"' in first
        second = client.get("/queues/ban_evasion?page=2").text
        assert 'id="prev-page"' in second and second.count('class="case-link"') == 1
    else:
        assert 'id="next-page"' not in first
    assert client.get("/queues/ban_evasion?page=0").status_code == 422


def test_the_case_network_tab_draws_the_graph_without_a_script(app):
    client = TestClient(app)
    login(client, "alice")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    page = client.get(f"/cases/{case_id}").text
    figure = page[page.index('id="case-graph"') : page.index("</figure>", page.index('id="case-graph"'))]
    assert figure.count("<circle") >= 2 and "<line" in figure and "<script" not in figure
    assert "@" in figure  # accounts are labelled by handle
