"""Tables of the store. Portable SQL only: the same schema runs on SQLite and PostgreSQL.

Changing a table means changing it here *and* adding an Alembic revision under
``migrations/versions``; ``tests/test_store.py`` checks that the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones), always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} refused: times in cauterize are aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        return None if value is None else value.replace(tzinfo=UTC)


# Stable names for constraints so Alembic revisions can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(128)  # platform ids: Twitter snowflakes, Mastodon ids, Bluesky DIDs
PLATFORM = String(32)

events = Table(
    "events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", ID, nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("ingested_at", UTCDateTime, nullable=False),
    Column("run_id", Integer),
    #: The canonical event as JSON, so the history can be replayed through new detectors.
    Column("payload", LargeBinary, nullable=False),
    UniqueConstraint("platform", "event_id"),
    # No index on actor: an account's history is read from posts, edges and signals, and a
    # random-keyed index here cost ingest ~9 us an event (bench/ingest_throughput.py).
)

accounts = Table(
    "accounts",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    Column("account_id", ID, primary_key=True),
    Column("handle", String(256)),
    Column("display_name", Text),
    Column("bio", Text),
    Column("avatar_url", Text),
    Column("avatar_hash", String(256)),
    Column("protected", Boolean),
    Column("lang", String(16)),
    Column("followers_count", Integer),
    Column("following_count", Integer),
    Column("created_at", UTCDateTime),
    #: active | suspended | deleted | withheld
    Column("status", String(16), nullable=False, default="active"),
    Column("status_at", UTCDateTime),
    #: Event time of the newest profile applied; older profiles arriving late do not overwrite.
    Column("profile_at", UTCDateTime),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Index(None, "platform", "handle"),
)

handle_history = Table(
    "handle_history",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("account_id", ID, nullable=False),
    Column("handle", String(256), nullable=False),
    Column("handle_folded", String(256), nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("event_id", String(256), nullable=False),
    UniqueConstraint("platform", "event_id", "account_id"),
    Index(None, "platform", "handle_folded"),
    Index(None, "platform", "account_id", "seen_at"),
)

posts = Table(
    "posts",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    Column("post_id", ID, primary_key=True),
    Column("account_id", ID, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("lang", String(16)),
    Column("hashtags", JSON),
    Column("mentions", JSON),
    Column("urls", JSON),
    Column("media", JSON),
    Column("reply_to_post", ID),
    Column("reply_to_account", ID),
    Column("quote_of_post", ID),
    Column("quote_of_account", ID),
    Column("repost_of_post", ID),
    Column("repost_of_account", ID),
    Column("deleted_at", UTCDateTime),
    Column("removed_at", UTCDateTime),
    Column("event_id", String(256), nullable=False),
    Index(None, "platform", "account_id", "created_at"),
)

edges = Table(
    "edges",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("src", ID, nullable=False),
    Column("dst", ID, nullable=False),
    #: follow | unfollow | repost | quote | reply | mention
    Column("kind", String(16), nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("post_id", ID),
    # No unique key: edges come only from events new to the store (deduplicated by event id),
    # and a third index on the busiest table cost ingest 10%.
    Index(None, "platform", "dst", "event_time"),
    Index(None, "platform", "src", "event_time"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("reporter", ID, nullable=False),
    Column("target", ID, nullable=False),
    Column("post_id", ID),
    Column("reason", Text),
    Column("event_time", UTCDateTime, nullable=False),
    Column("event_id", String(256), nullable=False),
    UniqueConstraint("platform", "event_id"),
    Index(None, "platform", "target"),
)

enforcements = Table(
    "enforcements",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("account_id", ID, nullable=False),
    Column("action", String(32), nullable=False),
    Column("post_id", ID),
    Column("reason", Text),
    Column("event_time", UTCDateTime, nullable=False),
    Column("event_id", String(256), nullable=False),
    UniqueConstraint("platform", "event_id"),
    Index(None, "platform", "account_id"),
)

signals = Table(
    "signals",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("account_id", ID, nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("post_id", ID),
    Column("detector", String(64), nullable=False),
    Column("detector_version", String(32), nullable=False),
    Column("label", String(128), nullable=False),
    Column("score", Float, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "event_id", "account_id", "detector", "label"),
    Index(None, "platform", "account_id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("platform", PLATFORM, nullable=False),
    Column("account_id", ID, nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("post_id", ID),
    Column("action", String(32), nullable=False),
    Column("policy", String(64), nullable=False),
    Column("policy_version", String(32), nullable=False),
    Column("rule", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "event_id", "account_id", "policy"),
    Index(None, "platform", "account_id"),
    Index(None, "action", "decided_at"),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("sources", JSON, nullable=False),
    Column("counts", JSON),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("run_id", Integer),
    Column("source", Text, nullable=False),
    Column("position", Integer, nullable=False),
    #: Where inside the record, e.g. ``data[3]`` of a Twitter page; empty for the whole record.
    Column("location", String(256), nullable=False, default=""),
    Column("reason", Text, nullable=False),
    #: The first bytes of the record (never the whole of a huge one) and its real size.
    Column("raw", LargeBinary),
    Column("raw_size", Integer, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Index(None, "run_id"),
)

# Tables of the larger parts live in their own modules on this same ``metadata``, so each part
# changes its own file (and adds its own Alembic revision) without touching the others.
from cauterize.store import schema_network, schema_review, schema_state  # noqa: E402, F401
