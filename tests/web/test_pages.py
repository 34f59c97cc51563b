from __future__ import annotations

import re

from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from tests.web.conftest import login


def test_pages_need_a_login_and_a_wrong_password_is_refused(app):
    client = TestClient(app)
    r = client.get("/queues/ban_evasion", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/login", data={"username": "alice", "password": "nope nope", "csrf_token": csrf}, follow_redirects=False
    )
    assert r.headers["location"] == "/login?error=bad"
    # A log-in form without its CSRF token is refused too.
    fresh = TestClient(app)
    r = fresh.post("/login", data={"username": "alice", "password": "a long passphrase"}, follow_redirects=False)
    assert r.headers["location"] == "/login?error=expired"


def test_queue_and_case_pages_show_the_lineage_side_by_side(app):
    client = TestClient(app)
    login(client, "alice")
    q = client.get("/queues/ban_evasion")
    assert "@ashen_media2" in q.text and "@ashen_media" in q.text and "followers/h" in q.text
    case_id = re.search(r'href="/cases/(\d+)"', q.text).group(1)
    page = client.get(f"/cases/{case_id}").text
    assert page.index("acct-card parent") < page.index("acct-card child")
    assert "same avatar" in page and 'id="act-suspend"' in page
    assert "media blurred" in page  # media blurred by default


def test_forms_need_the_csrf_token(app):
    client = TestClient(app)
    csrf = login(client, "alice")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    r = client.post(f"/cases/{case_id}/actions", data={"action": "dismiss", "scope": "case"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post(
        f"/cases/{case_id}/actions",
        data={"action": "dismiss", "scope": "case", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = client.post(
        f"/cases/{case_id}/actions",
        data={"action": "dismiss", "scope": "case", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "dismissed" in client.get(f"/cases/{case_id}").text
    # The JSON API with a session cookie needs the token in a header.
    assert client.post(f"/api/v1/cases/{case_id}/appeals", json={"reason": "x"}).status_code == 403
    r = client.post(f"/api/v1/cases/{case_id}/appeals", json={"reason": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200


def test_a_viewer_sees_no_action_bar_and_cannot_post(app):
    client = TestClient(app)
    csrf = login(client, "vera")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    page = client.get(f"/cases/{case_id}").text
    assert 'id="act-suspend"' not in page and 'id="read-only"' in page
    r = client.post(f"/cases/{case_id}/actions", data={"action": "suspend", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 403


def test_the_threat_case_page_withholds_the_threatened_party(app):
    client = TestClient(app)
    login(client, "lee")
    q = client.get("/queues/threat").text
    case_id = re.search(r'href="/cases/(\d+)"', q).group(1)
    page = client.get(f"/cases/{case_id}").text
    assert "dana_staffer" not in page and "staff will pay" not in page
    assert "withheld" in page and 'id="evidence-package"' in page


def test_sessions_expire(app, monkeypatch):
    client = TestClient(app)
    login(client, "alice")
    assert client.get("/queues/ban_evasion", follow_redirects=False).status_code == 200
    later = TimestampSigner.get_timestamp(TimestampSigner("k")) + 9 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    r = client.get("/queues/ban_evasion", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def _copy_of(app, client: TestClient) -> TestClient:
    from cauterize.web.security import SESSION_COOKIE

    thief = TestClient(app)
    thief.cookies.set(SESSION_COOKIE, client.cookies.get(SESSION_COOKIE))
    return thief


def _signed_in(client: TestClient) -> bool:
    return client.get("/queues/ban_evasion", follow_redirects=False).status_code == 200


def test_logging_out_ends_every_copy_of_the_session(app):
    alice = TestClient(app)
    csrf = login(alice, "alice")
    copied = _copy_of(app, alice)
    bob = TestClient(app)
    login(bob, "bob")
    assert _signed_in(copied)
    r = alice.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert not _signed_in(copied)  # the copied cookie is dead, not only the deleted one
    assert _signed_in(bob)  # another user's session is untouched
    login(alice, "alice")
    assert _signed_in(alice)
    assert "logout" in [e["kind"] for e in _audit_kinds(app, "alice")]


def _audit_kinds(app, actor: str) -> list[dict]:
    from cauterize.review import audit

    return [e for e in audit.entries(app.state.svc.engine) if e["actor"] == actor]


def test_a_new_password_or_disabling_the_user_ends_their_sessions(app):
    users = app.state.svc.users
    alice = TestClient(app)
    login(alice, "alice")
    users.set_password("alice", "another long passphrase")
    assert not _signed_in(alice)
    login(alice, "alice", "another long passphrase")
    assert _signed_in(alice)
    users.set_role("alice", disabled=True)
    assert not _signed_in(alice)
    users.set_role("alice", disabled=False)
    assert not _signed_in(alice)  # re-enabling does not revive the old cookie


def test_odd_form_input_is_refused_not_crashed(app):
    client = TestClient(app)
    csrf = login(client, "alice")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    bad = {"action": "dismiss", "scope": "case", "csrf_token": csrf, "reason": "a\x00b"}
    assert client.post(f"/cases/{case_id}/actions", data=bad, follow_redirects=False).status_code == 422
    assert client.get(f"/cases/{2**40}").status_code == 422
    assert client.get("/cases/999").status_code == 404
    page = client.get(f"/cases/{case_id}/preview?action=suspend&scope=account&account_id=nobody")
    assert page.status_code == 422
    # A log-in attempt with an impossible username is simply refused.
    fresh = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', fresh.get("/login").text).group(1)
    r = fresh.post("/login", data={"username": "a\x00", "password": "x", "csrf_token": token}, follow_redirects=False)
    assert r.headers["location"] == "/login?error=bad"


def test_a_coordinated_cluster_is_previewed_then_restricted_in_bulk(app):
    client = TestClient(app)
    csrf = login(client, "alice")
    case_id = re.search(r'href="/cases/(\d+)"', client.get("/queues/ban_evasion").text).group(1)
    page = client.get(f"/cases/{case_id}").text
    assert 'id="cluster-form"' in page and 'value="f1"' in page
    preview = client.get(f"/cases/{case_id}/preview?action=restrict&scope=accounts&account_id=f1&account_id=f2").text
    assert 'id="hit-count">2<' in preview and "@fan_f1" in preview and "@fan_f2" in preview
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview))
    ids = re.findall(r'name="account_ids" value="([^"]+)"', preview)
    data = {**form, "account_ids": ids, "reason": "amplifier cluster", "csrf_token": csrf}
    assert client.post(f"/cases/{case_id}/actions", data=data, follow_redirects=False).status_code == 303
    acts = app.state.svc.engine
    from cauterize.review.actions import case_actions

    done = [(a["action"], a["account_id"]) for a in case_actions(acts, int(case_id))]
    assert done == [("restrict", "f1"), ("restrict", "f2")]


def test_repeated_failed_logins_lock_the_username(app):
    client = TestClient(app)

    def attempt(password):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        data = {"username": "bob", "password": password, "csrf_token": token}
        return client.post("/login", data=data, follow_redirects=False).headers["location"]

    assert [attempt("wrong password") for _ in range(5)] == ["/login?error=bad"] * 5
    # Now even the right password is refused for a while.
    assert attempt("a long passphrase") == "/login?error=locked"
    assert login(TestClient(app), "alice")  # others are not affected
