"""Account references that cross platforms: what "follow us at ..." posts and bios name.

A reference is ``(family, handle)``: ``family`` says which kind of platform the handle lives on
(``fedi`` for Mastodon and the rest of the fediverse, ``atproto`` for Bluesky, ``twitter``,
``vk``, ``telegram``, ...) and ``handle`` is folded the way that platform's events spell it
(``name@instance`` on the fediverse, ``name.bsky.social`` on Bluesky, the bare name elsewhere),
lower case. Plain ``@name`` mentions are same-platform mentions and are not references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Platform name (as adapters set ``Event.platform``) -> family. Unknown platforms are their own family.
PLATFORM_FAMILY: dict[str, str] = {
    "mastodon": "fedi",
    "activitypub": "fedi",
    "bluesky": "atproto",
    "atproto-sim": "atproto",
    "twitter": "twitter",
    "x": "twitter",
    "vk": "vk",
    "telegram": "telegram",
}

#: Hosts whose profile URLs are ``host/<name>`` (not fediverse instances).
_PROFILE_HOSTS: dict[str, str] = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "mobile.twitter.com": "twitter",
    "vk.com": "vk",
    "m.vk.com": "vk",
    "t.me": "telegram",
    "telegram.me": "telegram",
}
#: Hosts with ``/@name`` paths that are not fediverse instances: never read as one.
_NOT_FEDI = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "tiktok.com", "www.tiktok.com", "medium.com"})
#: Path names on profile hosts that are pages, not accounts.
_RESERVED = frozenset(
    {"share", "intent", "home", "search", "i", "hashtag", "login", "feed", "s", "joinchat", "settings"}
)

_DOMAIN = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*\.[a-z]{2,24}"
_FEDI_HANDLE = re.compile(rf"(?<![\w@/.])@([a-z0-9_]{{1,64}})@({_DOMAIN})\b")
_URL = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,24})/(@?)([a-z0-9_.:-]{1,100})(?:/([a-z0-9_.:-]{1,253}))?")
_BSKY_HANDLE = re.compile(r"(?<![\w@/.])@?([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.bsky\.social)\b")


@dataclass(frozen=True, slots=True)
class Ref:
    family: str
    handle: str
    #: The text that named it, as written (for the reviewer).
    text: str


def family_of(platform: str, aliases: Mapping[str, str] | None = None) -> str:
    if aliases and platform in aliases:
        return aliases[platform]
    return PLATFORM_FAMILY.get(platform, platform)


def _host(host: str) -> str:
    return host.removeprefix("www.") if host.removeprefix("www.") in _PROFILE_HOSTS else host


def find_refs(texts: Iterable[str]) -> list[Ref]:
    """Every cross-platform account reference in ``texts`` (posts, bios, profile fields, links), in order."""
    out: dict[tuple[str, str], Ref] = {}
    for raw in texts:
        if not raw:
            continue
        text = raw.lower()
        spans: list[tuple[int, int]] = []
        for m in _FEDI_HANDLE.finditer(text):
            out.setdefault(
                ("fedi", f"{m.group(1)}@{m.group(2)}"), Ref("fedi", f"{m.group(1)}@{m.group(2)}", m.group(0))
            )
            spans.append(m.span())
        for m in _URL.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            host, at, first, second = _host(m.group(1)), m.group(2), m.group(3).rstrip(".:"), m.group(4)
            ref: Ref | None = None
            if host == "bsky.app" and first == "profile" and second:
                ref = Ref("atproto", second.rstrip(".:"), m.group(0))
            elif host in _PROFILE_HOSTS and not at and first not in _RESERVED:
                ref = Ref(_PROFILE_HOSTS[host], first, m.group(0))
            elif at and host not in _NOT_FEDI and re.fullmatch(r"[a-z0-9_]{1,64}", first):
                ref = Ref("fedi", f"{first}@{host}", m.group(0))
            if ref is not None:
                out.setdefault((ref.family, ref.handle), ref)
                spans.append(m.span())
        for m in _BSKY_HANDLE.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            out.setdefault(("atproto", m.group(1)), Ref("atproto", m.group(1), m.group(0)))
    return list(out.values())


def handle_key(handle: str) -> str:
    """How an account's own handle is looked up when a reference names it."""
    return handle.strip().lstrip("@").lower()
