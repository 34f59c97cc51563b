"""review tables

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import cauterize.store.schema

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = cauterize.store.schema.UTCDateTime
ID = sa.String(length=128)
PLATFORM = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "review_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_users")),
        sa.UniqueConstraint("username", name=op.f("uq_review_users_username")),
    )
    op.create_table(
        "review_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("expires_at", UTC(), nullable=True),
        sa.Column("revoked_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_review_tokens_token_hash")),
    )
    op.create_table(
        "review_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", PLATFORM, nullable=False),
        sa.Column("root_account_id", ID, nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("reach", sa.Float(), nullable=False),
        sa.Column("opened_at", UTC(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.Column("sla_due_at", UTC(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolved_at", UTC(), nullable=True),
        sa.Column("restricted", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cases")),
        sa.UniqueConstraint("platform", "root_account_id", name=op.f("uq_review_cases_platform_root_account_id")),
    )
    op.create_index(op.f("ix_review_cases_queue_status"), "review_cases", ["queue", "status"], unique=False)
    op.create_table(
        "review_case_members",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("platform", PLATFORM, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("parent_account_id", ID, nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("added_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "platform", "account_id", name=op.f("pk_review_case_members")),
    )
    op.create_index(
        op.f("ix_review_case_members_platform_account_id"),
        "review_case_members",
        ["platform", "account_id"],
        unique=False,
    )
    op.create_table(
        "review_case_decisions",
        sa.Column("decision_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_review_case_decisions")),
    )
    op.create_index(op.f("ix_review_case_decisions_case_id"), "review_case_decisions", ["case_id"], unique=False)
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("platform", PLATFORM, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("post_id", ID, nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=128), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_actions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_review_actions_idempotency_key")),
    )
    op.create_index(op.f("ix_review_actions_case_id"), "review_actions", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_review_actions_source_action_created_at"),
        "review_actions",
        ["source", "action", "created_at"],
        unique=False,
    )
    op.create_table(
        "review_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("sink", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", UTC(), nullable=False),
        sa.Column("sent_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_outbox")),
        sa.UniqueConstraint("action_id", "sink", name=op.f("uq_review_outbox_action_id_sink")),
    )
    op.create_index(
        op.f("ix_review_outbox_status_next_attempt_at"), "review_outbox", ["status", "next_attempt_at"], unique=False
    )
    op.create_table(
        "review_audit",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_review_audit")),
    )
    op.create_index(op.f("ix_review_audit_case_id"), "review_audit", ["case_id"], unique=False)
    op.create_table(
        "review_appeals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original_reviewer", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("decided_at", UTC(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("model_versions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_appeals")),
    )
    op.create_index(op.f("ix_review_appeals_case_id"), "review_appeals", ["case_id"], unique=False)
    op.create_table(
        "review_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_alerts")),
    )


def downgrade() -> None:
    for table in (
        "review_alerts",
        "review_appeals",
        "review_audit",
        "review_outbox",
        "review_actions",
        "review_case_decisions",
        "review_case_members",
        "review_cases",
        "review_tokens",
        "review_users",
    ):
        op.drop_table(table)
