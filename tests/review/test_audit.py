from __future__ import annotations

from sqlalchemy import delete, update

from cauterize.review import audit
from cauterize.store.schema_review import review_audit as A


def _chain(engine, n=5):
    for i in range(n):
        audit.record(engine, "alice", "note", {"i": i, "text": "héllo", "score": 0.1 * i}, case_id=1)


def test_an_intact_chain_verifies_and_tracks_its_head(store):
    assert audit.verify(store.engine).ok and audit.head(store.engine) == audit.GENESIS
    _chain(store.engine)
    v = audit.verify(store.engine)
    assert v.ok and v.checked == 5
    assert v.head == audit.head(store.engine) != audit.GENESIS
    # The head is what a consumer keeps: verifying against it passes, against an older one fails.
    assert audit.verify(store.engine, expected_head=v.head).ok


def test_an_edited_row_is_found(store):
    _chain(store.engine)
    with store.engine.begin() as conn:
        conn.execute(update(A).where(A.c.seq == 3).values(payload={"i": 99, "text": "héllo", "score": 0.2}))
    v = audit.verify(store.engine)
    assert not v.ok and v.first_bad == 3 and "edited" in v.problem


def test_an_edited_actor_with_a_recomputed_hash_breaks_the_next_link(store):
    _chain(store.engine)
    with store.engine.begin() as conn:
        row = conn.execute(A.select().where(A.c.seq == 2)).one()
        forged = audit.row_hash(row.prev_hash, 2, row.at, "mallory", row.kind, row.case_id, row.payload)
        conn.execute(update(A).where(A.c.seq == 2).values(actor="mallory", hash=forged))
    v = audit.verify(store.engine)
    assert not v.ok and v.first_bad == 3 and "chain broken" in v.problem


def test_a_deleted_row_is_found(store):
    _chain(store.engine)
    with store.engine.begin() as conn:
        conn.execute(delete(A).where(A.c.seq == 2))
    v = audit.verify(store.engine)
    assert not v.ok and v.first_bad == 3 and "deleted" in v.problem


def test_reordered_rows_are_found(store):
    _chain(store.engine)
    with store.engine.begin() as conn:
        r2 = dict(conn.execute(A.select().where(A.c.seq == 2)).one()._mapping)
        r3 = dict(conn.execute(A.select().where(A.c.seq == 3)).one()._mapping)
        conn.execute(delete(A).where(A.c.seq.in_([2, 3])))
        conn.execute(A.insert().values({**r3, "seq": 2}))
        conn.execute(A.insert().values({**r2, "seq": 3}))
    v = audit.verify(store.engine)
    assert not v.ok and v.first_bad == 2


def test_truncating_the_newest_rows_is_found_against_a_kept_head(store):
    _chain(store.engine)
    kept = audit.head(store.engine)
    with store.engine.begin() as conn:
        conn.execute(delete(A).where(A.c.seq == 5))
    assert audit.verify(store.engine).ok  # a shorter chain is still a chain...
    v = audit.verify(store.engine, expected_head=kept)
    assert not v.ok and "newest rows deleted" in v.problem  # ...but not the one we kept the head of


def test_concurrent_writers_never_fork_the_chain(store):
    """Separate connections (as separate processes would have), no Python lock: the database's does it."""
    import threading

    from cauterize.store.db import make_engine

    url = store.engine.url.render_as_string(hide_password=False)
    errors = []

    def write(who):
        engine = make_engine(url)
        try:
            for i in range(10):
                with engine.begin() as conn:
                    audit.append(conn, who, "note", {"i": i})
        except Exception as exc:  # collected: the assertion below names it
            errors.append(repr(exc))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=write, args=(f"w{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    v = audit.verify(store.engine)
    assert v.ok and v.checked == 40
