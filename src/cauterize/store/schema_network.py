"""Tables of the interaction graph, network scores and census (revision 0002)."""

from __future__ import annotations

from cauterize.store.schema import metadata  # noqa: F401
