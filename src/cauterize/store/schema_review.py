"""Tables of cases, review actions, users and the audit chain (revision 0003)."""

from __future__ import annotations

from cauterize.store.schema import metadata  # noqa: F401
