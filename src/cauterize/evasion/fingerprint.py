"""What is remembered of an account: a live profile, and the fingerprint kept after a suspension."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any

#: Posts whose language is kept to guess an account's own.
POST_LANGS = 5


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
    #: When the account first acted in the stream (its creation, or its first sighting on a
    #: platform that sends no creation events); ``None`` while it is known only from mentions.
    appeared_at: datetime | None = None
    #: The ``lang`` of its first few posts, for an account whose profile states no language.
    post_langs: list[str] | None = None
    #: Its latest own action (appearance, post, follow): when an account went quiet, which a
    #: takedown reported late does not tell.
    last_active: datetime | None = None
    #: ``language()`` as of ``post_langs`` of this length (it is asked once per candidate scored,
    #: and the list only grows, up to ``POST_LANGS``).
    _lang_memo: tuple[int, str | None] = field(default=(-1, None), repr=False, compare=False)

    def language(self) -> str | None:
        """The stated language, else the most common of its first posts' (ties: the earliest)."""
        langs = self.post_langs
        if self.lang or not langs:
            return self.lang
        n, memo = self._lang_memo
        if n == len(langs):
            return memo
        counts: dict[str, int] = {}
        for lang in langs:
            counts[lang] = counts.get(lang, 0) + 1
        found = max(counts, key=lambda k: (counts[k], -langs.index(k)))
        self._lang_memo = (len(langs), found)
        return found

    def note_post_lang(self, lang: str | None) -> None:
        if lang and not self.lang:
            langs = self.post_langs if self.post_langs is not None else []
            if len(langs) < POST_LANGS:
                langs.append(lang)
                self.post_langs = langs

    def __reduce__(self) -> tuple[Any, ...]:
        # A saved engine state (state.py) holds one per account: pickled as the constructor's
        # arguments, read in one C call, instead of the dataclass default's field-by-field Python.
        return (Profile, _PROFILE_VALUES(self))

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
    #: Its last own action before the suspension, when seen.
    last_active: datetime | None = None
    active: bool = True
    _keys: tuple[Any, ...] | None = None

    def handle_keys(self) -> tuple[Any, ...]:
        """The folds of every handle it used (``HandleKeys``), computed on first use."""
        if self._keys is None:
            from cauterize.evasion.features import HandleKeys

            self._keys = tuple(HandleKeys.of(h) for h in self.handles if h)
        return self._keys

    def __reduce__(self) -> tuple[Any, ...]:
        values = list(_FINGERPRINT_VALUES(self))
        values[_KEYS_AT] = None  # a cache, rebuilt on first use
        return (Fingerprint, tuple(values))

    @property
    def gone_at(self) -> datetime:
        """When the account stopped: its last action if that came before the suspension was reported."""
        la = self.last_active
        return la if la is not None and la < self.suspended_at else self.suspended_at


_PROFILE_VALUES = attrgetter(*(f.name for f in fields(Profile)))
_FINGERPRINT_VALUES = attrgetter(*(f.name for f in fields(Fingerprint)))
_KEYS_AT = [f.name for f in fields(Fingerprint)].index("_keys")
