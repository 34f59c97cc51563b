"""Saved state of stateful detectors (revision 0005), so a start replays only what came after.

One row per detector: its state as the detector serialised it, the key that says which code,
model and options built it (a row under another key is ignored and rebuilt), and ``position``,
the highest ``events.id`` the state covers. The pipeline replays only the stored events above it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table

from cauterize.store.schema import UTCDateTime, metadata

detector_state = Table(
    "detector_state",
    metadata,
    Column("detector", String(64), primary_key=True),
    Column("state_key", String(128), nullable=False),
    #: The highest ``events.id`` whose event the state has taken in.
    Column("position", BigInteger, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)
