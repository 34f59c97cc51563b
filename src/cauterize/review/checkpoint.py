"""Signed audit checkpoints: the chain's newest (seq, hash), signed, to keep outside the store.

A hash chain inside the database shows edits made by someone who cannot recompute hashes; an
attacker with write access to the store can rewrite a row and recompute every later hash, and
the chain verifies again. A checkpoint written to another place (a file on another host, a
ticket, the security team's mailbox) pins the hash the chain had at that seq: after such a
rewrite the recomputed hash at that seq no longer matches. Signing the checkpoint with the
evidence key means a checkpoint cannot be forged to fit a rewritten chain either.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.engine import Engine

from cauterize.review import audit

FORMAT = "cauterize-audit-checkpoint/1"


def make(engine: Engine, key: Ed25519PrivateKey, now: datetime | None = None) -> bytes:
    seq, head = audit.checkpoint(engine)
    body = {"format": FORMAT, "seq": seq, "head": head, "at": (now or datetime.now(UTC)).isoformat()}
    sig = key.sign(audit.canonical(body).encode())
    return (json.dumps({**body, "sig": sig.hex()}, sort_keys=True) + "\n").encode()


def read(data: bytes, public_key_pem: bytes) -> tuple[int, str]:
    """(seq, hash) of a checkpoint whose signature the trusted key verifies; ValueError otherwise."""
    try:
        raw = json.loads(data)
        body = {k: raw[k] for k in ("format", "seq", "head", "at")}
        sig = bytes.fromhex(raw["sig"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not an audit checkpoint: {exc}") from None
    if body["format"] != FORMAT:
        raise ValueError(f"not an audit checkpoint (format {body['format']!r})")
    pub = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(pub, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    try:
        pub.verify(sig, audit.canonical(body).encode())
    except InvalidSignature:
        raise ValueError("checkpoint signature does not match: forged or altered") from None
    return int(body["seq"]), str(body["head"])
