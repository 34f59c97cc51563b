"""Tables of the interaction graph, network scores, coordination and census (revision 0002).

* ``network_edges``: the interaction graph folded from ``edges`` with time-decayed weights, one
  row per (source, target, kind); ``network_state`` remembers how far ``edges`` was folded, so
  ``cauterize network update`` after a restart continues instead of starting over.
* ``network_scores``: the latest proximity score of each scored account, with its protection
  verdict, community, role and the evidence behind them.
* ``coordination_pairs``: pairs of accounts that acted on the same item (repost, URL, hashtag)
  within the window, with how many distinct items.
* ``network_census``: the daily estimate written by ``cauterize census``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, Index, Integer, String, Table

from cauterize.store.schema import ID, PLATFORM, UTCDateTime, metadata

network_edges = Table(
    "network_edges",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    Column("src", ID, primary_key=True),
    Column("dst", ID, primary_key=True),
    #: follow | repost | quote | reply | mention
    Column("kind", String(16), primary_key=True),
    #: Decayed weight as of ``as_of`` (each interaction adds 1, a follow is 1 until unfollowed).
    Column("weight", Float, nullable=False),
    Column("count", Integer, nullable=False),
    Column("first_time", UTCDateTime, nullable=False),
    Column("last_time", UTCDateTime, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
)

network_state = Table(
    "network_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

network_scores = Table(
    "network_scores",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    Column("account_id", ID, primary_key=True),
    Column("score", Float, nullable=False),
    #: Score after protection (0 for allow-listed or watcher-like accounts).
    Column("adjusted", Float, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("seed", Boolean, nullable=False),
    Column("protected", Boolean, nullable=False),
    Column("community", Integer),
    Column("role", String(32)),
    Column("evidence", JSON, nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
    Index(None, "platform", "adjusted"),
)

coordination_pairs = Table(
    "coordination_pairs",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    #: co_repost | co_link | co_hashtag
    Column("kind", String(16), primary_key=True),
    Column("a", ID, primary_key=True),
    Column("b", ID, primary_key=True),
    #: Distinct items both acted on within the window of each other.
    Column("items", Integer, nullable=False),
    Column("last_time", UTCDateTime, nullable=False),
)

network_census = Table(
    "network_census",
    metadata,
    Column("platform", PLATFORM, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("active", Float, nullable=False),
    Column("low", Float, nullable=False),
    Column("high", Float, nullable=False),
    Column("suspended", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("followers", Integer, nullable=False),
    Column("method", String(256), nullable=False),
    Column("computed_at", UTCDateTime, nullable=False),
)
