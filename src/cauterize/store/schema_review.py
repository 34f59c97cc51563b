"""Tables of cases, review actions, users and the audit chain (revision 0003).

Owned by ``cauterize.review``; the ingest path never writes them. ``review_audit`` is append-only:
each row carries the hash of the previous one, so editing, deleting or reordering a row breaks
the chain (``cauterize.review.audit.verify``).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Table, Text, UniqueConstraint

from cauterize.store.schema import ID, PLATFORM, UTCDateTime, metadata

review_users = Table(
    "review_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    #: argon2id, PHC string
    Column("password_hash", String(256), nullable=False),
    #: viewer | reviewer | lead | admin
    Column("role", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    #: Sessions carry the generation they were issued in; logging out, a new password or
    #: disabling the user moves it on, and every cookie of the old one stops working, copies
    #: included (a signed cookie alone would stay valid until it expired).
    Column("session_generation", Integer, nullable=False, server_default="0"),
    UniqueConstraint("username"),
)

review_tokens = Table(
    "review_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    #: sha256 of the token; the token itself is shown once, at creation
    Column("token_hash", String(64), nullable=False),
    Column("username", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    UniqueConstraint("token_hash"),
)

review_cases = Table(
    "review_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    #: the lineage root (the oldest known account of the actor)
    Column("root_account_id", ID, nullable=False),
    #: threat | propaganda | ban_evasion | known_material | other
    Column("queue", String(32), nullable=False),
    #: open | actioned | dismissed | appealed | overturned | upheld
    Column("status", String(16), nullable=False),
    Column("priority", Boolean, nullable=False, default=False),
    Column("risk", Float, nullable=False, default=0.0),
    #: followers gained per hour by the case's accounts
    Column("reach", Float, nullable=False, default=0.0),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sla_due_at", UTCDateTime, nullable=False),
    #: bumped when an appeal reopens the case, so the same action may be taken again
    Column("revision", Integer, nullable=False, default=0),
    Column("resolution", String(32)),
    Column("resolved_by", String(64)),
    Column("resolved_at", UTCDateTime),
    #: security-team only (threatened parties); never rendered in a public view
    Column("restricted", JSON),
    UniqueConstraint("platform", "root_account_id"),
    Index(None, "queue", "status"),
)

review_case_members = Table(
    "review_case_members",
    metadata,
    Column("case_id", Integer, primary_key=True),
    Column("platform", PLATFORM, primary_key=True),
    Column("account_id", ID, primary_key=True),
    #: root | child | member
    Column("relation", String(16), nullable=False),
    Column("parent_account_id", ID),
    Column("probability", Float),
    Column("added_at", UTCDateTime, nullable=False),
    Index(None, "platform", "account_id"),
)

review_case_decisions = Table(
    "review_case_decisions",
    metadata,
    Column("decision_id", Integer, primary_key=True, autoincrement=False),
    Column("case_id", Integer, nullable=False),
    Index(None, "case_id"),
)

review_actions = Table(
    "review_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(128), nullable=False),
    Column("case_id", Integer),
    #: suspend | remove_post | restrict | dismiss | escalate | reinstate | restore_post | unrestrict
    Column("action", String(32), nullable=False),
    Column("platform", PLATFORM, nullable=False),
    Column("account_id", ID, nullable=False),
    Column("post_id", ID),
    #: manual | auto
    Column("source", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("rule", String(128)),
    Column("model_version", String(64)),
    Column("evidence", JSON, nullable=False),
    #: applied | shadow | held (circuit breaker) | reverted
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("idempotency_key"),
    Index(None, "case_id"),
    Index(None, "source", "action", "created_at"),
)

review_outbox = Table(
    "review_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action_id", Integer, nullable=False),
    Column("sink", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    #: pending | sent | failed
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("action_id", "sink"),
    Index(None, "status", "next_attempt_at"),
)

review_audit = Table(
    "review_audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("case_id", Integer),
    Column("payload", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index(None, "case_id"),
)

review_appeals = Table(
    "review_appeals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False),
    Column("filed_by", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    #: the reviewer whose actions are appealed; someone else must decide
    Column("original_reviewer", String(64)),
    #: open | upheld | overturned
    Column("status", String(16), nullable=False),
    Column("decided_by", String(64)),
    Column("decision_reason", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("rules", JSON, nullable=False),
    Column("model_versions", JSON, nullable=False),
    Index(None, "case_id"),
)

review_alerts = Table(
    "review_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("details", JSON, nullable=False),
)
