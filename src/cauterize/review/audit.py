"""The append-only, hash-chained audit log.

Each row stores ``hash = sha256(prev_hash + canonical_json(seq, at, actor, kind, case_id, payload))``
and the ``prev_hash`` it was chained to. ``verify`` walks the chain and names the first row that
is edited (its hash no longer matches its content), deleted (a gap in ``seq`` or a broken link)
or reordered (a broken link). Deleting the newest rows leaves a valid shorter chain: compare
the head (``head()``) with one kept elsewhere (it is sent with every action to the sinks).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from cauterize.store.schema_review import review_audit as A

GENESIS = "0" * 64
_lock = threading.Lock()


def _default(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).isoformat()
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, set | frozenset | tuple):
        return sorted(v) if isinstance(v, set | frozenset) else list(v)
    return str(v)


def canonical(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: the same object always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def row_hash(prev_hash: str, seq: int, at: datetime, actor: str, kind: str, case_id: int | None, payload: Any) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "kind": kind,
            "case_id": case_id,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append(
    conn: Connection,
    actor: str,
    kind: str,
    payload: dict[str, Any],
    case_id: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Chain one entry onto the log inside the caller's transaction."""
    # Take the write lock before reading the last row, so two writers (threads or processes)
    # can never both chain onto it: PostgreSQL by a table lock, SQLite by starting the write
    # transaction first (a no-op update), which other writers then wait for.
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE review_audit IN EXCLUSIVE MODE"))
    elif conn.dialect.name == "sqlite":
        conn.execute(text("UPDATE review_audit SET seq = seq WHERE 1 = 0"))
    payload = json.loads(canonical(payload))  # what is stored is exactly what was hashed
    at = (now or datetime.now(UTC)).astimezone(UTC)
    last = conn.execute(select(A.c.seq, A.c.hash).order_by(A.c.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    h = row_hash(prev, seq, at, actor, kind, case_id, payload)
    row = {"seq": seq, "at": at, "actor": actor, "kind": kind, "case_id": case_id, "payload": payload}
    conn.execute(A.insert().values(**row, prev_hash=prev, hash=h))
    return {**row, "prev_hash": prev, "hash": h}


def record(
    engine: Engine, actor: str, kind: str, payload: dict[str, Any], case_id: int | None = None
) -> dict[str, Any]:
    with _lock, engine.begin() as conn:
        return append(conn, actor, kind, payload, case_id)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    head: str
    #: seq of the first bad row (or of the row after a gap)
    first_bad: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head": self.head,
            "first_bad": self.first_bad,
            "problem": self.problem,
        }


def verify(
    engine: Engine, expected_head: str | None = None, checkpoints: Mapping[int, str] | None = None
) -> Verification:
    """Walk the chain. ``expected_head``: a head kept elsewhere at some time; the chain must still
    contain it (later rows may follow). ``checkpoints``: seq -> hash pairs kept outside the store
    (``checkpoint``); an edit before a checkpoint is found even when every later hash was
    recomputed, because the recomputed hash at the checkpoint's seq differs from the kept one."""
    prev, expected_seq, n = GENESIS, 1, 0
    seen_head = expected_head is None or expected_head == GENESIS
    kept = dict(checkpoints or {})
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=2000).execute(select(A).order_by(A.c.seq))
        for r in rows:
            n += 1
            want = kept.pop(r.seq, None)
            if want is not None and want != r.hash:
                return Verification(
                    False, n, prev, r.seq, "row differs from a checkpoint kept outside the store: rewritten"
                )
            if r.seq != expected_seq:
                return Verification(False, n, prev, r.seq, f"row(s) {expected_seq}..{r.seq - 1} deleted")
            if r.prev_hash != prev:
                return Verification(
                    False, n, prev, r.seq, "chain broken: a row before it was deleted, reordered or rewritten"
                )
            if row_hash(prev, r.seq, r.at, r.actor, r.kind, r.case_id, r.payload) != r.hash:
                return Verification(False, n, prev, r.seq, "row edited: its content no longer matches its hash")
            prev, expected_seq = r.hash, r.seq + 1
            seen_head = seen_head or r.hash == expected_head
    if kept:
        first = min(kept)
        return Verification(False, n, prev, first, f"checkpoint row {first} is gone: newest rows deleted")
    if not seen_head:
        return Verification(
            False, n, prev, expected_seq, "head kept elsewhere is not in the chain: newest rows deleted or rewritten"
        )
    return Verification(True, n, prev)


def checkpoint(engine: Engine) -> tuple[int, str]:
    """(seq, hash) of the newest row, to be signed and kept outside the store."""
    with engine.connect() as conn:
        r = conn.execute(select(A.c.seq, A.c.hash).order_by(A.c.seq.desc()).limit(1)).first()
    return (0, GENESIS) if r is None else (int(r.seq), str(r.hash))


def head(engine: Engine) -> str:
    with engine.connect() as conn:
        h = conn.execute(select(A.c.hash).order_by(A.c.seq.desc()).limit(1)).scalar_one_or_none()
    return h or GENESIS


def entries(
    engine: Engine, case_id: int | None = None, limit: int = 200, before: int | None = None
) -> list[dict[str, Any]]:
    q = select(A).order_by(A.c.seq.desc()).limit(limit)
    if case_id is not None:
        q = q.where(A.c.case_id == case_id)
    if before is not None:
        q = q.where(A.c.seq < before)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(A)).scalar_one())
