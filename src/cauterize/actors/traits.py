"""What an account shows that survives a move to another platform, gathered from its events.

A handle's platform part (``@instance``, ``.bsky.social``) does not survive a move; its local part
does, folded to a stem (:func:`stem`). Display name, bio words, the avatar's hash, the links and
the media files an account shares, its languages and its hours of posting survive too. Every
collection is capped, so an account's traits stay a few kilobytes however long it posts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from cauterize.evasion.handles import name_key, skeleton

MAX_LINKS = 64
MAX_MEDIA = 64
MAX_PROMOTERS = 200
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_URLISH = re.compile(r"\S+\.\S+/\S*|https?://\S+")
#: Words of bios that say nothing about who wrote them (the simulator's and real bios' filler).
_BIO_STOP = frozenset({"the", "and", "for", "with", "account", "new", "our", "this", "sim", "synthetic", "follow"})


def local_part(handle: str) -> str:
    """``name@instance`` -> ``name``; ``name.bsky.social`` (any domain handle) -> ``name``; else the handle."""
    h = handle.strip().lstrip("@")
    if "@" in h:
        return h.split("@", 1)[0]
    if "." in h:
        return h.split(".", 1)[0]
    return h


def stem(handle: str | None) -> str:
    """The folded local part of a handle (case, script, separators, look-alikes and counter removed)."""
    return skeleton(local_part(handle)) if handle else ""


def bio_words(bio: str | None) -> frozenset[str]:
    if not bio:
        return frozenset()
    text = _URLISH.sub(" ", bio.lower())
    return frozenset(w for w in _WORD.findall(text) if w not in _BIO_STOP)


def domain_of(url: str) -> str | None:
    try:
        host = urlsplit(url if "://" in url else f"https://{url}").hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def url_key(url: str) -> str:
    """A URL without scheme, ``www.``, query or trailing slash: the same link however it was pasted."""
    u = url.strip().lower()
    u = u.split("://", 1)[-1].removeprefix("www.")
    return u.split("?", 1)[0].split("#", 1)[0].rstrip("/")


@dataclass(slots=True)
class Traits:
    platform: str
    account_id: str
    first_seen: datetime
    last_active: datetime
    handle: str | None = None
    handles: list[str] = field(default_factory=list)
    display_name: str | None = None
    bio: str | None = None
    avatar_hash: str | None = None
    bio_urls: tuple[str, ...] = ()
    links: dict[str, None] = field(default_factory=dict)
    media: dict[str, None] = field(default_factory=dict)
    langs: Counter[str] = field(default_factory=Counter)
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    posts: int = 0
    promoters: dict[tuple[str, str], None] = field(default_factory=dict)
    suspended_at: datetime | None = None
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.account_id)

    def set_profile(self, **fields: object) -> bool:
        """Apply a profile snapshot (``None`` = not stated); whether a name-like field changed."""
        changed = False
        handle = fields.get("handle")
        if isinstance(handle, str) and handle and handle != self.handle:
            self.handle = handle
            if handle not in self.handles:
                self.handles.append(handle)
            changed = True
        for name in ("display_name", "bio", "avatar_hash"):
            value = fields.get(name)
            if isinstance(value, str) and value and value != getattr(self, name):
                setattr(self, name, value)
                changed = True
        urls = fields.get("bio_urls")
        if isinstance(urls, tuple) and urls and urls != self.bio_urls:
            self.bio_urls = urls
            for u in urls:
                self.add_link(u)
            changed = True
        lang = fields.get("lang")
        if isinstance(lang, str) and lang and not self.langs:
            self.langs[lang.split("-", 1)[0].lower()] += 1
        return changed

    def add_link(self, url: str) -> None:
        key = url_key(url)
        if key and key not in self.links and len(self.links) < MAX_LINKS:
            self.links[key] = None

    def add_post(self, at: datetime, lang: str | None, urls: tuple[str, ...], media: list[str]) -> None:
        self.posts += 1
        self.hours[at.hour] += 1
        if lang:
            self.langs[lang.split("-", 1)[0].lower()] += 1
        for u in urls:
            self.add_link(u)
        for h in media:
            if h not in self.media and len(self.media) < MAX_MEDIA:
                self.media[h] = None

    def add_promoter(self, who: tuple[str, str]) -> bool:
        if who in self.promoters or len(self.promoters) >= MAX_PROMOTERS:
            return False
        self.promoters[who] = None
        return True

    def language(self) -> str | None:
        return self.langs.most_common(1)[0][0] if self.langs else None

    def stems(self) -> set[str]:
        return {s for s in (stem(h) for h in self.handles) if s}

    def name_key(self) -> str:
        return name_key(self.display_name) if self.display_name else ""

    def domains(self) -> set[str]:
        return {d for d in (domain_of(u) for u in self.links) if d}
