"""network tables

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cauterize.store.schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_edges",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("src", sa.String(length=128), nullable=False),
        sa.Column("dst", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_time", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.Column("last_time", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.Column("as_of", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "src", "dst", "kind", name=op.f("pk_network_edges")),
    )
    op.create_table(
        "network_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_network_state")),
    )
    op.create_table(
        "network_scores",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("adjusted", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Boolean(), nullable=False),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("community", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("computed_at", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "account_id", name=op.f("pk_network_scores")),
    )
    with op.batch_alter_table("network_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_scores_platform_adjusted"), ["platform", "adjusted"], unique=False)
    op.create_table(
        "coordination_pairs",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("a", sa.String(length=128), nullable=False),
        sa.Column("b", sa.String(length=128), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("last_time", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "kind", "a", "b", name=op.f("pk_coordination_pairs")),
    )
    op.create_table(
        "network_census",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("suspended", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=256), nullable=False),
        sa.Column("computed_at", cauterize.store.schema.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "day", name=op.f("pk_network_census")),
    )


def downgrade() -> None:
    op.drop_table("network_census")
    op.drop_table("coordination_pairs")
    with op.batch_alter_table("network_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_scores_platform_adjusted"))
    op.drop_table("network_scores")
    op.drop_table("network_state")
    op.drop_table("network_edges")
