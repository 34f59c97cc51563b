from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from cauterize.review import actions, cases
from cauterize.review.auth import AuthError, Users
from cauterize.review.escalation import build_package, load_or_create_key, public_pem, verify_package
from cauterize.store.schema_review import review_tokens, review_users
from tests.review.world import FAST_ARGON2


def test_passwords_are_argon2id_and_checked(store):
    users = Users(store.engine, FAST_ARGON2)
    users.create("alice", "correct horse", "reviewer")
    with store.engine.connect() as conn:
        stored = conn.execute(select(review_users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert users.authenticate("alice", "correct horse").role == "reviewer"
    assert users.authenticate("alice", "wrong horse") is None
    assert users.authenticate("nobody", "correct horse") is None
    with pytest.raises(AuthError):
        users.create("alice", "another pass", "viewer")
    with pytest.raises(AuthError):
        users.create("bob", "short", "viewer")
    with pytest.raises(AuthError):
        users.create("bob", "long enough", "superuser")
    users.set_role("alice", disabled=True)
    assert users.authenticate("alice", "correct horse") is None


def test_api_tokens_are_hashed_scoped_and_revocable(store):
    users = Users(store.engine, FAST_ARGON2)
    users.create("lee", "lead password", "lead")
    tok = users.create_token("lee", "script", role="viewer")
    with store.engine.connect() as conn:
        assert tok not in str(conn.execute(select(review_tokens)).all())
    p = users.token_principal(tok)
    assert p.username == "lee" and p.role == "viewer" and p.via == "token"
    with pytest.raises(AuthError):
        users.create_token("lee", "too much", role="admin")
    assert users.token_principal(tok + "x") is None
    # A demoted owner's token shrinks with them.
    full = users.create_token("lee", "full")
    users.set_role("lee", role="reviewer")
    assert users.token_principal(full).role == "reviewer"
    assert users.revoke_token("script", "lee") == 1
    assert users.token_principal(tok) is None


def test_the_evidence_package_is_signed_complete_and_tamper_evident(svc, tmp_path):
    (threat,) = cases.list_cases(svc.engine, "threat")
    key = load_or_create_key(tmp_path / "k.pem")
    assert (tmp_path / "k.pem").stat().st_mode & 0o777 == 0o600
    data = build_package(svc.engine, threat["id"], key, "sec-lead")
    ok, msg = verify_package(data, public_pem(key))
    assert ok, msg
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    assert {
        "posts.jsonl",
        "accounts.json",
        "lineage.json",
        "network.json",
        "case.json",
        "audit.json",
        "manifest.json",
    } <= names
    post = json.loads(z.read("posts.jsonl").splitlines()[0])
    assert post["text_sha256"] and post["event_sha256"] and post["created_at"] and "translation" in post
    # The threatened party is in the package (it is for the security team), not in public views.
    assert "dana_staffer" in z.read("case.json").decode()
    # Any change to a file, or a package signed by another key, fails verification.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for n in z.namelist():
            content = z.read(n)
            out.writestr(n, content.replace(b"staff will pay", b"staff will play") if n == "posts.jsonl" else content)
    ok, msg = verify_package(buf.getvalue(), public_pem(key))
    assert not ok and "posts.jsonl" in msg
    other = load_or_create_key(tmp_path / "other.pem")
    ok, msg = verify_package(data, public_pem(other))
    assert not ok and "signature" in msg
    with pytest.raises(actions.CaseNotFound):
        build_package(svc.engine, 999, key, "x")
