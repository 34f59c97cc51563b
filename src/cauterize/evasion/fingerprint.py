"""What is remembered of an account: a live profile, and the fingerprint kept after a suspension."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Profile:
    """The latest known profile of an account (``None``: never stated)."""

    handle: str | None = None
    display_name: str | None = None
    bio: str | None = None
    avatar_hash: str | None = None
    lang: str | None = None
    protected: bool = False
    created_at: datetime | None = None
    #: Every handle the account has used, oldest first.
    handles: list[str] = field(default_factory=list)

    def update(self, **fields: object) -> bool:
        """Apply stated fields; True if a name-like field (handle, display name, avatar, bio) changed."""
        changed = False
        for name, value in fields.items():
            if value is None:
                continue
            if getattr(self, name) != value:
                if name in ("handle", "display_name", "avatar_hash", "bio"):
                    changed = True
                setattr(self, name, value)
                if name == "handle" and value not in self.handles:
                    self.handles.append(value)  # type: ignore[arg-type]
        return changed


@dataclass(slots=True)
class Fingerprint:
    """A suspended account as the registry keeps it, to recognise its next incarnation."""

    fid: int
    platform: str
    account_id: str
    handles: tuple[str, ...]
    display_name: str | None
    bio: str | None
    avatar_hash: str | None
    lang: str | None
    suspended_at: datetime
    reason: str | None
    #: Accounts that followed, reposted or promoted it: the audience a replacement wins back.
    audience: frozenset[str]
    hashtags: Counter[str] = field(default_factory=Counter)
    #: The suspended account this one was itself linked to, if any: the lineage.
    parent_account_id: str | None = None
    active: bool = True
    _keys: tuple[Any, ...] | None = None

    def handle_keys(self) -> tuple[Any, ...]:
        """The folds of every handle it used (``HandleKeys``), computed on first use."""
        if self._keys is None:
            from cauterize.evasion.features import HandleKeys

            self._keys = tuple(HandleKeys.of(h) for h in self.handles if h)
        return self._keys
