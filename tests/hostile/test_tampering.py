"""Forging evidence and rewriting the audit trail (issue 12, point 6)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from cauterize.cli.main import app as cli
from cauterize.review import audit, cases, checkpoint
from cauterize.review.escalation import NoTrustRoot, build_package, load_or_create_key, public_pem, verify_package
from cauterize.store.schema_review import review_audit as A
from tests.review.conftest import svc  # noqa: F401  (the review world, processed)


def _forge(genuine: bytes, forger_key) -> bytes:  # type: ignore[no-untyped-def]
    """What an attacker does: change a file, re-hash the manifest, sign with their own key and
    put that key in the package."""
    z = zipfile.ZipFile(io.BytesIO(genuine))
    files = {n: z.read(n) for n in z.namelist()}
    files["case.json"] = files["case.json"].replace(b"dana_staffer", b"someone_else")
    manifest = json.loads(files["manifest.json"])
    import hashlib

    manifest["files"]["case.json"] = hashlib.sha256(files["case.json"]).hexdigest()
    files["public_key.pem"] = public_pem(forger_key)
    manifest["files"]["public_key.pem"] = hashlib.sha256(files["public_key.pem"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = forger_key.sign(files["manifest.json"]).hex().encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for n, content in files.items():
            out.writestr(n, content)
    return buf.getvalue()


def test_a_package_forged_with_the_forgers_own_key_does_not_verify(svc, tmp_path):  # noqa: F811
    (threat,) = cases.list_cases(svc.engine, "threat")
    ours = load_or_create_key(tmp_path / "ours.pem")
    forged = _forge(build_package(svc.engine, threat["id"], ours, "sec"), load_or_create_key(tmp_path / "evil.pem"))
    # Against the embedded key it "verifies": that is why it is not the default.
    assert verify_package(forged, trust_embedded_key=True)[0]
    with pytest.raises(NoTrustRoot):
        verify_package(forged)
    ok, msg = verify_package(forged, public_pem(ours))
    assert not ok and "signature" in msg

    (tmp_path / "pkg.zip").write_bytes(forged)
    (tmp_path / "pub.pem").write_bytes(public_pem(ours))
    env = {"CAUTERIZE_DATA_DIR": str(tmp_path / "empty-install")}
    cmd = ["review", "verify-evidence", str(tmp_path / "pkg.zip")]
    # A fresh install has no key of its own to trust: refused, not "verified".
    assert CliRunner().invoke(cli, cmd, env=env).exit_code == 2
    assert CliRunner().invoke(cli, [*cmd, "--public-key", str(tmp_path / "pub.pem")], env=env).exit_code == 1


def _rewrite_row(engine, seq: int) -> None:  # type: ignore[no-untyped-def]
    """Edit one row and recompute its hash and every later one: an attacker with the database."""
    with engine.begin() as conn:
        rows = conn.execute(select(A).order_by(A.c.seq)).all()
        prev = audit.GENESIS
        for r in rows:
            payload = {"i": 999} if r.seq == seq else r.payload
            h = audit.row_hash(prev, r.seq, r.at, r.actor, r.kind, r.case_id, payload)
            conn.execute(update(A).where(A.c.seq == r.seq).values(payload=payload, prev_hash=prev, hash=h))
            prev = h


def test_a_rewritten_chain_is_caught_by_a_signed_checkpoint_kept_elsewhere(store, tmp_path: Path):
    key = load_or_create_key(tmp_path / "k.pem")
    for i in range(5):
        audit.record(store.engine, "alice", "note", {"i": i})
    kept = checkpoint.make(store.engine, key)
    for i in range(3):  # life goes on after the checkpoint
        audit.record(store.engine, "bob", "note", {"later": i})
    seq, head = checkpoint.read(kept, public_pem(key))
    assert seq == 5 and audit.verify(store.engine, checkpoints={seq: head}).ok
    # A head kept before later entries is still found in the chain: no false alarm.
    assert audit.verify(store.engine, expected_head=head).ok

    _rewrite_row(store.engine, 2)
    assert audit.verify(store.engine).ok, "a recomputed chain passes the plain walk: that is the attack"
    v = audit.verify(store.engine, checkpoints={seq: head})
    assert not v.ok and v.first_bad == 5 and "checkpoint" in v.problem
    assert not audit.verify(store.engine, expected_head=head).ok

    # A checkpoint cannot be forged to fit the rewritten chain without the signing key.
    evil = load_or_create_key(tmp_path / "evil.pem")
    with pytest.raises(ValueError, match="signature"):
        checkpoint.read(checkpoint.make(store.engine, evil), public_pem(key))
