"""Identity signals of fediverse profiles, shared by the Mastodon and ActivityPub adapters.

A profile's images and links survive a ban better than its name: a replacement account often
carries the same picture, header or link list. These helpers turn them into the canonical fields
(``avatar_hash``/``header_hash`` as stable keys, ``profile_fields``, ``bio_urls``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from cauterize.ingest._html import Rendered, render

#: Mastodon stores one upload under ``<kind>/<id path>/<style>/<random name>.<ext>``; ``style`` is
#: a rendition (original, static, small) of the same upload, and ``cache/`` marks a remote
#: account's copy on another instance.
_STYLE = re.compile(r"/(?:original|static|small)/")
_MISSING = ("/avatars/original/missing.png", "/headers/original/missing.png")
_NOT_LINKS = frozenset({"mention", "hashtag", "u-url"})


def image_key(url: str | None) -> str | None:
    """A stable key of an uploaded profile image: ``fedi:<path without host, style or extension>``.

    It names one upload, the same in every rendition (original, static) and on every host
    serving it. It is not a perceptual hash: the same picture uploaded again is a new key; where
    the image bytes are supplied a PDQ hash could take its place. A server's placeholder image
    ("missing.png") is no image, so it cannot tie every account without a picture together.
    """
    if not url or url.endswith(_MISSING):
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if not path or path == "/":
        return None
    path = path.removeprefix("/system").removeprefix("/cache")
    path = _STYLE.sub("/", path)
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext:
        path = stem
    return f"fedi:{path}"


def links(rendered: Rendered) -> list[str]:
    """Outbound links of a rendered fragment: not mentions, hashtags or the account's own URL."""
    out = []
    for anchor in rendered.anchors:
        if anchor.classes & _NOT_LINKS or anchor.text.startswith(("@", "#")):
            continue
        if anchor.href.startswith(("http://", "https://")) and anchor.href not in out:
            out.append(anchor.href)
    return out


def fields_and_links(items: Any, bio: Rendered) -> tuple[dict[str, str], tuple[str, ...]]:
    """Profile fields (name -> value as plain text) and the links of the bio and the fields.

    ``items`` is Mastodon's ``fields`` or ActivityPub's ``attachment`` (``PropertyValue`` entries);
    anything else in it (e.g. an attached image) is skipped. Two fields of one name (real profiles
    have them, e.g. two "alt account" lines) keep both values, one per line.
    """
    fields: dict[str, str] = {}
    found = links(bio)
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or item.get("type", "PropertyValue") != "PropertyValue":
            continue
        name, value = item.get("name"), item.get("value")
        if not isinstance(name, str) or not isinstance(value, str):
            continue
        name = render(name).text
        rendered = render(value)
        if name:
            fields[name] = f"{fields[name]}\n{rendered.text}" if name in fields else rendered.text
        found += [link for link in links(rendered) if link not in found]
    return fields, tuple(found)
