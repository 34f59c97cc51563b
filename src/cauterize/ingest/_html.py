"""HTML fragments (Mastodon ``content``/``note``, ActivityPub ``content``/``summary``) -> plain text and links.

Fediverse servers send post bodies as sanitised HTML. Detectors want the text a reader sees, with
paragraph and line breaks kept (a list of handles one per line reads differently from one long
line), entities decoded, and the links kept apart so the adapter can tell mentions and hashtags
from outbound URLs. Mastodon hides parts of long link texts in ``<span class="invisible">``; that
text is kept, so a link's text is the whole URL rather than the truncated display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {"p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr"}
)
_SKIPPED = frozenset({"script", "style", "template"})
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")
_TAG = re.compile(r"<[^>]*>?")


@dataclass(frozen=True, slots=True)
class Anchor:
    """One ``<a href>`` of the fragment, with the classes and rel values servers use to mark mentions/tags."""

    href: str
    text: str
    classes: frozenset[str]
    rel: frozenset[str]


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    anchors: tuple[Anchor, ...]


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.anchors: list[Anchor] = []
        self._breaks = 0
        self._pre = 0
        self._skip = 0
        self._open: list[tuple[str, frozenset[str], frozenset[str], list[str]]] = []

    def _break(self, n: int, *, add: bool = False) -> None:
        if self.out and self.out[-1].endswith(" "):
            self.out[-1] = self.out[-1].rstrip(" ")
        self._breaks = self._breaks + n if add else max(self._breaks, n)

    def _emit(self, text: str) -> None:
        if self._breaks and self.out:
            self.out.append("\n" * self._breaks)
        self._breaks = 0
        self.out.append(text)
        for _, _, _, buf in self._open:
            buf.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self._break(1, add=True)
        elif tag in _BLOCKS:
            self._break(2)
            if tag == "pre":
                self._pre += 1
        elif tag == "a":
            a = {k: v or "" for k, v in attrs}
            self._open.append(
                (a.get("href", ""), frozenset(a.get("class", "").split()), frozenset(a.get("rel", "").split()), [])
            )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._break(2)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag == "a" and self._open:
            href, classes, rel, buf = self._open.pop()
            if href:
                self.anchors.append(Anchor(href, "".join(buf).strip(), classes, rel))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._pre:
            data = _WHITESPACE.sub(" ", data)
            at_line_start = not self.out or self._breaks or self.out[-1].endswith((" ", "\n"))
            if at_line_start:
                data = data.lstrip(" ")
        if data:
            self._emit(data)


def render(html: object) -> Rendered:
    """Plain text and links of an HTML fragment; anything but a non-empty string gives empty text."""
    if not isinstance(html, str) or not html:
        return Rendered("", ())
    if "<" not in html and "&" not in html:
        return Rendered(_WHITESPACE.sub(" ", html).strip(), ())
    return _render(html)


# The same bios come back with every status of their author, in every page and stream message.
@lru_cache(maxsize=4096)
def _render(html: str) -> Rendered:
    parser = _Renderer()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        # CPython's parser asserts on some malformed declarations ("<![d "): fall back to the
        # text with every tag stripped (no links), never a crash.
        return Rendered(_WHITESPACE.sub(" ", unescape(_TAG.sub(" ", html))).strip(), ())
    text = "".join(parser.out)
    # Trailing spaces before a break are trimmed as they come; the last line's are trimmed here.
    return Rendered(text.strip(), tuple(parser.anchors))


def html_to_text(html: object) -> str:
    return render(html).text
