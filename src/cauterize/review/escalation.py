"""Evidence packages for law enforcement: a zip with a manifest of hashes, signed with Ed25519.

Contents: ``case.json`` (the case, threatened parties included: this package is for the
security team and the police, never a public view), ``posts.jsonl`` (every post of the case's
accounts with its timestamp, sha256 of its text and of the stored event, language and an empty
``translation`` field for the translator), ``accounts.json`` (profiles, handle history,
enforcement history), ``lineage.json``, ``network.json``, ``signals.json``, ``decisions.json``,
``actions.json``, ``audit.json`` (the case's audit entries with their chain hashes),
``manifest.json`` (sha256 of every file) and ``manifest.sig`` (Ed25519 signature of the
manifest's bytes) with ``public_key.pem``.

Key handling: the signing key is ``[review] signing_key`` or ``<data_dir>/evidence-ed25519.pem``,
created 0600 on first use. Publish the public key (``cauterize review signing-key``) to the
recipients out of band; the copy inside a package only says which key signed it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.engine import Engine

from cauterize.review import actions, audit, cases
from cauterize.review.audit import canonical
from cauterize.store import schema as s


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(pub_pem: bytes) -> str:
    return hashlib.sha256(pub_pem).hexdigest()[:16]


def _j(v: Any) -> bytes:
    return json.dumps(json.loads(canonical(v)), indent=2, ensure_ascii=False, sort_keys=True).encode()


def build_package(engine: Engine, case_id: int, key: Ed25519PrivateKey, created_by: str) -> bytes:
    case = cases.get_case(engine, case_id)
    if case is None:
        raise actions.CaseNotFound(case_id)
    platform = case["platform"]
    mems = cases.members(engine, case_id)
    ids = [m["account_id"] for m in mems]
    a, p, h, e, sig, enf, ev = s.accounts, s.posts, s.handle_history, s.edges, s.signals, s.enforcements, s.events
    files: dict[str, bytes] = {}
    with engine.connect() as conn:
        posts = conn.execute(
            select(p).where(p.c.platform == platform, p.c.account_id.in_(ids)).order_by(p.c.created_at, p.c.post_id)
        ).all()
        payloads = (
            dict(
                conn.execute(
                    select(ev.c.event_id, ev.c.payload).where(
                        ev.c.platform == platform, ev.c.event_id.in_([x.event_id for x in posts])
                    )
                ).all()
            )
            if posts
            else {}
        )
        lines = []
        for x in posts:
            lines.append(
                canonical(
                    {
                        "post_id": x.post_id,
                        "account_id": x.account_id,
                        "created_at": x.created_at,
                        "text": x.text,
                        "text_sha256": hashlib.sha256(x.text.encode()).hexdigest(),
                        "event_id": x.event_id,
                        "event_sha256": hashlib.sha256(payloads[x.event_id]).hexdigest()
                        if x.event_id in payloads
                        else None,
                        "lang": x.lang,
                        "translation": None,
                        "media": x.media,
                        "mentions": x.mentions,
                        "deleted_at": x.deleted_at,
                        "removed_at": x.removed_at,
                    }
                )
            )
        files["posts.jsonl"] = ("\n".join(lines) + "\n").encode() if lines else b""
        accounts = []
        for acc in conn.execute(select(a).where(a.c.platform == platform, a.c.account_id.in_(ids))):
            accounts.append(
                {
                    **dict(acc._mapping),
                    "handle_history": [
                        dict(r._mapping)
                        for r in conn.execute(
                            select(h.c.handle, h.c.seen_at, h.c.event_id)
                            .where(h.c.platform == platform, h.c.account_id == acc.account_id)
                            .order_by(h.c.seen_at)
                        )
                    ],
                    "enforcements": [
                        dict(r._mapping)
                        for r in conn.execute(
                            select(enf.c.action, enf.c.reason, enf.c.event_time, enf.c.post_id).where(
                                enf.c.platform == platform, enf.c.account_id == acc.account_id
                            )
                        )
                    ],
                }
            )
        files["accounts.json"] = _j(accounts)
        files["network.json"] = _j(
            [
                dict(r._mapping)
                for r in conn.execute(
                    select(e.c.src, e.c.dst, e.c.kind, e.c.event_time, e.c.post_id)
                    .where(e.c.platform == platform, (e.c.src.in_(ids)) | (e.c.dst.in_(ids)))
                    .order_by(e.c.event_time)
                    .limit(5000)
                )
            ]
        )
        files["signals.json"] = _j(
            [
                dict(r._mapping)
                for r in conn.execute(select(sig).where(sig.c.platform == platform, sig.c.account_id.in_(ids)))
            ]
        )
    files["case.json"] = _j(case)
    files["lineage.json"] = _j(mems)
    files["decisions.json"] = _j(cases.case_decisions(engine, case_id))
    files["actions.json"] = _j(actions.case_actions(engine, case_id))
    files["audit.json"] = _j(sorted(audit.entries(engine, case_id=case_id, limit=10000), key=lambda r: r["seq"]))
    pub = public_pem(key)
    files["public_key.pem"] = pub
    manifest = {
        "format": "cauterize-evidence/1",
        "case_id": case_id,
        "platform": platform,
        "created_at": datetime.now(UTC).isoformat(),
        "created_by": created_by,
        "key_id": key_id(pub),
        "audit_head": audit.head(engine),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = canonical(manifest).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            z.writestr(name, data)
        z.writestr("manifest.json", manifest_bytes)
        z.writestr("manifest.sig", key.sign(manifest_bytes).hex())
    return buf.getvalue()


class NoTrustRoot(ValueError):
    """Verification was asked for without a key to trust."""


def verify_package(
    data: bytes, public_key_pem: bytes | None = None, *, trust_embedded_key: bool = False
) -> tuple[bool, str]:
    """Check the signature against a trusted public key, and every file's hash.

    The key inside the package proves nothing about who made it: anyone can sign a forged
    package with a key of their own and put that key beside it. So a trust root (the key the
    security team published, ``cauterize review signing-key``) is required; checking against the
    embedded key is an explicit, weaker choice (``trust_embedded_key``) that only shows the files
    were not changed after signing, and the message says so.
    """
    if public_key_pem is None and not trust_embedded_key:
        raise NoTrustRoot("no trusted public key given: pass the published key (cauterize review signing-key)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        manifest_bytes = z.read("manifest.json")
        sig = bytes.fromhex(z.read("manifest.sig").decode())
        pem = public_key_pem or z.read("public_key.pem")
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        return False, f"not a cauterize evidence package: {exc}"
    try:
        pub = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        return False, f"not a PEM public key: {exc}"
    if not isinstance(pub, Ed25519PublicKey):
        return False, "not an Ed25519 public key"
    try:
        pub.verify(sig, manifest_bytes)
    except InvalidSignature:
        return False, "signature does not match the manifest (forged, altered, or signed by another key)"
    manifest = json.loads(manifest_bytes)
    names = set(z.namelist()) - {"manifest.json", "manifest.sig"}
    if names != set(manifest["files"]):
        return False, f"files differ from the manifest: {sorted(names ^ set(manifest['files']))}"
    for name, digest in manifest["files"].items():
        if hashlib.sha256(z.read(name)).hexdigest() != digest:
            return False, f"{name}: content does not match its hash"
    if public_key_pem is None:
        return True, (
            f"files intact and signed by the key INSIDE the package ({manifest['key_id']}); "
            "that does not show who made it: verify with --public-key"
        )
    return True, f"signed by trusted key {manifest['key_id']}; {len(manifest['files'])} files intact"
